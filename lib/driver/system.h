#pragma once
// System: the process's view of the GPUs on one backend — real KFD or the
// emulated GPU — chosen by AMDRR_BACKEND=kfd|sim (default: KFD when
// /dev/kfd can be opened, else the emulated GPU, with a one-line notice).
// AMDRR_CAPTURE=trace.amdrr records everything the first System of the
// process does into that trace (capture/capture_session.h).

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/driver/device.h"
#include "lib/driver/events.h"
#include "lib/driver/signal.h"
#include "lib/kmd/kmd.h"
#include "lib/sim/profile.h"

namespace amdrr {

namespace sim {
class SimKfd;
class EngineScheduler;
class DispatchRunner;
}  // namespace sim
namespace capture {
class CaptureSession;
}  // namespace capture

enum class Backend : uint8_t { kKfd, kSim };
const char* backend_name(Backend backend);

struct SystemOptions {
  /// Unset: AMDRR_BACKEND, else KFD when /dev/kfd opens, else sim.
  std::optional<Backend> backend;
  /// For the sim backend; AMDRR_SIM_TARGET=gfx942|gfx90a and AMDRR_SIM_GPUS=N
  /// override it.
  sim::SimProfile sim_profile;
  /// The emulated GPU's scheduling seed (AMDRR_SIM_SEED overrides it): the
  /// same seed gives the same interleaving of queues, bit for bit.
  uint64_t sim_seed = 0;
  /// Where the "no /dev/kfd: using the emulated GPU" notice goes (null: none).
  std::ostream* notice = nullptr;
  /// Base of device 0's VA window; device i's is base + i * window size.
#if defined(__SANITIZE_THREAD__)
  // TSan reserves most of the address space; its low application range
  // (below 512 GiB) holds 7 windows of 64 GiB.
  uint64_t va_base = 0x1000000000ull;    // 64 GiB
  uint64_t va_window_size = 1ull << 36;  // 64 GiB per device
#else
  uint64_t va_base = 0x200000000000ull;  // 32 TiB: above ASan's shadow, below 47 bits
  uint64_t va_window_size = 1ull << 40;  // 1 TiB per device
#endif
};

class System {
 public:
  /// Opens the backend; throws Error saying what failed and how to fix it.
  static std::unique_ptr<System> open(const SystemOptions& options = {});
  /// Runs on a Kmd owned by the caller (e.g. a RecordingKmd over a backend).
  static std::unique_ptr<System> on(kmd::Kmd& kmd, Backend backend,
                                    const SystemOptions& options = {});
  ~System();
  System(const System&) = delete;
  System& operator=(const System&) = delete;

  Backend backend() const { return backend_; }
  kmd::Kmd& kmd() const { return *kmd_; }
  /// The emulated GPU behind the seam, when this System owns one.
  sim::SimKfd* sim() const { return sim_; }
  /// Its engines' scheduler (queue outcomes: hangs, faults, unsupported).
  sim::EngineScheduler* sim_engines() const { return engines_.get(); }

  size_t device_count() const { return gpu_nodes_.size(); }
  /// GPU `index` (topology order), opened on first use.
  Device& device(size_t index);

  /// Numbers buffers across the system: buf#1, buf#2, ...
  uint64_t next_buffer_id() { return ++buffer_ids_; }

  /// The process's KFD events, created on the first device opened.
  EventSet& events();
  /// A new signal holding `initial`, reachable from every open device.
  Signal make_signal(uint64_t initial = 0);

  /// The capture of this system when AMDRR_CAPTURE was set (else null):
  /// kmd() is then its recorder in front of the backend.
  capture::CaptureSession* capture() const { return capture_.get(); }

 private:
  System(kmd::Kmd& kmd, Backend backend, const SystemOptions& options);

  void start_capture_from_env();

  std::unique_ptr<kmd::Kmd> owned_;
  // The shader interpreter the engines run dispatches on; declared before
  // engines_ so that it outlives the scheduler that calls it.
  std::unique_ptr<sim::DispatchRunner> dispatch_runner_;
  std::unique_ptr<sim::EngineScheduler> engines_;     // attached to owned_ when sim
  std::unique_ptr<capture::CaptureSession> capture_;  // records calls to owned_
  kmd::Kmd* kmd_;
  sim::SimKfd* sim_ = nullptr;
  Backend backend_;
  SystemOptions options_;
  std::vector<const gpu::Node*> gpu_nodes_;
  std::vector<std::unique_ptr<Device>> devices_;
  std::unique_ptr<EventSet> events_;  // after devices_: destroyed before them
  uint64_t buffer_ids_ = 0;
};

}  // namespace amdrr

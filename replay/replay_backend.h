#pragma once
// ReplayBackend: the Kmd a trace replays on, with what the replayer may ask
// of it besides Kmd calls: the emulated GPU's scheduler (which queues
// stopped and why; drain for --serialize), and how much slower than the
// recording backend it runs, to scale wait timeouts.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "format/trace.capnp.h"
#include "lib/kmd/kmd.h"

namespace amdrr::sim {
class EngineScheduler;
}  // namespace amdrr::sim

namespace amdrr::replay {

class ReplayBackend {
 public:
  virtual ~ReplayBackend() = default;
  virtual kmd::Kmd& kmd() = 0;
  /// The emulated GPU's scheduler, or nullptr on hardware.
  virtual sim::EngineScheduler* engines() = 0;
  /// "sim" or "kfd".
  virtual const char* name() const = 0;
  /// True when the device is built from the trace's header (no target check).
  virtual bool built_from_trace() const = 0;
  /// How many times slower than `recorded` this backend runs the same work.
  virtual double slowdown(schema::Backend recorded) const = 0;
  /// True when ALLOC reserves the BO's CPU address range (LinuxKfd does).
  virtual bool reserves_bo_va() const = 0;
  /// The replay's time limit: work the backend runs itself (the emulator's
  /// shader interpreter) stops there, so a runaway kernel cannot outlast
  /// it. Hardware has nothing to stop: its waits time out.
  virtual void set_deadline(std::chrono::steady_clock::time_point /*deadline*/) {}
};

/// Makes the backend for a trace; nullptr with a message when it cannot.
using BackendFactory = std::function<std::unique_ptr<ReplayBackend>(schema::Header::Reader header,
                                                                    std::string* error)>;

/// The real /dev/kfd through LinuxKfd (or any Kmd a caller supplies, such
/// as LinuxKfd over fake syscalls in tests, with the emulated GPU's
/// scheduler behind it when there is one).
class KmdBackend final : public ReplayBackend {
 public:
  /// nullptr with a message when /dev/kfd cannot be opened.
  static std::unique_ptr<KmdBackend> open_kfd(std::string* error);
  /// `engines` (may be null) is borrowed; `keep_alive` is destroyed last.
  KmdBackend(std::unique_ptr<kmd::Kmd> kmd, sim::EngineScheduler* engines,
             std::shared_ptr<void> keep_alive = nullptr);
  ~KmdBackend() override;

  kmd::Kmd& kmd() override { return *kmd_; }
  sim::EngineScheduler* engines() override { return engines_; }
  const char* name() const override { return "kfd"; }
  bool built_from_trace() const override { return false; }
  double slowdown(schema::Backend recorded) const override;
  bool reserves_bo_va() const override { return true; }

 private:
  std::shared_ptr<void> keep_alive_;
  std::unique_ptr<kmd::Kmd> kmd_;
  sim::EngineScheduler* engines_;
};

}  // namespace amdrr::replay

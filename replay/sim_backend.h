#pragma once
// SimBackend: the emulated GPU a trace replays on, built from the trace's
// header (profile, GPU count, seed): SimKfd, its engine scheduler and the
// shader interpreter, wired as System::open wires them.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "format/trace.capnp.h"
#include "lib/kmd/kmd.h"

namespace amdrr::sim {
class SimKfd;
class EngineScheduler;
class DispatchRunner;
}  // namespace amdrr::sim

namespace amdrr::replay {

class SimBackend {
 public:
  /// nullptr with a message in `error` if the header names a profile the
  /// emulator lacks or the emulated GPU cannot be created. `seed` overrides
  /// the recorded one.
  static std::unique_ptr<SimBackend> create(schema::Header::Reader header,
                                            std::optional<uint64_t> seed, std::string* error);
  ~SimBackend();
  SimBackend(const SimBackend&) = delete;
  SimBackend& operator=(const SimBackend&) = delete;

  kmd::Kmd& kmd();
  sim::EngineScheduler& engines() { return *engines_; }

 private:
  SimBackend() = default;
  std::unique_ptr<sim::SimKfd> kfd_;
  std::unique_ptr<sim::DispatchRunner> runner_;  // outlives the scheduler
  std::unique_ptr<sim::EngineScheduler> engines_;
};

}  // namespace amdrr::replay

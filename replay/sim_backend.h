#pragma once
// SimBackend: the emulated GPU a trace replays on, built from the trace's
// header (profile, GPU count, seed): SimKfd, its engine scheduler and the
// shader interpreter, wired as System::open wires them.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "lib/sim/engines/engine_types.h"
#include "replay/replay_backend.h"

namespace amdrr::sim {
class SimKfd;
}  // namespace amdrr::sim
namespace amdrr::sim::isa {
class IsaDispatchRunner;
}  // namespace amdrr::sim::isa

namespace amdrr::replay {

class SimBackend final : public ReplayBackend {
 public:
  /// nullptr with a message in `error` if the header names a profile the
  /// emulator lacks or the emulated GPU cannot be created. `seed` overrides
  /// the recorded one; `mode` is deterministic or threaded.
  static std::unique_ptr<SimBackend> create(schema::Header::Reader header,
                                            std::optional<uint64_t> seed, sim::EngineMode mode,
                                            std::string* error);
  ~SimBackend() override;
  SimBackend(const SimBackend&) = delete;
  SimBackend& operator=(const SimBackend&) = delete;

  kmd::Kmd& kmd() override;
  sim::EngineScheduler* engines() override { return engines_.get(); }
  const char* name() const override { return "sim"; }
  bool built_from_trace() const override { return true; }
  double slowdown(schema::Backend recorded) const override;
  bool reserves_bo_va() const override { return false; }
  void set_deadline(std::chrono::steady_clock::time_point deadline) override;

 private:
  SimBackend() = default;
  std::unique_ptr<sim::SimKfd> kfd_;
  std::unique_ptr<sim::isa::IsaDispatchRunner> runner_;  // outlives the scheduler
  std::unique_ptr<sim::EngineScheduler> engines_;
};

}  // namespace amdrr::replay

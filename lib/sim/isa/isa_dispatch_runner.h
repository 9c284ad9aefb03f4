#pragma once
// The shader interpreter as the engines' DispatchRunner: an AQL
// KERNEL_DISPATCH (descriptor read through the queue's memory) or a PM4
// DISPATCH_DIRECT (COMPUTE_* registers) runs on run_dispatch, every access
// through the queue's page table, write log and fault plan.
//
// Scratch (the private segment) lives in GPU memory as on hardware: each
// wave's slot in the queue's scratch backing (PM4: COMPUTE_TMPRING_SIZE,
// DISPATCH_SCRATCH_BASE and the user SGPRs the driver wrote; AQL: the
// amd_queue_t scratch fields), so scratch traffic goes through the page
// table and the write log, and a missing scratch setup is a VM fault.
//
// Called under the scheduler's lock: one dispatch at a time.

#include <chrono>
#include <cstdint>
#include <string>

#include "lib/sim/engines/dispatch_runner.h"
#include "lib/sim/isa/dispatch.h"

namespace amdrr::sim {
class SimKfd;
}  // namespace amdrr::sim

namespace amdrr::sim::isa {

class IsaDispatchRunner final : public DispatchRunner {
 public:
  /// `kfd` names each GPU's target (gfx942 or gfx90a); it must outlive the
  /// runner's last dispatch.
  explicit IsaDispatchRunner(const SimKfd& kfd) : kfd_(kfd) {}

  DispatchResult run(const KernelDispatch& dispatch, sim::GpuMemory& mem) override;

  /// Instructions per dispatch before it counts as a hang (reported as an
  /// error of the dispatch naming the PC).
  void set_instruction_limit(uint64_t limit) { instruction_limit_ = limit; }
  /// Wall clock past which a running dispatch stops as a hang (replay's
  /// --max-seconds). Set before the first dispatch.
  void set_deadline(std::chrono::steady_clock::time_point deadline) { deadline_ = deadline; }
  /// The interpreter's outcome of the last dispatch that ran (tests, stats).
  const DispatchOutcome& last_outcome() const { return last_; }
  /// Instructions executed over all dispatches.
  uint64_t instructions() const { return instructions_; }

 private:
  const SimKfd& kfd_;
  uint64_t instruction_limit_ = DispatchSetup{}.instruction_limit;
  std::chrono::steady_clock::time_point deadline_ = DispatchSetup{}.deadline;
  DispatchOutcome last_;
  uint64_t instructions_ = 0;
};

}  // namespace amdrr::sim::isa

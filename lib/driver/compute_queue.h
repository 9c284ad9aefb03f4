#pragma once
// ComputeQueue: a PM4 compute queue — memory writes, signals and waits, and
// (with code objects) kernel dispatch through COMPUTE_* registers.

#include <memory>
#include <span>

#include "lib/driver/kernarg_arena.h"
#include "lib/driver/program.h"
#include "lib/driver/queue.h"
#include "lib/driver/queue_scratch.h"
#include "lib/driver/signal.h"
#include "lib/pkt/families.h"

namespace amdrr {

/// A launch shape: grid in work-items, workgroup in work-items.
struct LaunchDims {
  uint32_t grid[3] = {1, 1, 1};
  uint16_t workgroup[3] = {64, 1, 1};
  uint32_t dimensions = 1;
};

class ComputeQueue : public Queue {
 public:
  static std::unique_ptr<ComputeQueue> create(Device& device, const QueueOptions& options = {});

  /// WRITE_DATA of `dwords` to `va`.
  ComputeQueue& write(uint64_t va, std::span<const uint32_t> dwords);
  /// Sets `signal` to `value` (RELEASE_MEM, 64 bits, after caches are
  /// written back) and interrupts CPU waiters.
  ComputeQueue& signal(const Signal& signal, uint64_t value);
  /// Holds the queue until the low 32 bits of `signal` are >= value's
  /// (WAIT_REG_MEM; see Signal for the wrap rule).
  ComputeQueue& wait(const Signal& signal, uint64_t value);
  /// Writes the 64-bit GPU clock to `va` at end of pipe.
  ComputeQueue& timestamp(uint64_t va);
  /// Launches `kernel` with `args` (its hidden arguments filled for `dims`)
  /// the way the CP runs a kernel without AQL: COMPUTE_* registers, user
  /// SGPRs, DISPATCH_DIRECT, then a CS partial flush. The grid must be a
  /// whole number of workgroups on PM4. A kernel using scratch gets the
  /// queue's scratch backing (grown, after the queue drains, when it needs
  /// more per work-item than the backing holds).
  ComputeQueue& dispatch(const KernelHandle& kernel, KernelArgs& args, const LaunchDims& dims);
  /// The queue's scratch backing (empty until a kernel uses scratch).
  const QueueScratch& scratch() const { return scratch_; }
  /// Submits what is pending and waits until the GPU has finished it.
  void finish(std::chrono::milliseconds timeout = std::chrono::seconds(30));

 protected:
  void before_submit() override;

 private:
  ComputeQueue(Device& device, const QueueOptions& options);
  struct ShRegs {  // SET_SH_REG addresses of this queue's generation
    uint32_t pgm_lo, rsrc1, rsrc3, tmpring_size, resource_limits, user_data_0, start_x,
        scratch_base_lo;
  };
  static ShRegs resolve_sh_regs(pkt::Pm4Family family);
  void set_sh(uint32_t reg, std::span<const uint32_t> values);
  pkt::Pm4Family family_;
  ShRegs regs_;
  std::unique_ptr<KernargArena> kernargs_;
  QueueScratch scratch_;  // grown for the largest private segment so far
  Signal progress_;       // the queue's own timeline: kernarg reuse, finish()
  uint64_t ticket_ = 0;
};

}  // namespace amdrr

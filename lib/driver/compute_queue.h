#pragma once
// ComputeQueue: a PM4 compute queue — memory writes, signals and waits, and
// (with code objects) kernel dispatch through COMPUTE_* registers.

#include <memory>
#include <span>

#include "lib/driver/queue.h"
#include "lib/pkt/families.h"

namespace amdrr {

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

 private:
  ComputeQueue(Device& device, const QueueOptions& options);
  void release_mem(uint32_t data_sel, uint32_t int_sel, uint64_t addr, uint64_t data,
                   uint32_t int_ctxid);
  pkt::Pm4Family family_;
};

}  // namespace amdrr

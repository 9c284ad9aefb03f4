#pragma once
// AqlQueue: an AQL (HSA) compute queue, the way ROCR drives MI200/MI300.
// Its control page is a real amd_queue_t (hsa_queue_t header, dispatch ids,
// max CU/wave ids, IS_PTR64), its ring starts full of INVALID packets, and
// every packet goes in dwords 1..15 first and then its header+setup dword
// with a release store, so the packet processor never runs half a packet.
// write_dispatch_id, then the doorbell (the last packet's index), publish a
// batch; ring space comes back as read_dispatch_id (monotonic) moves on.
//
// What AQL can do and how each call maps onto it:
// - dispatch: a KERNEL_DISPATCH packet. Grids need not be a whole number of
//   workgroups (the last one is partial), unlike PM4. A kernel using
//   scratch gets the queue's scratch backing through the amd_queue_t
//   scratch fields, grown (after the queue drains) when it needs more.
// - completion signals only *decrement* by one (Signal::wait_equal(0));
//   barrier_and/or wait for dependency signals to reach 0.
// - signal(s, v), wait(s, v) and timestamp(va) are timeline operations AQL
//   packets cannot express. They run as PM4 (RELEASE_MEM, WAIT_REG_MEM)
//   from the PM4-IB vendor packet ROCR uses (AMD_AQL_FORMAT_PM4_IB), the IB
//   held in the queue's arena. wait() is WAIT_REG_MEM, not a barrier: a
//   barrier compares with 0 only, and BARRIER_VALUE (which could compare a
//   timeline) is newer firmware the driver cannot assume.
//
// Kernel arguments and IBs share one per-queue KernargArena, retired by the
// queue's own progress timeline (a RELEASE_MEM appended to each batch that
// used the arena), so nothing is reused while the GPU may still read it.

#include <chrono>
#include <memory>
#include <vector>

#include "lib/driver/compute_queue.h"
#include "lib/driver/kernarg_arena.h"
#include "lib/driver/program.h"
#include "lib/driver/queue.h"
#include "lib/driver/queue_scratch.h"
#include "lib/driver/signal.h"
#include "lib/pkt/aql_build.h"
#include "lib/pkt/families.h"

namespace amdrr {

/// amd_queue_t offsets the driver fills [S-AMDQ] (wptr/rptr: queue.h).
namespace amd_queue {
inline constexpr uint64_t kType = 0;         // hsa_queue_t.type
inline constexpr uint64_t kFeatures = 4;     // hsa_queue_t.features
inline constexpr uint64_t kBaseAddress = 8;  // hsa_queue_t.base_address
inline constexpr uint64_t kSize = 24;        // hsa_queue_t.size, in packets
inline constexpr uint64_t kId = 32;          // hsa_queue_t.id
inline constexpr uint64_t kMaxCuId = 72;
inline constexpr uint64_t kMaxWaveId = 76;
inline constexpr uint64_t kReadDispatchIdFieldBaseByteOffset = 136;
inline constexpr uint64_t kComputeTmpringSize = 140;
inline constexpr uint64_t kScratchResourceDescriptor = 144;  // 4 dwords
inline constexpr uint64_t kScratchBackingMemoryLocation = 160;
inline constexpr uint64_t kScratchBackingMemoryByteSize = 168;  // per XCC (v2; debuggers)
inline constexpr uint64_t kScratchWave64LaneByteSize = 176;
inline constexpr uint64_t kQueueProperties = 180;
inline constexpr uint32_t kTypeSingle = 1;  // HSA_QUEUE_TYPE_SINGLE
inline constexpr uint32_t kFeatureKernelDispatch = 1;
inline constexpr uint32_t kPropertyIsPtr64 = 1u << 1;
}  // namespace amd_queue

class AqlQueue : public Queue {
 public:
  static std::unique_ptr<AqlQueue> create(Device& device, const QueueOptions& options = {});

  /// KERNEL_DISPATCH of `kernel` (loaded on this queue's device) with `args`
  /// (hidden arguments filled for `dims`). `completion`, if given, is
  /// decremented by one when the kernel has finished.
  AqlQueue& dispatch(const KernelHandle& kernel, KernelArgs& args, const LaunchDims& dims,
                     const Signal* completion = nullptr);
  /// BARRIER_AND: later packets wait until every signal in `deps` is 0.
  /// More than five are split over several barriers (same meaning).
  AqlQueue& barrier_and(const std::vector<const Signal*>& deps, const Signal* completion = nullptr);
  /// BARRIER_OR: later packets wait until one signal in `deps` (1..5) is 0.
  AqlQueue& barrier_or(const std::vector<const Signal*>& deps, const Signal* completion = nullptr);
  /// Sets the timeline `signal` to `value` (64 bits) once everything before
  /// it is done, and wakes CPU waiters (PM4 RELEASE_MEM from a PM4-IB).
  AqlQueue& signal(const Signal& signal, uint64_t value);
  /// Holds the queue until the low 32 bits of `signal` are >= value's
  /// (PM4 WAIT_REG_MEM from a PM4-IB; see Signal for the wrap rule).
  AqlQueue& wait(const Signal& signal, uint64_t value);
  /// Writes the 64-bit GPU clock to `va` once what precedes is done.
  AqlQueue& timestamp(uint64_t va);
  /// The queue's scratch backing (empty until a kernel uses scratch).
  const QueueScratch& scratch() const { return scratch_; }
  /// Submits what is pending and waits until the GPU has finished it.
  void finish(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  size_t pending_packets() const { return packets_.size(); }
  /// Packets in the ring (amd_queue_t hsa_queue_t.size).
  uint64_t ring_packets() const { return options_.ring_bytes / kPacketBytes; }
  /// amd_queue_t's dispatch ids: packets written and packets the packet
  /// processor has taken, both monotonic.
  uint64_t write_dispatch_id() const { return put_bytes_ / kPacketBytes; }
  uint64_t read_dispatch_id() const;
  /// The GPU VA of the amd_queue_t (what kernels get as their queue ptr).
  uint64_t amd_queue_va() const { return control_.va(); }

  static constexpr uint64_t kPacketBytes = 64;

 protected:
  void before_submit() override;
  bool has_pending() const override { return !packets_.empty(); }
  void write_pending() override;

 private:
  AqlQueue(Device& device, const QueueOptions& options);
  void init_amd_queue();
  /// A scratch backing for `lane_bytes` per work-item, in the amd_queue_t.
  void grow_scratch(uint32_t lane_bytes);
  KernargArena& arena();
  /// Appends a PM4-IB vendor packet that runs `ib` from the arena.
  void pm4_ib(const std::vector<uint32_t>& ib);
  AqlQueue& barrier(const std::vector<const Signal*>& deps, const Signal* completion, bool all);
  uint64_t signal_va(const Signal* s, const char* what);
  /// Waits until slot `index` is free, publishing what was written so far
  /// if the packet processor has to run to free it.
  void wait_for_slot(uint64_t index);

  pkt::Pm4Family family_;
  std::vector<pkt::aql::Packet> packets_;
  std::unique_ptr<KernargArena> arena_;
  QueueScratch scratch_;  // grown for the largest private segment so far
  Signal progress_;       // the queue's own timeline: arena reuse, finish()
  uint64_t ticket_ = 0;
};

}  // namespace amdrr

#pragma once
// CompletionTracker: the memory the packets of each queue write, from the
// doorbell that submitted them until a satisfied wait shows them complete.
//  - a CPU wait on `va` that ended satisfied seeing `value`: in each queue,
//    the packets up to the one that released the wait are complete — the
//    last pending packet the queue's read pointer has passed that writes
//    `va`, with the value seen where the packet carries its data, and that
//    no other pending packet repeats (then which one ran is timing). Queues
//    execute in order, and a RELEASE_MEM or a FENCE is written after the
//    work before it (UNVERIFIED on hardware for PM4: the CP's read pointer
//    passes a RELEASE_MEM before its end-of-pipe write; the value check
//    covers that);
//  - a KFD event wait that returned: when exactly one interrupt packet is
//    pending (in any queue) and its read pointer has passed it, the packets
//    up to it; with several, which fired is timing, so none.
// Completed ranges that a still-pending packet may write again are left
// out: they are not stable yet. AQL queues are not decoded (their dispatch
// outputs are not in the packets).
//
// Not thread-safe: RecordingKmd calls it under its own lock.

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <vector>

#include "capture/packet_targets.h"
#include "lib/pkt/desc.h"

namespace amdrr::capture {

class CompletionTracker {
 public:
  /// Pending targets above this per queue are dropped, oldest first (a
  /// program that never waits must not grow the capture without bound).
  static constexpr size_t kMaxPendingPerQueue = 4096;

  /// A queue whose packets `table` decodes (nullptr: not decoded).
  void add_queue(uint32_t queue_id, const pkt::PacketTable* table);
  void remove_queue(uint32_t queue_id);
  /// The packets behind a doorbell, starting at unwrapped ring byte `position`.
  void submitted(uint32_t queue_id, std::span<const uint8_t> packets, uint64_t position);
  void submitted(uint32_t queue_id, std::span<const uint32_t> packets, uint64_t position);

  /// A queue's read pointer as an unwrapped ring byte position.
  using ReadPosition = std::function<uint64_t(uint32_t queue_id)>;

  /// A satisfied CPU wait on the `width` bytes at `va` that saw `value`: the
  /// targets now complete, one per range, in address order. Valid until the
  /// next call (the tracker reuses its buffers: one wait per few doorbells).
  const std::vector<PacketTarget>& completed_by_write(uint64_t va, uint8_t width, uint64_t value,
                                                      const ReadPosition& read_position);
  /// A returned KFD event wait: the packets up to the last interrupt each
  /// queue's read pointer has passed. Valid until the next call.
  const std::vector<PacketTarget>& completed_by_interrupt(const ReadPosition& read_position);

  size_t pending() const;

 private:
  // A queue's pending targets are `targets[head..]`: completing some moves
  // `head`, and the vector is compacted once half of it is behind it.
  struct Queue {
    const pkt::PacketTable* table = nullptr;
    std::vector<PacketTarget> targets;
    size_t head = 0;
    size_t size() const { return targets.size() - head; }
    const PacketTarget& operator[](size_t i) const { return targets[head + i]; }
  };
  void take(Queue& q, size_t n);              // the first n pending, into done_
  const std::vector<PacketTarget>& stable();  // done_, settled, into out_

  std::map<uint32_t, Queue> queues_;
  std::vector<PacketTarget> done_;
  std::vector<PacketTarget> out_;
};

}  // namespace amdrr::capture

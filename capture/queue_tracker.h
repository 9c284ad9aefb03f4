#pragma once
// QueueTracker: what RecordingKmd knows about each queue (ring, pointers,
// type, learnt from create_queue) and where the previous doorbell of each
// left the ring, so a doorbell can be recorded with exactly the packet bytes
// written since then. Rings are read through the CPU mapping: the driver keeps
// them host-visible at CPU VA == GPU VA.
//
// Not thread-safe: RecordingKmd calls it under its own lock.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "lib/kmd/kmd_types.h"

namespace amdrr::capture {

struct TrackedQueue {
  uint32_t gpu_id = 0;
  kmd::QueueType type = kmd::QueueType::kCompute;
  uint64_t ring_va = 0;
  uint32_t ring_size = 0;  // bytes, power of two
  uint64_t wptr_va = 0;
  uint64_t rptr_va = 0;
  uint64_t unit = 4;           // bytes per write-pointer unit
  uint64_t last_position = 0;  // byte position (unwrapped) of the last doorbell
  bool ring_readable = false;  // the ring lies inside a CPU mapping we saw
};

/// The packets behind one doorbell, read from the ring.
struct DoorbellPackets {
  uint32_t gpu_id = 0;
  uint64_t write_pointer = 0;  // as read from memory, in the queue's units
  uint64_t read_pointer = 0;
  uint64_t ring_offset = 0;  // byte offset in the ring where `bytes` begins
  uint64_t position = 0;     // the same, as an unwrapped byte count
  // Wrap unrolled; in the ring itself when they do not wrap. Valid until
  // the next take() or the driver's next ring store.
  std::span<const uint8_t> bytes;
  std::span<const uint32_t> dwords;  // the same, when a whole number of dwords
  bool ring_unreadable = false;
  bool overrun = false;  // more than a ring's worth since the last doorbell
};

class QueueTracker {
 public:
  /// A queue that create_queue returned. `ring_readable` says whether the
  /// ring and pointers are CPU-mapped (else doorbells carry no packets).
  void add(uint32_t queue_id, const kmd::CreateQueueArgs& args, bool ring_readable);
  void remove(uint32_t queue_id);
  /// UPDATE_QUEUE may move or resize the ring: packets restart at its write pointer.
  void update(const kmd::UpdateQueueArgs& args, bool ring_readable);
  const TrackedQueue* find(uint32_t queue_id) const;

  /// Reads the pointers and the packets written since the previous doorbell
  /// of `queue_id`, and moves the queue's position to the new write pointer.
  /// nullopt for a queue we never saw created.
  std::optional<DoorbellPackets> take(uint32_t queue_id);

  /// The queue's read pointer, read from memory, as an unwrapped byte
  /// position no later than the last doorbell's (a read pointer that wraps
  /// is unwrapped against it); 0 for an unknown or unreadable queue.
  uint64_t read_position(uint32_t queue_id) const;

  /// True if [va, va + size) lies inside a tracked ring or is a tracked write
  /// pointer: doorbell records already carry those bytes.
  bool covers(uint64_t va, uint64_t size) const;

 private:
  void index_ranges();

  std::map<uint32_t, TrackedQueue> queues_;
  // covers(): the rings and write pointers, flat.
  std::vector<std::pair<uint64_t, uint64_t>> ranges_;  // [begin, end)
  std::vector<uint32_t> scratch_;                      // the bytes of the last take(), reused
};

}  // namespace amdrr::capture

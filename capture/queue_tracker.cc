#include "capture/queue_tracker.h"

#include <atomic>
#include <cstring>

namespace amdrr::capture {
namespace {

uint64_t load_u64(uint64_t va) {
  // The GPU (or the emulated one) updates these concurrently.
  return std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(va))
      .load(std::memory_order_acquire);
}

}  // namespace

void QueueTracker::add(uint32_t queue_id, const kmd::CreateQueueArgs& args, bool ring_readable) {
  TrackedQueue q;
  q.gpu_id = args.gpu_id;
  q.type = args.queue_type;
  q.ring_va = args.ring_base_address;
  q.ring_size = args.ring_size;
  q.wptr_va = args.write_pointer_address;
  q.rptr_va = args.read_pointer_address;
  q.unit = kmd::queue_pointer_unit(args.queue_type);
  q.ring_readable = ring_readable && q.ring_size != 0 && (q.ring_size & (q.ring_size - 1)) == 0;
  if (q.ring_readable) q.last_position = load_u64(q.wptr_va) * q.unit;
  queues_[queue_id] = q;
  index_ranges();
}

void QueueTracker::remove(uint32_t queue_id) {
  queues_.erase(queue_id);
  index_ranges();
}

void QueueTracker::index_ranges() {
  ranges_.clear();
  for (const auto& [id, q] : queues_) {
    ranges_.emplace_back(q.ring_va, q.ring_va + q.ring_size);
    ranges_.emplace_back(q.wptr_va, q.wptr_va + 8);
  }
}

void QueueTracker::update(const kmd::UpdateQueueArgs& args, bool ring_readable) {
  auto it = queues_.find(args.queue_id);
  if (it == queues_.end()) return;
  TrackedQueue& q = it->second;
  q.ring_va = args.ring_base_address;
  q.ring_size = args.ring_size;
  q.ring_readable = ring_readable && q.ring_size != 0 && (q.ring_size & (q.ring_size - 1)) == 0;
  if (q.ring_readable) q.last_position = load_u64(q.wptr_va) * q.unit;
  index_ranges();
}

const TrackedQueue* QueueTracker::find(uint32_t queue_id) const {
  auto it = queues_.find(queue_id);
  return it == queues_.end() ? nullptr : &it->second;
}

std::optional<DoorbellPackets> QueueTracker::take(uint32_t queue_id) {
  auto it = queues_.find(queue_id);
  if (it == queues_.end()) return std::nullopt;
  TrackedQueue& q = it->second;
  DoorbellPackets out;
  out.gpu_id = q.gpu_id;
  if (!q.ring_readable) {
    out.ring_unreadable = true;
    return out;
  }
  out.write_pointer = load_u64(q.wptr_va);
  out.read_pointer = load_u64(q.rptr_va);
  const uint64_t size = q.ring_size;
  const uint64_t position = out.write_pointer * q.unit;
  // Positions are unwrapped byte counts; the ring holds the last `size` bytes.
  uint64_t length = position - q.last_position;
  uint64_t from = q.last_position;
  if (length > size) {
    out.overrun = true;
    from = position - size;
    length = size;
  }
  out.ring_offset = from & (size - 1);
  out.position = from;
  const auto* ring = reinterpret_cast<const uint8_t*>(q.ring_va);
  const uint64_t first = std::min(length, size - out.ring_offset);
  if (first == length && length % 4 == 0 && out.ring_offset % 4 == 0) {
    // The usual case: read in place (the ring does not change until the
    // driver writes past this doorbell, after the caller is done).
    out.bytes = {ring + out.ring_offset, length};
    out.dwords = {reinterpret_cast<const uint32_t*>(ring + out.ring_offset), length / 4};
  } else {
    scratch_.resize((length + 3) / 4);  // dwords: packets are read as such
    auto* to = reinterpret_cast<uint8_t*>(scratch_.data());
    std::memcpy(to, ring + out.ring_offset, first);
    if (first < length) std::memcpy(to + first, ring, length - first);
    out.bytes = {to, length};
    if (length % 4 == 0) out.dwords = {scratch_.data(), length / 4};
  }
  q.last_position = position;
  return out;
}

uint64_t QueueTracker::read_position(uint32_t queue_id) const {
  const TrackedQueue* q = find(queue_id);
  if (!q || !q->ring_readable) return 0;
  const uint64_t pos = load_u64(q->rptr_va) * q->unit;
  const uint64_t last = q->last_position;
  if (pos <= last && last - pos <= q->ring_size) return pos;  // an unwrapped pointer
  // UNVERIFIED which queues' hardware read pointers wrap: take the position
  // within one ring behind the last doorbell.
  const uint64_t mask = uint64_t{q->ring_size} - 1;
  return last - (((last & mask) - (pos & mask)) & mask);
}

bool QueueTracker::covers(uint64_t va, uint64_t size) const {
  for (const auto& [begin, end] : ranges_) {
    if (va >= begin && va + size <= end) return true;
  }
  return false;
}

}  // namespace amdrr::capture

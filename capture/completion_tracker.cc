#include "capture/completion_tracker.h"

#include <algorithm>
#include <cstring>

namespace amdrr::capture {

void CompletionTracker::add_queue(uint32_t queue_id, const pkt::PacketTable* table) {
  queues_[queue_id] = Queue{table, {}};
}

void CompletionTracker::remove_queue(uint32_t queue_id) {
  queues_.erase(queue_id);
}

void CompletionTracker::submitted(uint32_t queue_id, std::span<const uint8_t> packets,
                                  uint64_t position) {
  std::vector<uint32_t> dwords(packets.size() / 4);
  if (!dwords.empty()) std::memcpy(dwords.data(), packets.data(), dwords.size() * 4);
  submitted(queue_id, std::span<const uint32_t>(dwords), position);
}

void CompletionTracker::submitted(uint32_t queue_id, std::span<const uint32_t> packets,
                                  uint64_t position) {
  auto it = queues_.find(queue_id);
  if (it == queues_.end() || it->second.table == nullptr) return;
  Queue& q = it->second;
  // Repeated targets fold onto pending ones (never onto completed ones):
  // a folded entry is "repeated", so it never releases a wait, as
  // identical pending packets never do; it covers the same bytes and
  // completes with the last of its packets.
  packet_targets(*q.table, packets, position, q.targets, q.head);
  if (q.size() > kMaxPendingPerQueue) q.head = q.targets.size() - kMaxPendingPerQueue;
  if (q.head > q.targets.size() / 2) {
    q.targets.erase(q.targets.begin(), q.targets.begin() + static_cast<std::ptrdiff_t>(q.head));
    q.head = 0;
  }
}

void CompletionTracker::take(Queue& q, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (q[i].size != 0) done_.push_back(q[i]);
  }
  q.head += n;
}

namespace {

// Whether `t` writes some of the `width` bytes at `va`, and (where it carries
// its data) the bytes the wait saw there.
bool released(const PacketTarget& t, uint64_t va, uint8_t width, uint64_t value) {
  const uint64_t lo = std::max(va, t.va);
  const uint64_t hi = std::min(va + width, t.va + t.size);
  if (lo >= hi) return false;
  if (!t.has_data) return true;
  for (uint64_t a = lo; a < hi; ++a) {
    const auto seen = static_cast<uint8_t>(value >> (8 * (a - va)));
    const auto written = static_cast<uint8_t>(t.data >> (8 * (a - t.va)));
    if (seen != written) return false;
  }
  return true;
}

}  // namespace

const std::vector<PacketTarget>& CompletionTracker::completed_by_write(
    uint64_t va, uint8_t width, uint64_t value, const ReadPosition& read_position) {
  done_.clear();
  for (auto& [id, q] : queues_) {
    if (q.size() == 0) continue;
    const uint64_t rptr = read_position(id);
    // The releasing packet is one whose write could have produced the value
    // seen and that no other pending packet repeats (same range, same data):
    // when several could (a flag every batch sets to the same value, the
    // high half of a timeline), which one ran depends on timing that replay
    // does not reproduce, so such packets release nothing.
    auto repeated = [&](size_t i) {
      const PacketTarget& t = q[i];
      if (t.copies > 1) return true;
      for (size_t j = 0; j < q.size(); ++j) {
        const PacketTarget& o = q[j];
        if (j != i && o.va == t.va && o.size == t.size && o.has_data == t.has_data &&
            o.data == t.data) {
          return true;
        }
      }
      return false;
    };
    size_t n = 0;
    for (size_t i = q.size(); i-- > 0;) {
      const PacketTarget& t = q[i];
      if (t.end_position <= rptr && released(t, va, width, value) && !repeated(i)) {
        n = i + 1;
        break;
      }
    }
    take(q, n);
  }
  return stable();
}

const std::vector<PacketTarget>& CompletionTracker::completed_by_interrupt(
    const ReadPosition& read_position) {
  // A returned event wait proves that some interrupt fired, not which: with
  // several pending, the ones that ran before the wait returned is timing
  // that replay does not reproduce. Only a lone pending interrupt is known
  // to have run (the CPU wait on the signal that usually follows settles
  // the rest).
  done_.clear();
  Queue* only_queue = nullptr;
  uint32_t only_id = 0;
  size_t only_index = 0;
  size_t interrupts = 0;
  for (auto& [id, q] : queues_) {
    for (size_t i = 0; i < q.size(); ++i) {
      if (!q[i].interrupt) continue;
      ++interrupts;
      only_queue = &q;
      only_id = id;
      only_index = i;
    }
  }
  if (interrupts == 1 && (*only_queue)[only_index].end_position <= read_position(only_id)) {
    take(*only_queue, only_index + 1);
  }
  return stable();
}

const std::vector<PacketTarget>& CompletionTracker::stable() {
  out_.clear();
  if (done_.empty()) return out_;
  // One observation per range (a signal written by many packets; repeated
  // targets are already folded, so there are few).
  std::sort(done_.begin(), done_.end(), [](const PacketTarget& a, const PacketTarget& b) {
    return a.va != b.va ? a.va < b.va : a.size < b.size;
  });
  for (const PacketTarget& t : done_) {
    if (!out_.empty() && out_.back().va == t.va && out_.back().size == t.size) {
      out_.back().timestamp |= t.timestamp;
      continue;
    }
    out_.push_back(t);
  }
  // A range a pending packet may still write is not settled.
  std::erase_if(out_, [&](const PacketTarget& t) {
    for (const auto& [id, q] : queues_) {
      for (size_t i = 0; i < q.size(); ++i) {
        const PacketTarget& p = q[i];
        if (p.size != 0 && p.va < t.va + t.size && t.va < p.va + p.size) return true;
      }
    }
    return false;
  });
  return out_;
}

size_t CompletionTracker::pending() const {
  size_t n = 0;
  for (const auto& [id, q] : queues_) n += q.size();
  return n;
}

}  // namespace amdrr::capture

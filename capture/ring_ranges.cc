#include "capture/ring_ranges.h"

#include <algorithm>
#include <vector>

namespace amdrr::capture {

bool RingRanges::covers(uint64_t va, uint64_t size) const {
  const uint32_t before = sequence_.load(std::memory_order_acquire);
  if (before & 1) return false;
  // The last range that begins at or below `va` (sorted by begin).
  uint32_t lo = 0;
  uint32_t hi = count_.load(std::memory_order_relaxed);
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (bounds_[2 * mid].load(std::memory_order_relaxed) <= va) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  bool hit = false;
  if (lo > 0) {
    const uint64_t begin = bounds_[2 * (lo - 1)].load(std::memory_order_relaxed);
    const uint64_t end = bounds_[2 * (lo - 1) + 1].load(std::memory_order_relaxed);
    hit = size <= end - begin && va - begin <= end - begin - size;
  }
  std::atomic_thread_fence(std::memory_order_acquire);
  return hit && sequence_.load(std::memory_order_relaxed) == before;
}

void RingRanges::assign(std::span<const std::pair<uint64_t, uint64_t>> ranges) {
  const uint32_t s = sequence_.load(std::memory_order_relaxed);
  sequence_.store(s + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  std::vector<std::pair<uint64_t, uint64_t>> sorted(ranges.begin(), ranges.end());
  std::sort(sorted.begin(), sorted.end());
  const size_t n = std::min(sorted.size(), kMaxRanges);
  for (size_t i = 0; i < n; ++i) {
    bounds_[2 * i].store(sorted[i].first, std::memory_order_relaxed);
    bounds_[2 * i + 1].store(sorted[i].second, std::memory_order_relaxed);
  }
  count_.store(static_cast<uint32_t>(n), std::memory_order_relaxed);
  sequence_.store(s + 2, std::memory_order_release);
}

}  // namespace amdrr::capture

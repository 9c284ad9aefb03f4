#pragma once
// RingRanges: the rings and write pointers of the tracked queues, readable
// from any thread without a lock. The driver reports every ring and
// write-pointer store (two or three per submission) and capture ignores
// them — the doorbell record carries those bytes — so that check must not
// take the capture lock. The table changes only when queues come and go:
// a seqlock, whose readers never wait (a reader that races an update says
// "not covered" and the caller takes the locked path).

#include <array>
#include <atomic>
#include <cstdint>
#include <span>
#include <utility>

namespace amdrr::capture {

class RingRanges {
 public:
  /// KFD's queues per process, a ring and a write pointer each.
  static constexpr size_t kMaxRanges = 2 * 1024;

  /// True if [va, va + size) lies inside the range that begins last at or
  /// below `va` (ranges do not overlap: rings and pointers of distinct
  /// queues). Any thread; false is also the answer while the table is
  /// being replaced.
  bool covers(uint64_t va, uint64_t size) const;
  /// Replaces the table ([begin, end) pairs; ranges past kMaxRanges are
  /// left out, so their stores take the locked path). One writer at a time.
  void assign(std::span<const std::pair<uint64_t, uint64_t>> ranges);

 private:
  std::atomic<uint32_t> sequence_{0};  // odd while assign() runs
  std::atomic<uint32_t> count_{0};
  std::array<std::atomic<uint64_t>, 2 * kMaxRanges> bounds_{};  // begin, end, ...
};

}  // namespace amdrr::capture

#pragma once
// TraceClock: nanoseconds since the trace was opened, for every record's
// stamp (one per submission). Reading CLOCK_MONOTONIC costs ~36 ns on the
// VMs here, the TSC ~14 ns. When the kernel itself keeps time with the TSC
// (its clocksource is "tsc": invariant and synchronised across CPUs), a
// reading is the TSC scaled by a rate measured against CLOCK_MONOTONIC and
// re-anchored to it every ~100 ms, so the two never part by more than a
// microsecond or so; elsewhere it is CLOCK_MONOTONIC itself. Readings never
// go backwards. Not thread-safe: the trace writer reads it under its lock.

#include <cstdint>

namespace amdrr::format {

class TraceClock {
 public:
  /// `use_tsc` false forces CLOCK_MONOTONIC (tests compare the two).
  explicit TraceClock(bool use_tsc = kernel_uses_tsc());
  uint64_t now_ns();
  bool uses_tsc() const { return use_tsc_; }

  /// Whether the kernel's clocksource is the TSC (x86-64 only).
  static bool kernel_uses_tsc();

 private:
  uint64_t monotonic_since_start();
  uint64_t reanchor(uint64_t tsc);

  bool use_tsc_;
  uint64_t start_ns_;          // CLOCK_MONOTONIC at the start
  uint64_t anchor_tsc_ = 0;    // last time both clocks were read together
  uint64_t anchor_ns_ = 0;     // (since the start)
  double ns_per_tick_ = 0;     // 0 until measured over at least kMeasureNs
  uint64_t window_ticks_ = 0;  // extrapolate this far from the anchor
  uint64_t last_ = 0;          // readings never go backwards
};

}  // namespace amdrr::format

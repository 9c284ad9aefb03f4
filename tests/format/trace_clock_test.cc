// The trace clock, TSC-scaled or not, tracks CLOCK_MONOTONIC and never goes
// backwards.

#include "format/trace_clock.h"

#include <gtest/gtest.h>
#include <time.h>

#include <chrono>
#include <cstdint>
#include <thread>

namespace amdrr::format {
namespace {

uint64_t monotonic_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(t.tv_nsec);
}

void tracks_monotonic(bool use_tsc) {
  const uint64_t start = monotonic_ns();
  TraceClock clock(use_tsc);
  const uint64_t opened = monotonic_ns();
  uint64_t last = 0;
  int64_t worst = 0;
  // 300 ms: past the first rate measurement (10 ms) and two re-anchorings.
  while (monotonic_ns() - start < 300'000'000) {
    for (int i = 0; i < 1000; ++i) {
      const uint64_t before = monotonic_ns();
      const uint64_t t = clock.now_ns();
      const uint64_t after = monotonic_ns();
      ASSERT_GE(t, last) << "went backwards";
      last = t;
      // The reading lies in [before, after] since the clock opened, give or
      // take the extrapolation error (generous: a loaded CI machine).
      const auto lo = static_cast<int64_t>(before - opened);
      const auto hi = static_cast<int64_t>(after - start);
      const auto v = static_cast<int64_t>(t);
      if (v < lo) worst = std::max(worst, lo - v);
      if (v > hi) worst = std::max(worst, v - hi);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
  EXPECT_LT(worst, 200'000) << "ns away from CLOCK_MONOTONIC";
}

TEST(TraceClock, MonotonicClockTracksItself) {
  tracks_monotonic(false);
}

TEST(TraceClock, TscScaledTracksTheMonotonicClock) {
  if (!TraceClock::kernel_uses_tsc()) {
    GTEST_SKIP() << "the kernel's clocksource is not the TSC here: the clock reads "
                    "CLOCK_MONOTONIC (covered above)";
  }
  tracks_monotonic(true);
}

}  // namespace
}  // namespace amdrr::format

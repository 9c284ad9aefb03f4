#include "inspect/gpu_clock.h"

#include <gtest/gtest.h>

namespace amdrr::inspect {
namespace {

TEST(GpuClock, TwoPairingsGiveTheCounterRate) {
  GpuClock clock;
  EXPECT_FALSE(clock.to_trace_ns(5));  // no pairing: no GPU time
  clock.add_pairing(1000, 1'000'000);
  EXPECT_EQ(*clock.to_trace_ns(1100), 1'001'000u);  // 100 MHz assumed
  clock.add_pairing(26000, 2'000'000);              // 25 MHz measured
  EXPECT_EQ(*clock.to_trace_ns(1100), 1'004'000u);
}

TEST(GpuClock, ValueIsTheFirstObservationAfterTheRecord) {
  GpuClock clock;
  const uint64_t early = 7, late = 9;
  clock.add_observation(
      10, 0x1000,
      {reinterpret_cast<const uint8_t*>(&early), reinterpret_cast<const uint8_t*>(&early) + 8});
  clock.add_observation(
      20, 0x1000,
      {reinterpret_cast<const uint8_t*>(&late), reinterpret_cast<const uint8_t*>(&late) + 8});
  EXPECT_EQ(*clock.value_after(5, 0x1000), 7u);
  EXPECT_EQ(*clock.value_after(15, 0x1000), 9u);
  EXPECT_FALSE(clock.value_after(25, 0x1000));
  EXPECT_FALSE(clock.value_after(5, 0x1004));  // not 8 bytes inside
}

}  // namespace
}  // namespace amdrr::inspect

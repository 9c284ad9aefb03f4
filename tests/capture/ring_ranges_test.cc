// The lock-free ring table answers as a scan of its ranges would, and a
// reader racing replacements never claims a range that was not there.

#include "capture/ring_ranges.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>
#include <vector>

namespace amdrr::capture {
namespace {

using Ranges = std::vector<std::pair<uint64_t, uint64_t>>;

bool scan(const Ranges& r, uint64_t va, uint64_t size) {
  for (const auto& [begin, end] : r) {
    if (va >= begin && va + size <= end) return true;
  }
  return false;
}

TEST(RingRanges, AgreesWithAScan) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 50; ++round) {
    // Disjoint rings and 8-byte pointers, in no particular order.
    Ranges r;
    for (int q = 0; q < 1 + round % 9; ++q) {
      const uint64_t base = 0x7000'0000'0000ull + (rng() % 4096) * 0x10000 + q * 0x1000'0000ull;
      r.emplace_back(base, base + 4096);
      r.emplace_back(base + 0x8000, base + 0x8008);
    }
    std::shuffle(r.begin(), r.end(), rng);
    RingRanges table;
    table.assign(r);
    for (const auto& [begin, end] : r) {
      EXPECT_TRUE(table.covers(begin, end - begin));
      EXPECT_TRUE(table.covers(end - 4, 4));
      EXPECT_FALSE(table.covers(end - 4, 8));  // runs past the end
      EXPECT_FALSE(table.covers(begin - 4, 4));
    }
    for (int probe = 0; probe < 200; ++probe) {
      const auto& [begin, end] = r[rng() % r.size()];
      const uint64_t va = begin - 64 + rng() % (end - begin + 128);
      const uint64_t size = 1 + rng() % 64;
      EXPECT_EQ(table.covers(va, size), scan(r, va, size)) << std::hex << va << " " << size;
    }
  }
  RingRanges empty;
  EXPECT_FALSE(empty.covers(0, 1));
  EXPECT_FALSE(empty.covers(~uint64_t{0} - 3, 8));  // no wrap past 2^64
}

TEST(RingRanges, ReadersRacingReplacementsSeeOneTableOrTheOther) {
  const Ranges a{{0x1000, 0x2000}};
  const Ranges b{{0x5000, 0x6000}};
  RingRanges table;
  table.assign(a);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < 20000; ++i) table.assign(i % 2 ? a : b);
    stop = true;
  });
  uint64_t wrong = 0;
  while (!stop) {
    // Never in either table: must never be claimed, whatever the timing.
    if (table.covers(0x3000, 8) || table.covers(0x1FF0, 0x20)) ++wrong;
  }
  writer.join();
  EXPECT_EQ(wrong, 0u);
}

}  // namespace
}  // namespace amdrr::capture

// CompletionTracker on hand-built packet streams: which targets a wait
// completes, values that do not match, read pointers, unstable ranges.
#include "capture/completion_tracker.h"

#include <gtest/gtest.h>

#include <cstring>

#include "lib/pkt/pm4_build.h"
#include "lib/pkt/sdma_build.h"
#include "lib/pkt/tables.h"

namespace amdrr::capture {
namespace {

constexpr auto kSdma = pkt::SdmaVersion::kV4_4;

std::vector<uint8_t> bytes_of(const std::vector<uint32_t>& dwords) {
  std::vector<uint8_t> out(dwords.size() * 4);
  std::memcpy(out.data(), dwords.data(), out.size());
  return out;
}

CompletionTracker::ReadPosition at(uint64_t position) {
  return [position](uint32_t) { return position; };
}

TEST(CompletionTracker, SignalValueAndReadPointerDecideWhatIsComplete) {
  CompletionTracker c;
  c.add_queue(1, &pkt::sdma_table(kSdma));
  std::vector<uint32_t> s;
  pkt::sdma::constant_fill(s, kSdma, 0x1000, 7, 64);
  pkt::sdma::fence(s, kSdma, 0x2000, 1);
  const uint64_t after_first = s.size() * 4;
  pkt::sdma::constant_fill(s, kSdma, 0x3000, 7, 64);
  pkt::sdma::fence(s, kSdma, 0x2000, 2);
  c.submitted(1, bytes_of(s), 0);
  EXPECT_EQ(c.pending(), 4u);

  // The value 2 is not what the wait saw: only the first fence released it.
  auto done = c.completed_by_write(0x2000, 8, 1, at(s.size() * 4));
  ASSERT_EQ(done.size(), 1u) << "the signal is written again by a pending packet";
  EXPECT_EQ(done[0].va, 0x1000u);
  EXPECT_EQ(done[0].size, 64u);
  EXPECT_EQ(c.pending(), 2u);

  // A read pointer that has not passed the second fence completes nothing.
  EXPECT_TRUE(c.completed_by_write(0x2000, 8, 2, at(after_first)).empty());
  done = c.completed_by_write(0x2000, 8, 2, at(s.size() * 4));
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].va, 0x2000u);
  EXPECT_EQ(done[1].va, 0x3000u);
  EXPECT_EQ(c.pending(), 0u);
}

TEST(CompletionTracker, TimestampsAndInterruptsAreMarked) {
  CompletionTracker c;
  c.add_queue(3, &pkt::sdma_table(kSdma));
  std::vector<uint32_t> s;
  pkt::sdma::timestamp_get_global(s, 0x5000);
  pkt::sdma::trap(s, 9);
  const uint64_t end = s.size() * 4;
  pkt::sdma::constant_fill(s, kSdma, 0x6000, 0, 4);
  c.submitted(3, bytes_of(s), 0x100);
  auto done = c.completed_by_interrupt(at(0x100 + end));
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].va, 0x5000u);
  EXPECT_TRUE(done[0].timestamp);
  EXPECT_EQ(c.pending(), 1u) << "the fill after the trap is not complete";
}

TEST(CompletionTracker, HostileBytesAndUndecodedQueuesYieldNothing) {
  CompletionTracker c;
  c.add_queue(1, &pkt::pm4_table(pkt::Pm4Family::kGfx9));
  c.add_queue(2, nullptr);
  const std::vector<uint8_t> junk = {0xff, 0xff, 0xff, 0xff, 0x37, 0x00, 0x00, 0xc0, 1, 2};
  c.submitted(1, junk, 0);
  c.submitted(2, junk, 0);
  c.submitted(7, junk, 0);  // never created
  EXPECT_EQ(c.pending(), 0u);
}

TEST(CompletionTracker, RepeatedTargetsFoldButNeverReleaseAWait) {
  CompletionTracker c;
  c.add_queue(1, &pkt::sdma_table(kSdma));
  // One buffer filled again and again, over several doorbells, then a fence.
  uint64_t position = 0;
  for (int doorbell = 0; doorbell < 4; ++doorbell) {
    std::vector<uint32_t> s;
    for (int i = 0; i < 4; ++i) pkt::sdma::constant_fill(s, kSdma, 0x1000, 5, 64);
    c.submitted(1, bytes_of(s), position);
    position += s.size() * 4;
  }
  EXPECT_EQ(c.pending(), 1u) << "16 fills of one range are one pending entry";

  // The fills write the polled word with the value seen, but sixteen do:
  // which one the wait saw is timing, so none releases it.
  EXPECT_TRUE(c.completed_by_write(0x1000, 4, 0x05050505, at(position)).empty());

  std::vector<uint32_t> s;
  pkt::sdma::fence(s, kSdma, 0x2000, 1);
  pkt::sdma::constant_fill(s, kSdma, 0x1000, 5, 64);  // after the fence: not folded in
  c.submitted(1, bytes_of(s), position);
  EXPECT_EQ(c.pending(), 3u);
  auto done = c.completed_by_write(0x2000, 4, 1, at(position + s.size() * 4));
  ASSERT_EQ(done.size(), 1u) << "the filled range is written again by the pending fill";
  EXPECT_EQ(done[0].va, 0x2000u);
  EXPECT_EQ(c.pending(), 1u);
}

TEST(CompletionTracker, FoldedFillsCompleteWithTheFenceAfterThem) {
  CompletionTracker c;
  c.add_queue(1, &pkt::sdma_table(kSdma));
  std::vector<uint32_t> s;
  for (int i = 0; i < 8; ++i) pkt::sdma::constant_fill(s, kSdma, 0x1000, 5, 64);
  pkt::sdma::fence(s, kSdma, 0x2000, 1);
  c.submitted(1, bytes_of(s), 0);
  EXPECT_EQ(c.pending(), 2u);
  auto done = c.completed_by_write(0x2000, 4, 1, at(s.size() * 4));
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].va, 0x1000u);
  EXPECT_EQ(done[0].size, 64u);
  EXPECT_EQ(done[1].va, 0x2000u);
  EXPECT_EQ(c.pending(), 0u);
}

}  // namespace
}  // namespace amdrr::capture

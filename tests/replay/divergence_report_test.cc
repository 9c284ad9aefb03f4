// The pieces of a divergence report and of the replay's limits and
// progress bar, on their own.
#include <gtest/gtest.h>

#include <vector>

#include "replay/divergence_report.h"
#include "replay/limits.h"
#include "replay/progress_bar.h"
#include "replay/replay_options.h"

namespace amdrr::replay {
namespace {

TEST(DivergenceReport, FirstDifferenceAndBothValues) {
  std::vector<uint8_t> replayed(16, 0), recorded(16, 0);
  EXPECT_FALSE(first_difference(replayed, recorded));
  recorded[9] = 0x7;
  replayed[9] = 0x5;
  auto offset = first_difference(replayed, recorded);
  ASSERT_TRUE(offset);
  EXPECT_EQ(*offset, 9u);
  std::string text = describe_difference(replayed, recorded, *offset, 0x1000);
  EXPECT_NE(text.find("offset 0x9 (VA 0x1009)"), std::string::npos) << text;
  EXPECT_NE(text.find("replay 0x00000500, recorded 0x00000700"), std::string::npos) << text;
  // A range shorter than its recorded content differs where it ends.
  EXPECT_EQ(first_difference(std::span(replayed).first(4), recorded), 4u);
}

TEST(DivergenceReport, BufferByVa) {
  BufferMap buffers;
  buffers.add(1, BufferInfo{0x1000, 0x100, kmd::alloc_flags::kVram, 5, "weights"});
  buffers.add(2, BufferInfo{0x2000, 0x100, kmd::alloc_flags::kGtt, 6, ""});
  ASSERT_TRUE(buffers.find(0x10ff));
  EXPECT_EQ(buffers.find(0x10ff)->label, "weights");
  EXPECT_FALSE(buffers.find(0x1100));
  EXPECT_EQ(buffers.find(0x2000)->record, 6u);
  EXPECT_NE(describe_buffer(buffers.find(0x1010), 0x1010).find("VRAM, 256 bytes"),
            std::string::npos);
  buffers.remove(1);
  EXPECT_FALSE(buffers.find(0x1000));
  EXPECT_NE(describe_buffer(nullptr, 0x1000).find("no buffer"), std::string::npos);
}

TEST(DivergenceReport, WaitTimeoutScalesWithAFloor) {
  WaitTimeout t;
  t.floor_ms = 100;
  t.multiple = 10;
  t.slowdown = 2;
  EXPECT_EQ(t.for_wait(1'000'000, false), 100u);    // 1 ms * 10 * 2 = 20 < floor
  EXPECT_EQ(t.for_wait(50'000'000, false), 1000u);  // 50 ms * 10 * 2
  EXPECT_EQ(t.for_wait(50'000'000, true), 100u);    // a recorded timeout: not multiplied
  t.fixed_ms = 7;
  EXPECT_EQ(t.for_wait(50'000'000, false), 7u);
}

TEST(DivergenceReport, LimitMessagesNameTheFlag) {
  ReplayLimits limits;
  limits.max_queues = 4;
  std::string m = limit_message(Limit::kQueues, "live queues", 5, limits);
  EXPECT_NE(m.find("(5)"), std::string::npos) << m;
  EXPECT_NE(m.find("limit of 4"), std::string::npos) << m;
  EXPECT_NE(m.find("--max-queues"), std::string::npos) << m;
}

TEST(DivergenceReport, ProgressBarRendering) {
  EXPECT_EQ(ProgressBar::render("r", 5, 10, 30).find("r ["), 0u);
  std::string half = ProgressBar::render("r", 5, 10, 30);
  EXPECT_NE(half.find("50% 5/10"), std::string::npos) << half;
  std::string full = ProgressBar::render("r", 12, 10, 30);
  EXPECT_NE(full.find("100% 10/10"), std::string::npos) << full;
  EXPECT_EQ(full.find(' ', 3), full.find("]") + 1) << full;  // no gap in a full bar
  // Not a terminal: no bar.
  std::FILE* f = std::tmpfile();
  ProgressBar bar(f, "replay");
  EXPECT_FALSE(bar.enabled());
  bar.update(1, 2);
  EXPECT_EQ(std::ftell(f), 0);
  std::fclose(f);
}

}  // namespace
}  // namespace amdrr::replay

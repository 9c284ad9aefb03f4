// minimize shrinks a captured trace with one altered submission to that
// submission (and its failing packet), and the result still fails alone.
#include <gtest/gtest.h>

#include "replay/minimize.h"
#include "tests/replay/bisect_traces.h"

namespace amdrr::replay {
namespace {

using testing::Alteration;

MinimizeResult run(const std::string& trace, const std::string& until, const std::string& output,
                   bool packets = true, bool same_failure = true) {
  MinimizeOptions options;
  options.until = *Predicate::parse(until);
  options.replay.timeout_ms = 300;
  options.output = output;
  options.packets = packets;
  options.same_failure = same_failure;
  return minimize(trace, options);
}

// The packets of the minimized trace's one submission, described.
std::string only_submission(const std::string& trace) {
  std::string error;
  auto reader = format::TraceReader::open(trace, &error);
  EXPECT_TRUE(reader) << error;
  if (!reader) return {};
  TraceSubmissions subs;
  EXPECT_TRUE(index_submissions(*reader, &subs, &error)) << error;
  if (subs.submissions.size() != 1) return {};
  std::vector<uint32_t> packets;
  EXPECT_TRUE(submission_packets(*reader, subs.submissions[0], &packets, &error)) << error;
  return describe_packets(subs.queue_of(subs.submissions[0]), packets, "");
}

TEST(MinimizeTest, AThousandSubmissionsWithOneCulpritShrinkToIt) {
  testing::TempDir dir;
  testing::capture_workload(dir.file("workload.amdrr"), 1000);
  testing::alter(dir.file("workload.amdrr"), 700, Alteration::kVmFault, dir.file("bad.amdrr"));
  MinimizeResult r = run(dir.file("bad.amdrr"), "fault", dir.file("min.amdrr"), false);
  ASSERT_TRUE(r.reproduced) << r.error;
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.before.submissions, 1000u);
  EXPECT_LE(r.after.submissions, 5u);
  EXPECT_GE(r.after.submissions, 1u);
  EXPECT_LT(r.after.bytes, r.before.bytes);
  // ddmin with one culprit: about 2 log2(N) replays, far fewer than N.
  EXPECT_LT(r.replays, 60);
  ReplayTraceOptions replay;
  replay.timeout_ms = 300;
  EXPECT_EQ(replay_trace(dir.file("min.amdrr"), replay).verdict, Verdict::kGpuFault);
}

TEST(MinimizeTest, PacketsShrinkToTheFaultingOne) {
  testing::TempDir dir;
  testing::capture_workload(dir.file("workload.amdrr"), 12);
  testing::alter(dir.file("workload.amdrr"), 3, Alteration::kVmFault, dir.file("bad.amdrr"));
  MinimizeResult r = run(dir.file("bad.amdrr"), "fault", dir.file("min.amdrr"));
  ASSERT_TRUE(r.reproduced) << r.error;
  EXPECT_EQ(r.after.submissions, 1u);
  EXPECT_EQ(r.after.packets, 1u);  // the fill of an unmapped address
  EXPECT_GT(r.before.packets, r.after.packets);
  EXPECT_EQ(r.failing.verdict, Verdict::kGpuFault);
  const std::string packets = only_submission(dir.file("min.amdrr"));
  EXPECT_NE(packets.find("CONSTANT_FILL"), std::string::npos) << packets;
}

TEST(MinimizeTest, ADivergenceKeepsItsSubmissionAndItsCulprit) {
  testing::TempDir dir;
  testing::capture_workload(dir.file("workload.amdrr"), 12);
  testing::alter(dir.file("workload.amdrr"), 9, Alteration::kFlip, dir.file("bad.amdrr"));
  ReplayTraceOptions replay;
  replay.timeout_ms = 300;
  const ReplayResult whole = replay_trace(dir.file("bad.amdrr"), replay);
  ASSERT_EQ(whole.verdict, Verdict::kDiverged);
  MinimizeResult r = run(dir.file("bad.amdrr"), "diverge", dir.file("min.amdrr"));
  ASSERT_TRUE(r.reproduced) << r.error;
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.after.submissions, 1u);
  EXPECT_EQ(r.failing.verdict, Verdict::kDiverged) << r.failing.message;
  EXPECT_EQ(r.failing.failure, whole.failure);
  // The fill that writes the wrong value stays (with the fence the wait
  // needs): without it the slot holds nothing, which differs from capture
  // too, but is another failure.
  EXPECT_EQ(r.after.packets, 2u);
  const std::string packets = only_submission(dir.file("min.amdrr"));
  EXPECT_NE(packets.find("CONSTANT_FILL"), std::string::npos) << packets;
  EXPECT_NE(packets.find("SRC_DATA=0x5127009"), std::string::npos) << packets;  // flipped
  EXPECT_GT(r.other_failures, 0);
}

TEST(MinimizeTest, AnyFailureLetsTheCulpritSlipAway) {
  // What same_failure prevents: with any divergence accepted, the culprit
  // packet becomes a NOP and the "minimized" trace shows another bug.
  testing::TempDir dir;
  testing::capture_workload(dir.file("workload.amdrr"), 12);
  testing::alter(dir.file("workload.amdrr"), 9, Alteration::kFlip, dir.file("bad.amdrr"));
  MinimizeResult r = run(dir.file("bad.amdrr"), "diverge", dir.file("min.amdrr"), true, false);
  ASSERT_TRUE(r.reproduced) << r.error;
  EXPECT_EQ(r.after.packets, 1u);
  const std::string packets = only_submission(dir.file("min.amdrr"));
  EXPECT_EQ(packets.find("CONSTANT_FILL"), std::string::npos) << packets;
  EXPECT_EQ(r.other_failures, 0);
}

TEST(MinimizeTest, AHangShrinksToItsSubmission) {
  testing::TempDir dir;
  testing::capture_workload(dir.file("workload.amdrr"), 12);
  testing::alter(dir.file("workload.amdrr"), 7, Alteration::kHang, dir.file("bad.amdrr"));
  MinimizeResult r = run(dir.file("bad.amdrr"), "hang", dir.file("min.amdrr"), false);
  ASSERT_TRUE(r.reproduced) << r.error;
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.failing.verdict, Verdict::kHang) << r.failing.message;
  EXPECT_EQ(r.after.submissions, 1u);  // the emulator names the stuck POLL_REGMEM
}

TEST(MinimizeTest, ATraceThatIsNotBadIsLeftAlone) {
  testing::TempDir dir;
  testing::capture_workload(dir.file("workload.amdrr"), 4);
  MinimizeResult r = run(dir.file("workload.amdrr"), "hang", dir.file("min.amdrr"));
  EXPECT_FALSE(r.reproduced);
  EXPECT_EQ(r.replays, 1);
  EXPECT_FALSE(std::filesystem::exists(dir.file("min.amdrr")));
}

}  // namespace
}  // namespace amdrr::replay

// trace_rewrite writes valid traces: a subset of a captured trace's
// submissions replays the same, NOP fill keeps ring positions (even when the
// removed work is larger than the ring), a cut trace is drained.
#include <gtest/gtest.h>

#include "lib/gpu/gpu_target.h"
#include "lib/pkt/tables.h"
#include "replay/replay_trace.h"
#include "tests/replay/bisect_traces.h"

namespace amdrr::replay {
namespace {

struct Rewritten {
  RewriteStats stats;
  TraceSubmissions subs;
  uint64_t cpu_waits = 0;  // cpuPoll wait records
};

class TraceRewriteTest : public ::testing::Test {
 protected:
  void capture(int submissions) {
    testing::capture_workload(trace_, submissions);
    std::string error;
    reader_ = format::TraceReader::open(trace_, &error);
    ASSERT_TRUE(reader_) << error;
    ASSERT_TRUE(index_submissions(*reader_, &subs_, &error)) << error;
  }
  Rewritten rewrite(const RewritePlan& plan) {
    Rewritten out;
    std::string error;
    EXPECT_TRUE(rewrite_trace(*reader_, subs_, plan, output_, &out.stats, &error)) << error;
    auto reader = format::TraceReader::open(output_, &error);
    EXPECT_TRUE(reader) << error;
    if (!reader) return out;
    EXPECT_TRUE(index_submissions(*reader, &out.subs, &error)) << error;
    reader->seek(0);
    while (auto view = reader->next()) {
      if (view->record.which() == schema::Record::WAIT_RESULT &&
          view->record.getWaitResult().getKind() == schema::WaitKind::CPU_POLL) {
        ++out.cpu_waits;
      }
    }
    EXPECT_EQ(reader->end(), format::TraceEnd::kClean) << reader->end_message();
    return out;
  }
  ReplayResult replay() {
    ReplayTraceOptions options;
    options.timeout_ms = 1000;
    return replay_trace(output_, options);
  }

  testing::TempDir dir_;
  std::string trace_ = dir_.file("workload.amdrr");
  std::string output_ = dir_.file("out.amdrr");
  std::unique_ptr<format::TraceReader> reader_;
  TraceSubmissions subs_;
};

TEST_F(TraceRewriteTest, EverythingKeptReplaysTheSame) {
  capture(6);
  RewritePlan plan;
  plan.drain = false;
  Rewritten r = rewrite(plan);
  EXPECT_EQ(r.subs.submissions.size(), 6u);
  EXPECT_EQ(r.stats.submissions, 6u);
  EXPECT_EQ(r.cpu_waits, 6u);  // the workload's own
  ReplayResult result = replay();
  EXPECT_EQ(result.verdict, Verdict::kSame) << result.message;
  // The header is the recorded one.
  auto again = format::TraceReader::open(output_, &result.message);
  ASSERT_TRUE(again);
  EXPECT_EQ(std::string(again->header().getSimProfile().cStr()),
            std::string(reader_->header().getSimProfile().cStr()));
  EXPECT_EQ(again->header().getCommandLine().size(), reader_->header().getCommandLine().size());
  EXPECT_EQ(again->header().getGpus().size(), reader_->header().getGpus().size());
  EXPECT_EQ(again->header().getGpus()[0].getGpuId(), reader_->header().getGpus()[0].getGpuId());
}

TEST_F(TraceRewriteTest, EveryOtherSubmissionRemovedReplaysTheSame) {
  capture(8);
  RewritePlan plan;
  plan.keep.assign(8, false);
  for (size_t i = 1; i < 8; i += 2) plan.keep[i] = true;
  Rewritten r = rewrite(plan);
  EXPECT_EQ(r.stats.submissions, 4u);
  EXPECT_EQ(r.subs.submissions.size(), 4u);
  // A removed submission's packets are NOPs in front of the next kept one,
  // which starts where the removed one did.
  EXPECT_EQ(r.subs.submissions[0].ring_offset, subs_.submissions[0].ring_offset);
  EXPECT_EQ(r.subs.submissions[0].bytes, subs_.submissions[0].bytes + subs_.submissions[1].bytes);
  EXPECT_EQ(r.cpu_waits, 4u + 1u);  // the kept submissions' waits, then the drain
  ReplayResult result = replay();
  EXPECT_EQ(result.verdict, Verdict::kSame) << result.message;
}

// 1,000 submissions of 19 dwords go round the 64 KiB ring: the NOPs of
// the removed ones are rung in pieces the ring holds.
TEST_F(TraceRewriteTest, RemovedWorkLargerThanTheRingReplaysTheSame) {
  capture(1000);
  const uint64_t ring = subs_.queue_of(subs_.submissions[0]).args.ring_size;
  uint64_t total = 0;
  for (const auto& s : subs_.submissions) total += s.bytes;
  ASSERT_GT(total, ring);
  RewritePlan plan;
  plan.keep.assign(1000, false);
  plan.keep[999] = true;
  Rewritten r = rewrite(plan);
  EXPECT_EQ(r.stats.submissions, 1u);
  EXPECT_GT(r.subs.submissions.size(), 1u);  // NOP-only doorbells in between
  for (const auto& s : r.subs.submissions) EXPECT_LE(s.bytes, ring);
  ReplayResult result = replay();
  EXPECT_EQ(result.verdict, Verdict::kSame) << result.message;
}

TEST_F(TraceRewriteTest, ACutTraceEndsDrained) {
  capture(6);
  RewritePlan plan;
  plan.cut_after = 2;
  Rewritten r = rewrite(plan);
  EXPECT_EQ(r.subs.submissions.size(), 3u);
  EXPECT_EQ(r.cpu_waits, 3u + 1u);
  ReplayResult result = replay();
  EXPECT_EQ(result.verdict, Verdict::kSame) << result.message;
}

TEST_F(TraceRewriteTest, AReplacementOfAnotherLengthIsRefused) {
  capture(2);
  RewritePlan plan;
  plan.packets[1] = {0, 0};
  std::string error;
  EXPECT_FALSE(rewrite_trace(*reader_, subs_, plan, output_, nullptr, &error));
  EXPECT_NE(error.find("submission 2"), std::string::npos) << error;
}

// The dispatch sample runs a kernel on a PM4 queue, destroys it, then on an
// AQL queue that gets the same KFD queue id: each submission is read with
// the packets of the queue it went to, and either one can be removed.
TEST_F(TraceRewriteTest, AReusedQueueIdIsTheQueueCreatedLast) {
  std::string cmd = std::string("AMDRR_BACKEND=sim AMDRR_CAPTURE=")
                        .append(trace_)
                        .append(" " AMDRR_SAMPLES_DIR "/dispatch --elements 256 >/dev/null 2>&1");
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::string error;
  reader_ = format::TraceReader::open(trace_, &error);
  ASSERT_TRUE(reader_) << error;
  ASSERT_TRUE(index_submissions(*reader_, &subs_, &error)) << error;
  ASSERT_EQ(subs_.submissions.size(), 2u);
  EXPECT_EQ(subs_.submissions[0].queue_id, subs_.submissions[1].queue_id);
  EXPECT_EQ(subs_.queue_of(subs_.submissions[0]).kind, QueueKind::kPm4);
  EXPECT_EQ(subs_.queue_of(subs_.submissions[1]).kind, QueueKind::kAql);
  std::vector<uint32_t> packets;
  ASSERT_TRUE(submission_packets(*reader_, subs_.submissions[0], &packets, &error)) << error;
  EXPECT_NE(
      describe_packets(subs_.queue_of(subs_.submissions[0]), packets, "").find("DISPATCH_DIRECT"),
      std::string::npos);
  for (size_t removed = 0; removed < 2; ++removed) {
    RewritePlan plan;
    plan.keep = {removed != 0, removed != 1};
    Rewritten r = rewrite(plan);
    EXPECT_EQ(r.stats.submissions, 1u);
    ReplayResult result = replay();
    EXPECT_EQ(result.verdict, Verdict::kSame) << removed << ": " << result.message;
  }
}

TEST(NopFillTest, CoversExactlyTheDwordsAsked) {
  for (auto [kind, sizes] :
       {std::pair{QueueKind::kPm4, std::vector<size_t>{1, 2, 7, 0x3000, 0x3001, 0x9000}},
        std::pair{QueueKind::kSdma, std::vector<size_t>{1, 2, 7, 0x3000, 0x3001, 0x9000}},
        std::pair{QueueKind::kAql, std::vector<size_t>{16, 64}}}) {
    gpu::Node node;
    node.gpu_id = 1;
    node.properties.set("gfx_target_version", uint64_t{90402});
    auto target = gpu::resolve_target(node);
    ASSERT_TRUE(target.ok());
    TraceQueue queue;
    queue.kind = kind;
    queue.table = kind == QueueKind::kPm4    ? &pkt::pm4_table(target->pm4_family)
                  : kind == QueueKind::kSdma ? &pkt::sdma_table(target->sdma_version)
                                             : &pkt::aql_table(target->aql_family);
    for (size_t n : sizes) {
      std::vector<uint32_t> nops;
      append_nops(kind, n, &nops);
      ASSERT_EQ(nops.size(), n) << queue_kind_name(kind);
      size_t covered = 0;
      for (auto [offset, length] : split_packets(queue, nops)) {
        EXPECT_EQ(offset, covered);
        EXPECT_TRUE(is_nop(queue, std::span<const uint32_t>(nops).subspan(offset, length)))
            << queue_kind_name(kind) << " " << n;
        covered += length;
      }
      EXPECT_EQ(covered, n);
    }
  }
}

}  // namespace
}  // namespace amdrr::replay

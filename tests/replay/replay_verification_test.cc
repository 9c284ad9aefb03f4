// Verification: observed memory is compared at replay, and the first
// difference is reported with the submission (its packets decoded), the
// buffer (VA range, label) and the first differing bytes. A trace with one
// packet's data altered diverges at exactly that submission.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "lib/driver/compute_queue.h"
#include "lib/driver/sdma_queue.h"
#include "replay/replay_trace.h"
#include "tests/replay/replay_fixture.h"

namespace amdrr::replay {
namespace {

using testing::InProcessCapture;

constexpr uint32_t kPattern = 0x5A000000;
constexpr int kFills = 6;
constexpr uint64_t kChunk = 256;

class Verification : public testing::ReplayTest {
 protected:
  // kFills SDMA fills of one labelled buffer, each waited for and observed;
  // an annotation "late" before the last one. Returns the trace with the
  // observed contents added.
  std::string capture_fills() {
    const std::string raw = path("fills_raw.amdrr");
    std::vector<std::vector<uint8_t>> observed;
    {
      InProcessCapture cap(raw, 0, /*declared_only=*/true);
      Device& gpu = cap.system().device(0);
      cap.annotate("results");
      Buffer results = gpu.alloc(kFills * kChunk, Memory::kGtt, "results");
      buffer_va_ = results.va();
      Signal done = cap.system().make_signal(0);
      auto sdma = SdmaQueue::create(gpu);
      for (int k = 0; k < kFills; ++k) {
        if (k == kFills - 1) cap.annotate("late");
        sdma->fill(results.va() + k * kChunk, kPattern + k, kChunk).signal(done, k + 1).submit();
        done.wait_at_least(k + 1);
        cap.observe(results.va() + k * kChunk, kChunk);
      }
      sdma.reset();
      cap.finish();
      observed = cap.observed();
    }
    observed_ = observed;
    const std::string trace = path("fills.amdrr");
    testing::copy_trace(raw, trace, nullptr, &observed_);
    return trace;
  }

  // Copies `trace` with the fill value of fill `k` changed; returns the
  // submission number of the altered doorbell.
  uint64_t alter_fill(const std::string& trace, const std::string& out, int k, bool contents) {
    auto doorbells = std::make_shared<uint64_t>(0);
    auto altered = std::make_shared<std::optional<uint64_t>>();
    testing::copy_trace(
        trace, out,
        [&, doorbells, altered](const format::RecordView& in, schema::Record::Builder rec) {
          if (in.record.which() != schema::Record::DOORBELL) return;
          auto packets = rec.getDoorbell().getPackets();
          for (unsigned i = 0; i < packets.size(); ++i) {
            if (packets[i] == kPattern + uint32_t(k)) {
              packets.set(i, kPattern + 0xFF);
              *altered = *doorbells;
            }
          }
          ++*doorbells;
        },
        contents ? &observed_ : nullptr);
    EXPECT_TRUE(altered->has_value()) << "no doorbell carries fill " << k;
    return altered->value_or(0);
  }

  static ReplayResult replay(const std::string& trace, ReplayTraceOptions options = {}) {
    options.backend = "sim";
    options.sim_mode = "deterministic";
    return replay_trace(trace, options);
  }

  uint64_t buffer_va_ = 0;
  std::vector<std::vector<uint8_t>> observed_;
};

std::string hex(uint64_t v) {
  std::ostringstream out;
  out << "0x" << std::hex << v;
  return out.str();
}

TEST_F(Verification, UnalteredTraceMatchesEveryObservation) {
  ReplayResult r = replay(capture_fills());
  EXPECT_EQ(r.verdict, Verdict::kSame) << r.message << "\n" << r.details;
  EXPECT_EQ(r.observations_checked, uint64_t(kFills));
}

TEST_F(Verification, AlteredPacketDivergesAtExactlyThatSubmission) {
  const std::string trace = capture_fills();
  for (int k : {1, 3}) {
    const std::string altered = path("altered" + std::to_string(k) + ".amdrr");
    // The altered trace keeps the recorded contents (the original values).
    const uint64_t submission = alter_fill(path("fills_raw.amdrr"), altered, k, true);
    ReplayResult r = replay(altered);
    ASSERT_EQ(r.verdict, Verdict::kDiverged) << r.message;
    EXPECT_EQ(r.exit_code(), 1);
    EXPECT_EQ(r.submission, submission);
    EXPECT_EQ(r.observations_checked, uint64_t(k + 1));
    const uint64_t va = buffer_va_ + k * kChunk;
    EXPECT_NE(r.message.find("memory at " + hex(va)), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("after submission " + std::to_string(submission)), std::string::npos)
        << r.message;
    // The submission's packets, decoded through lib/pkt.
    EXPECT_NE(r.details.find("CONSTANT_FILL"), std::string::npos) << r.details;
    // The buffer, by VA and label.
    EXPECT_NE(r.details.find("buffer " + hex(buffer_va_)), std::string::npos) << r.details;
    EXPECT_NE(r.details.find("\"results\""), std::string::npos) << r.details;
    // The first differing offset and both values.
    EXPECT_NE(r.details.find("first difference at offset 0x0 (VA " + hex(va) + ")"),
              std::string::npos)
        << r.details;
    EXPECT_NE(r.details.find("replay " + hex(kPattern + 0xFF)), std::string::npos) << r.details;
    EXPECT_NE(r.details.find("recorded " + hex(kPattern + k)), std::string::npos) << r.details;
  }
}

// As capture runs by default: the fill's destination is observed by capture
// itself once the wait shows it complete, with its bytes, so the altered
// fill diverges at its own submission with both values.
TEST_F(Verification, CapturesOwnPacketObservationsDivergeAtTheAlteredFill) {
  const std::string raw = path("own_raw.amdrr");
  uint64_t va = 0;
  {
    InProcessCapture cap(raw, 0);
    Device& gpu = cap.system().device(0);
    Buffer results = gpu.alloc(kFills * kChunk, Memory::kGtt, "results");
    va = results.va();
    Signal done = cap.system().make_signal(0);
    auto sdma = SdmaQueue::create(gpu);
    for (int k = 0; k < kFills; ++k) {
      sdma->fill(results.va() + k * kChunk, kPattern + k, kChunk).signal(done, k + 1).submit();
      done.wait_at_least(k + 1);
    }
    sdma.reset();
    cap.finish();
  }
  EXPECT_EQ(replay(raw).verdict, Verdict::kSame);
  const std::string altered = path("own_altered.amdrr");
  const uint64_t submission = alter_fill(raw, altered, 4, false);
  ReplayResult r = replay(altered);
  ASSERT_EQ(r.verdict, Verdict::kDiverged) << r.message;
  EXPECT_EQ(r.submission, submission);
  EXPECT_NE(r.details.find("VA " + hex(va + 4 * kChunk)), std::string::npos) << r.details;
  EXPECT_NE(r.details.find("recorded " + hex(kPattern + 4)), std::string::npos) << r.details;
}

// A wait's recorded value is compared exactly only where both runs are the
// same function of the trace; a threaded capture's value past the condition
// is timing, so there only the condition must hold.
TEST_F(Verification, WaitValuesAreExactOnlyForDeterministicCaptures) {
  const std::string trace = capture_fills();
  auto bump_waits = [](const format::RecordView& in, schema::Record::Builder rec) {
    if (in.record.which() != schema::Record::WAIT_RESULT) return;
    auto w = rec.getWaitResult();
    if (w.getKind() == schema::WaitKind::CPU_POLL) w.setValueSeen(w.getValueSeen() + 1);
  };
  const std::string exact = path("bumped_exact.amdrr");
  testing::copy_trace(trace, exact, bump_waits);
  ReplayResult r = replay(exact);
  EXPECT_EQ(r.verdict, Verdict::kDiverged) << r.message;
  EXPECT_NE(r.message.find("saw"), std::string::npos) << r.message;
  const std::string threaded = path("bumped_threaded.amdrr");
  testing::copy_trace(trace, threaded, bump_waits, nullptr,
                      [](schema::Header::Builder h) { h.setSimThreaded(true); });
  r = replay(threaded);
  EXPECT_EQ(r.verdict, Verdict::kSame) << r.message;
  EXPECT_GT(r.waits_checked, 0u);
}

TEST_F(Verification, WithoutContentOnlyTheHashIsReported) {
  capture_fills();
  const std::string altered = path("altered.amdrr");
  const uint64_t submission = alter_fill(path("fills_raw.amdrr"), altered, 2, false);
  ReplayResult r = replay(altered);
  ASSERT_EQ(r.verdict, Verdict::kDiverged) << r.message;
  EXPECT_EQ(r.submission, submission);
  EXPECT_NE(r.details.find("only the hash differs"), std::string::npos) << r.details;
}

TEST_F(Verification, UntilStopsBeforeTheAlteredSubmission) {
  capture_fills();
  const std::string altered = path("altered.amdrr");
  const uint64_t submission = alter_fill(path("fills_raw.amdrr"), altered, 3, true);
  ReplayTraceOptions options;
  options.until_submission = submission - 1;
  ReplayResult r = replay(altered, options);
  EXPECT_EQ(r.verdict, Verdict::kSame) << r.message;
  EXPECT_TRUE(r.stopped_early);
  options.until_submission = submission;
  EXPECT_EQ(replay(altered, options).verdict, Verdict::kDiverged);
}

TEST_F(Verification, FromLabelComparesOnlyAfterTheLabel) {
  capture_fills();
  const std::string altered = path("altered.amdrr");
  alter_fill(path("fills_raw.amdrr"), altered, 2, true);
  ReplayTraceOptions options;
  options.from_label = "late";
  ReplayResult r = replay(altered, options);
  EXPECT_EQ(r.verdict, Verdict::kSame) << r.message;
  EXPECT_EQ(r.observations_checked, 1u);
}

TEST_F(Verification, TimestampRangesAreNotCompared) {
  capture_fills();
  const std::string altered = path("altered.amdrr");
  testing::copy_trace(path("fills_raw.amdrr"), altered,
                      [](const format::RecordView& in, schema::Record::Builder rec) {
                        if (in.record.which() != schema::Record::OBSERVED) return;
                        rec.getObserved().setIsTimestamp(true);
                        rec.getObserved().getHash().setLo(12345);
                      });
  ReplayResult r = replay(altered);
  EXPECT_EQ(r.verdict, Verdict::kSame) << r.message;
  EXPECT_EQ(r.observations_checked, 0u);
}

// fault_race's bug, captured when the race was won (seed 2): the copy read
// 42. Seed 0 loses the race on replay; --serialize removes it.
TEST_F(Verification, RaceFailsUnderOneSeedAndPassesSerialized) {
  const std::string raw = path("race_raw.amdrr");
  std::vector<std::vector<uint8_t>> observed;
  {
    InProcessCapture cap(raw, 2, /*declared_only=*/true);
    Device& gpu = cap.system().device(0);
    Buffer value = gpu.alloc(4096, Memory::kGtt, "value");
    Buffer copy = gpu.alloc(4096, Memory::kGtt, "copy");
    value.fill(0, 4096, 0);
    Signal wrote = cap.system().make_signal(0);
    Signal copied = cap.system().make_signal(0);
    auto compute = ComputeQueue::create(gpu);
    auto sdma = SdmaQueue::create(gpu);
    const uint32_t answer[] = {42};
    for (int i = 0; i < 40; ++i) compute->write(value.va() + 64 + 4 * (i % 32), answer);
    compute->write(value.va(), answer).signal(wrote, 1).submit();
    for (int i = 0; i < 40; ++i) sdma->fill(copy.va() + 64 + 4 * (i % 32), 0, 4);
    sdma->copy(copy.va(), value.va(), 4).signal(copied, 1).submit();
    wrote.wait_at_least(1);
    copied.wait_at_least(1);
    ASSERT_EQ(copy.as<uint32_t>()[0], 42u) << "seed 2 no longer wins the race";
    cap.observe(copy.va(), 4);
    compute.reset();
    sdma.reset();
    cap.finish();
    observed = cap.observed();
  }
  const std::string trace = path("race.amdrr");
  testing::copy_trace(raw, trace, nullptr, &observed);

  EXPECT_EQ(replay(trace).verdict, Verdict::kSame);  // the recorded seed
  ReplayTraceOptions lost;
  lost.seed = 0;
  ReplayResult r = replay(trace, lost);
  EXPECT_EQ(r.verdict, Verdict::kDiverged) << r.message;
  EXPECT_NE(r.details.find("replay 0x00000000, recorded 0x0000002a"), std::string::npos)
      << r.details;
  ReplayTraceOptions serialized = lost;
  serialized.serialize = true;
  ReplayResult s = replay(trace, serialized);
  EXPECT_EQ(s.verdict, Verdict::kSame) << s.message << "\n" << s.details;
}

}  // namespace
}  // namespace amdrr::replay

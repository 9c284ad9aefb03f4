// What the CPU observed, for replay to compare: the destinations of decoded
// packets once a wait shows them complete (packetTarget), the driver's CPU
// reads (afterWait), and failed waits as GPU errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "lib/driver/compute_queue.h"
#include "lib/driver/error.h"
#include "lib/driver/sdma_queue.h"
#include "tests/capture/sim_capture.h"
#include "tests/capture/trace_records.h"
#include "tests/support/temp_dir.h"

namespace amdrr::capture {
namespace {

using testing::read_trace;
using testing::Rec;
using testing::SimCapture;

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(seed + i * 7);
  return out;
}

std::vector<const Rec*> observed(const testing::Trace& t, schema::ObservedReason reason) {
  std::vector<const Rec*> out;
  for (const Rec& r : t.records) {
    if (r.kind == schema::Record::OBSERVED && r.reason == reason) out.push_back(&r);
  }
  return out;
}

const Rec* observed_at(const testing::Trace& t, uint64_t va, uint64_t size) {
  for (const Rec& r : t.records) {
    if (r.kind == schema::Record::OBSERVED && r.va == va && r.size == size) return &r;
  }
  return nullptr;
}

// Index of the first record of `kind` at or after `from`.
size_t index_of(const testing::Trace& t, schema::Record::Which kind, size_t from = 0) {
  for (size_t i = from; i < t.records.size(); ++i) {
    if (t.records[i].kind == kind) return i;
  }
  return t.records.size();
}

TEST(Observation, SdmaDestinationsAndReadsAreObservedAfterTheWait) {
  amdrr::testing::TempDir dir;
  const std::string path = dir.file("sdma.amdrr");
  const auto src_bytes = pattern(4096, 3);
  uint64_t copy_va = 0, fill_va = 0, ts_va = 0;
  std::vector<uint8_t> read_back(64);
  {
    SimCapture capture(path);
    capture.session().kmd().set_observe_content_max(1024);
    Device& dev = capture.system().device(0);
    Buffer src = dev.alloc(4096, Memory::kGtt, "src");
    Buffer dst = dev.alloc(4096, Memory::kGtt, "dst");
    Buffer filled = dev.alloc(4096, Memory::kGtt, "filled");
    Buffer ts = dev.alloc(4096, Memory::kGtt, "ts");
    copy_va = dst.va();
    fill_va = filled.va() + 256;
    ts_va = ts.va() + 64;
    src.write(0, src_bytes);
    Signal done = capture.system().make_signal(0);
    auto q = SdmaQueue::create(dev);
    q->copy(dst, src, 4096)
        .fill(fill_va, 0x11223344, 256)
        .timestamp(ts_va)
        .signal(done, 1)
        .submit();
    done.wait_at_least(1);
    dst.read(128, read_back);
    q.reset();
    capture.finish();
  }
  auto t = read_trace(path);
  const size_t wait = index_of(t, schema::Record::WAIT_RESULT);
  ASSERT_LT(wait, t.records.size());

  const Rec* copy = observed_at(t, copy_va, 4096);
  ASSERT_NE(copy, nullptr) << "the copy's destination";
  EXPECT_EQ(copy->reason, schema::ObservedReason::PACKET_TARGET);
  EXPECT_EQ(copy->hash, format::hash128(src_bytes));
  EXPECT_TRUE(copy->content.empty()) << "4096 bytes is above the content limit of 1024";
  EXPECT_FALSE(copy->is_timestamp);
  EXPECT_GT(copy - t.records.data(), static_cast<std::ptrdiff_t>(wait));

  const Rec* fill = observed_at(t, fill_va, 256);
  ASSERT_NE(fill, nullptr) << "the fill's destination";
  std::vector<uint8_t> fill_bytes(256);
  for (size_t i = 0; i < 256; i += 4) {
    const uint32_t v = 0x11223344;
    std::memcpy(&fill_bytes[i], &v, 4);
  }
  EXPECT_EQ(fill->content, fill_bytes);
  EXPECT_EQ(fill->hash, format::hash128(fill_bytes));
  EXPECT_FALSE(fill->is_timestamp);

  const Rec* stamp = observed_at(t, ts_va, 8);
  ASSERT_NE(stamp, nullptr) << "the timestamp's destination";
  EXPECT_TRUE(stamp->is_timestamp);
  EXPECT_EQ(stamp->content.size(), 8u);

  auto reads = observed(t, schema::ObservedReason::AFTER_WAIT);
  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0]->va, copy_va + 128);
  EXPECT_EQ(reads[0]->content, read_back);
  EXPECT_EQ(read_back, std::vector<uint8_t>(src_bytes.begin() + 128, src_bytes.begin() + 192));
  EXPECT_GT(reads[0], copy);
}

TEST(Observation, Pm4WriteDataAndReleaseMemTimestampAreObserved) {
  amdrr::testing::TempDir dir;
  const std::string path = dir.file("pm4.amdrr");
  uint64_t data_va = 0, ts_va = 0;
  const std::vector<uint32_t> dwords = {1, 2, 3, 0xdeadbeef};
  {
    SimCapture capture(path);
    Device& dev = capture.system().device(0);
    Buffer out = dev.alloc(4096, Memory::kGtt, "out");
    data_va = out.va() + 16;
    ts_va = out.va() + 512;
    Signal done = capture.system().make_signal(0);
    auto q = ComputeQueue::create(dev);
    q->write(data_va, dwords).timestamp(ts_va).signal(done, 1).submit();
    done.wait_at_least(1);
    q.reset();
    capture.finish();
  }
  auto t = read_trace(path);
  const Rec* data = observed_at(t, data_va, 16);
  ASSERT_NE(data, nullptr);
  std::vector<uint8_t> expected(16);
  std::memcpy(expected.data(), dwords.data(), 16);
  EXPECT_EQ(data->content, expected);
  EXPECT_FALSE(data->is_timestamp);
  const Rec* stamp = observed_at(t, ts_va, 8);
  ASSERT_NE(stamp, nullptr);
  EXPECT_TRUE(stamp->is_timestamp);
}

// Packets behind a GPU wait the CPU has not released yet are not complete
// when an earlier signal is satisfied: only the work before it is observed.
TEST(Observation, OnlyPacketsUpToTheReleasingOneAreObserved) {
  amdrr::testing::TempDir dir;
  const std::string path = dir.file("order.amdrr");
  uint64_t first_va = 0, second_va = 0;
  size_t observed_after_first = 0;
  {
    SimCapture capture(path);
    Device& dev = capture.system().device(0);
    Buffer out = dev.alloc(4096, Memory::kGtt, "out");
    first_va = out.va();
    second_va = out.va() + 1024;
    Signal first = capture.system().make_signal(0);
    Signal gate = capture.system().make_signal(0);
    Signal done = capture.system().make_signal(0);
    auto q = SdmaQueue::create(dev);
    q->fill(first_va, 1, 64).signal(first, 1).wait(gate, 1).fill(second_va, 2, 64).signal(done, 1);
    q->submit();
    first.wait_at_least(1);
    capture.session().writer().flush();
    observed_after_first = read_trace(capture.session().path()).count(schema::Record::OBSERVED);
    gate.set(1);
    done.wait_at_least(1);
    q.reset();
    capture.finish();
  }
  auto t = read_trace(path);
  const Rec* first = observed_at(t, first_va, 64);
  const Rec* second = observed_at(t, second_va, 64);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_LT(first, second);
  // Between the two waits: the first fill and the first signal, not the second fill.
  const size_t first_wait = index_of(t, schema::Record::WAIT_RESULT);
  const size_t second_wait = index_of(t, schema::Record::WAIT_RESULT, first_wait + 1);
  EXPECT_LT(first - t.records.data(), static_cast<std::ptrdiff_t>(second_wait));
  EXPECT_GT(second - t.records.data(), static_cast<std::ptrdiff_t>(second_wait));
  EXPECT_GE(observed_after_first, 1u);
}

TEST(Observation, AFailedWaitIsAGpuErrorWithTheDriversMessage) {
  amdrr::testing::TempDir dir;
  const std::string path = dir.file("hang.amdrr");
  std::string message;
  uint32_t gpu_id = 0;
  {
    SimCapture capture(path);
    Device& dev = capture.system().device(0);
    gpu_id = dev.gpu_id();
    Buffer dst = dev.alloc(4096, Memory::kGtt, "dst");
    Signal never = capture.system().make_signal(0);
    Signal done = capture.system().make_signal(0);
    auto q = SdmaQueue::create(dev);
    q->wait(never, 1).fill(dst.va(), 1, 4096).signal(done, 1).submit();
    try {
      done.wait_at_least(1, std::chrono::milliseconds(300));
    } catch (const Error& e) {
      message = e.what();
    }
    q.reset();
    capture.finish();
  }
  ASSERT_FALSE(message.empty()) << "the wait did not fail";
  auto t = read_trace(path);
  ASSERT_EQ(t.count(schema::Record::GPU_ERROR), 1u);
  const Rec& e = *std::find_if(t.records.begin(), t.records.end(),
                               [](const Rec& r) { return r.kind == schema::Record::GPU_ERROR; });
  EXPECT_TRUE(e.error_kind == schema::GpuErrorKind::HANG ||
              e.error_kind == schema::GpuErrorKind::TIMEOUT)
      << static_cast<int>(e.error_kind);
  EXPECT_EQ(e.label, message);
  EXPECT_EQ(e.gpu_id, gpu_id);
  // Nothing behind the unsatisfied wait completed: its fill is not observed.
  EXPECT_EQ(t.count(schema::Record::OBSERVED), 0u);
}

// A queue that stays full (its engine blocked on a wait nothing satisfies)
// fails the submission: that is a GPU error in the trace too.
TEST(Observation, ARingThatStaysFullIsAGpuError) {
  amdrr::testing::TempDir dir;
  const std::string path = dir.file("full.amdrr");
  std::string message;
  uint32_t queue_id = 0;
  {
    SimCapture capture(path);
    Device& dev = capture.system().device(0);
    Buffer dst = dev.alloc(4096, Memory::kGtt, "dst");
    Signal never = capture.system().make_signal(0);
    QueueOptions options;
    options.ring_bytes = 256;
    options.full_timeout = std::chrono::milliseconds(100);
    auto q = SdmaQueue::create(dev, options);
    queue_id = q->id();
    q->wait(never, 1).submit();
    try {
      for (int i = 0; i < 100; ++i) q->fill(dst.va(), 1, 64).submit();
    } catch (const Error& e) {
      message = e.what();
    }
    q.reset();
    capture.finish();
  }
  ASSERT_FALSE(message.empty()) << "the ring never filled";
  auto t = read_trace(path);
  ASSERT_EQ(t.count(schema::Record::GPU_ERROR), 1u);
  const Rec& e = *std::find_if(t.records.begin(), t.records.end(),
                               [](const Rec& r) { return r.kind == schema::Record::GPU_ERROR; });
  EXPECT_EQ(e.error_kind, schema::GpuErrorKind::TIMEOUT);
  EXPECT_EQ(e.queue_id, queue_id);
  EXPECT_EQ(e.label, message);
}

}  // namespace
}  // namespace amdrr::capture

// Capture of driver API programs on the emulated GPU: doorbells carry
// exactly the packets (ring wrap included), driver and program stores are
// recorded, and a CPU store that releases GPU work comes in order.
#include <gtest/gtest.h>

#include <algorithm>

#include "lib/driver/compute_queue.h"
#include "lib/driver/sdma_queue.h"
#include "lib/pkt/pm4_build.h"
#include "lib/pkt/sdma_build.h"
#include "tests/capture/sim_capture.h"
#include "tests/capture/trace_records.h"
#include "tests/support/temp_dir.h"

namespace amdrr::capture {
namespace {

using testing::read_trace;
using testing::Rec;
using testing::SimCapture;

std::vector<uint8_t> bytes_of(const std::vector<uint32_t>& dwords) {
  std::vector<uint8_t> out(dwords.size() * 4);
  std::memcpy(out.data(), dwords.data(), out.size());
  return out;
}

std::vector<const Rec*> doorbells(const testing::Trace& t) {
  std::vector<const Rec*> out;
  for (const Rec& r : t.records) {
    if (r.kind == schema::Record::DOORBELL) out.push_back(&r);
  }
  return out;
}

// Submits `rounds` batches of NOPs of varying length through a 256-byte
// ring, so the ring wraps many times, some batches across its end.
template <typename MakeQueue, typename Nop>
void check_exact_packets(MakeQueue make_queue, Nop nop, uint64_t unit) {
  amdrr::testing::TempDir dir;
  const std::string path = dir.file("ring.amdrr");
  std::vector<std::vector<uint32_t>> batches;
  {
    SimCapture capture(path);
    Device& dev = capture.system().device(0);
    QueueOptions options;
    options.ring_bytes = 256;
    auto q = make_queue(dev, options);
    for (uint32_t i = 0; i < 60; ++i) {
      std::vector<uint32_t> batch;
      for (uint32_t j = 0; j <= i % 3; ++j) nop(batch, (i + j) % 7);
      q->append(batch).submit();
      batches.push_back(batch);
    }
    q.reset();
    capture.finish();
  }
  auto t = read_trace(path);
  EXPECT_EQ(t.end, format::TraceEnd::kClean);
  auto bells = doorbells(t);
  ASSERT_EQ(bells.size(), batches.size());
  uint64_t position = 0;
  bool wrapped = false;
  for (size_t i = 0; i < bells.size(); ++i) {
    EXPECT_EQ(bells[i]->packets, bytes_of(batches[i])) << "doorbell " << i;
    EXPECT_EQ(bells[i]->ring_offset, position % 256) << "doorbell " << i;
    wrapped |= bells[i]->ring_offset + bells[i]->packets.size() > 256;
    position += batches[i].size() * 4;
    EXPECT_EQ(bells[i]->write_pointer, position / unit) << "doorbell " << i;
    EXPECT_EQ(bells[i]->value, position / unit) << "doorbell " << i;
  }
  EXPECT_TRUE(wrapped) << "no batch crossed the ring's end";
}

TEST(DriverCapture, Pm4DoorbellsCarryExactlyThePacketsAcrossRingWrap) {
  check_exact_packets(
      [](Device& dev, const QueueOptions& o) { return ComputeQueue::create(dev, o); },
      [](std::vector<uint32_t>& out, uint32_t n) { pkt::pm4::nop(out, n); }, 4);
}

TEST(DriverCapture, SdmaDoorbellsCarryExactlyThePacketsAcrossRingWrap) {
  check_exact_packets([](Device& dev, const QueueOptions& o) { return SdmaQueue::create(dev, o); },
                      [](std::vector<uint32_t>& out, uint32_t n) { pkt::sdma::nop(out, n); }, 1);
}

TEST(DriverCapture, DriverWritesAreRecordedExactly) {
  amdrr::testing::TempDir dir;
  const std::string path = dir.file("writes.amdrr");
  uint64_t va = 0;
  std::vector<uint8_t> data(5000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 + 1);
  {
    SimCapture capture(path);
    {
      Buffer b = capture.system().device(0).alloc(1 << 16, Memory::kGtt, "data");
      va = b.va();
      b.write(100, data);
      b.fill(8192, 300, 0xAB);
    }
    capture.finish();
  }
  auto t = read_trace(path);
  std::vector<const Rec*> writes;
  for (const Rec& r : t.records) {
    if (r.kind == schema::Record::MEM_WRITE && r.va >= va && r.va < va + (1 << 16)) {
      writes.push_back(&r);
    }
  }
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[0]->va, va + 100);
  EXPECT_EQ(writes[0]->content, data);
  EXPECT_EQ(writes[0]->source, schema::WriteSource::DRIVER);
  EXPECT_EQ(writes[1]->va, va + 8192);
  EXPECT_EQ(writes[1]->content, std::vector<uint8_t>(300, 0xAB));
}

// The GPU waits on a gate behind the doorbell; the CPU opens it afterwards.
// The trace must say: doorbell, then the store, then the satisfied wait.
void check_release_order(bool plain_store) {
  amdrr::testing::TempDir dir;
  const std::string path = dir.file("release.amdrr");
  uint64_t gate_va = 0, done_va = 0, out_va = 0;
  {
    SimCapture capture(path, /*track_stores=*/plain_store);
    {
      System& system = capture.system();
      Device& dev = system.device(0);
      auto q = ComputeQueue::create(dev);
      Buffer out = dev.alloc(4096, Memory::kGttCoherent, "out");
      out_va = out.va();
      Signal gate = system.make_signal(0);
      Signal done = system.make_signal(0);
      gate_va = gate.value_address();
      done_va = done.value_address();
      const uint32_t data[] = {11, 22, 33};
      q->wait(gate, 1).write(out.va(), data).signal(done, 1).submit();
      if (plain_store) {
        *reinterpret_cast<volatile uint64_t*>(gate.value_address()) = 1;
      } else {
        gate.set(1);
      }
      done.wait_at_least(1);
      // The GPU's writes are intact (tracking never writes memory).
      EXPECT_EQ(out.as<uint32_t>()[1], 22u);
      if (plain_store) {
        EXPECT_GE(capture.session().store_tracker()->faults(), 1u);
      }
    }
    capture.finish();
  }
  auto t = read_trace(path);
  ASSERT_EQ(t.end, format::TraceEnd::kClean);
  size_t bell = SIZE_MAX, store = SIZE_MAX, wait = SIZE_MAX;
  for (size_t i = 0; i < t.records.size(); ++i) {
    const Rec& r = t.records[i];
    if (r.kind == schema::Record::DOORBELL && bell == SIZE_MAX) bell = i;
    if (r.kind == schema::Record::MEM_WRITE && r.va <= gate_va &&
        gate_va < r.va + r.content.size() && i > bell && bell != SIZE_MAX && store == SIZE_MAX) {
      store = i;
      EXPECT_EQ(r.source,
                plain_store ? schema::WriteSource::TRAPPED_STORE : schema::WriteSource::DRIVER);
      EXPECT_EQ(r.content[gate_va - r.va], 1);
    }
    if (r.kind == schema::Record::WAIT_RESULT && r.wait_kind == schema::WaitKind::CPU_POLL &&
        r.va == done_va) {
      wait = i;
      EXPECT_EQ(r.reference, 1u);
      EXPECT_EQ(r.value_seen, 1u);
    }
  }
  ASSERT_NE(bell, SIZE_MAX);
  ASSERT_NE(store, SIZE_MAX) << "the gate store is not in the trace after the doorbell";
  ASSERT_NE(wait, SIZE_MAX);
  EXPECT_LT(bell, store);
  EXPECT_LT(store, wait);
  // No program store is recorded into the buffer only the GPU wrote.
  for (const Rec& r : t.records) {
    if (r.kind == schema::Record::MEM_WRITE && r.source == schema::WriteSource::TRAPPED_STORE) {
      EXPECT_FALSE(r.va >= out_va && r.va < out_va + 4096) << "GPU data recorded as a CPU store";
    }
  }
}

TEST(DriverCapture, DriverSignalStoreReleasingGpuWaitIsInOrder) {
  check_release_order(false);
}

TEST(DriverCapture, PlainStoreReleasingGpuWaitIsTrappedInOrder) {
  check_release_order(true);
}

TEST(DriverCapture, PlainStoresThroughMappedPointersAreRecorded) {
  amdrr::testing::TempDir dir;
  const std::string path = dir.file("stores.amdrr");
  uint64_t va = 0;
  {
    SimCapture capture(path, /*track_stores=*/true);
    {
      System& system = capture.system();
      Device& dev = system.device(0);
      Buffer b = dev.alloc(3 * 4096, Memory::kGtt, "mapped");
      va = b.va();
      uint8_t* p = b.data();
      std::memcpy(p + 4000, "hello, page boundary", 20);  // spans two pages
      p[2 * 4096 + 5] = 0x5A;
      // A wait is a flush point.
      auto q = SdmaQueue::create(dev);
      Signal done = system.make_signal(0);
      q->signal(done, 1).submit();
      done.wait_at_least(1);
    }
    capture.finish();
  }
  auto t = read_trace(path);
  std::vector<uint8_t> image(3 * 4096, 0);
  size_t trapped = 0;
  for (const Rec& r : t.records) {
    if (r.kind != schema::Record::MEM_WRITE || r.source != schema::WriteSource::TRAPPED_STORE) {
      continue;
    }
    if (r.va < va || r.va + r.content.size() > va + image.size()) continue;
    ++trapped;
    std::copy(r.content.begin(), r.content.end(),
              image.begin() + static_cast<ptrdiff_t>(r.va - va));
  }
  EXPECT_GE(trapped, 2u);
  EXPECT_EQ(std::memcmp(image.data() + 4000, "hello, page boundary", 20), 0);
  EXPECT_EQ(image[2 * 4096 + 5], 0x5A);
}

}  // namespace
}  // namespace amdrr::capture

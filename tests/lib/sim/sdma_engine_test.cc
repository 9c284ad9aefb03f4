// The SDMA v4.4 engine, driven through SimKfd's Kmd interface with packets
// from the lib/pkt builders.
#include <gtest/gtest.h>

#include "lib/pkt/sdma_build.h"
#include "tests/lib/sim/engine_fixture.h"

namespace amdrr::sim {
namespace {

namespace sdma = pkt::sdma;
using pkt::SdmaVersion;
using testing::Buf;
using testing::EngineFixture;
using testing::TestQueue;
using Q = kmd::QueueType;
constexpr SdmaVersion kV4 = SdmaVersion::kV4_4;

TEST(SdmaEngine, CopyLinearAndByteCountedPointers) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kSdma);
  Buf src = f.alloc(8192), dst = f.alloc(8192);
  for (uint32_t i = 0; i < 8192; ++i) src.host[i] = uint8_t(i * 13);
  std::vector<uint32_t> dw;
  sdma::copy_linear(dw, kV4, dst.va + 3, src.va + 1, 5000);  // unaligned, odd size
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(std::memcmp(dst.host + 3, src.host + 1, 5000), 0);
  EXPECT_EQ(dst.host[2], 0);
  EXPECT_EQ(dst.host[5003], 0);
  EXPECT_EQ(q.wptr, dw.size() * 4);  // bytes
  EXPECT_EQ(q.rptr(), q.wptr);
}

TEST(SdmaEngine, CopyLinearLargestCountOfTheVersion) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kSdma);
  const uint64_t max = pkt::sdma_copy_max_bytes(kV4);
  Buf src = f.alloc(max + 4096), dst = f.alloc(max + 4096);
  std::memset(src.host, 0x5C, max + 4096);
  std::vector<uint32_t> dw;
  EXPECT_EQ(sdma::copy_linear(dw, kV4, dst.va, src.va, max + 4096), max);  // the builder splits
  f.submit(q, dw);
  f.settle();
  EXPECT_TRUE(f.outcome(q).active());
  EXPECT_EQ(dst.host[max - 1], 0x5C);
  EXPECT_EQ(dst.host[max], 0);  // exactly the limit, no more
}

TEST(SdmaEngine, ConstantFillDwordAndByte) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kSdma);
  Buf dst = f.alloc(4096);
  std::vector<uint32_t> dw;
  sdma::constant_fill(dw, kV4, dst.va, 0x11223344, 64);
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(dst.at<uint32_t>(60), 0x11223344u);
  EXPECT_EQ(dst.at<uint32_t>(64), 0u);
}

TEST(SdmaEngine, WriteUntiledFenceTimestampAtomic) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kSdma);
  Buf mem = f.alloc(4096);
  mem.at<uint64_t>(64) = 10;
  std::vector<uint32_t> dw;
  sdma::write_untiled(dw, mem.va, std::vector<uint32_t>{1, 2, 3});
  sdma::fence(dw, kV4, mem.va + 16, 0xFEED);
  sdma::timestamp_get_global(dw, mem.va + 24);
  sdma::timestamp_get_global(dw, mem.va + 32);
  sdma::atomic(dw, {.op = 0x2F, .addr = mem.va + 64, .src = 5});  // ADD_RTN_64
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(8), 3u);
  EXPECT_EQ(mem.at<uint32_t>(16), 0xFEEDu);
  EXPECT_GT(mem.at<uint64_t>(32), mem.at<uint64_t>(24));
  EXPECT_EQ(mem.at<uint64_t>(64), 15u);
}

TEST(SdmaEngine, TrapRaisesTheEventAfterTheFence) {
  EngineFixture f;
  Buf page = f.alloc(32768);
  auto ev = f.kfd->create_event({page.handle, kmd::EventType::kSignal, 1, 0});
  ASSERT_TRUE(ev.ok());
  TestQueue q = f.create_queue(Q::kSdma);
  std::vector<uint32_t> dw;
  sdma::fence(dw, kV4, page.va + 8ull * ev->event_id, ev->event_id);
  sdma::trap(dw, ev->event_id);
  f.submit(q, dw);
  kmd::EventData d;
  d.event_id = ev->event_id;
  auto r = f.kfd->wait_events({std::span(&d, 1), 0, 1000});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, kmd::WaitResult::kComplete);
}

TEST(SdmaEngine, PollRegmemWaitsAndHonoursItsRetryCount) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kSdma);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> dw;
  sdma::poll_regmem(dw, {.addr = mem.va, .value = 3, .func = 5});  // >= 3, forever
  sdma::fence(dw, kV4, mem.va + 8, 1);
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(8), 0u);
  mem.at<uint32_t>(0) = 4;
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(8), 1u);

  TestQueue bounded = f.create_queue(Q::kSdma);
  dw.clear();
  sdma::poll_regmem(dw, {.addr = mem.va + 16, .value = 1, .retry_count = 2});
  f.submit(bounded, dw);
  f.settle();
  EXPECT_EQ(f.outcome(bounded).state, QueueState::kHung);
  EXPECT_EQ(f.outcome(bounded).packet, "POLL_REGMEM");
}

TEST(SdmaEngine, IndirectRunsItsBufferAndRefusesNesting) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kSdma);
  Buf mem = f.alloc(4096), ib = f.alloc(4096);
  std::vector<uint32_t> body;
  sdma::fence(body, kV4, mem.va, 7);
  sdma::indirect(body, ib.va, 4);  // an INDIRECT inside the IB
  std::memcpy(ib.host, body.data(), body.size() * 4);
  std::vector<uint32_t> dw;
  sdma::indirect(dw, ib.va, static_cast<uint32_t>(body.size()));
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(0), 7u);
  EXPECT_EQ(f.outcome(q).state, QueueState::kError);
  EXPECT_EQ(f.outcome(q).packet, "INDIRECT");
  EXPECT_EQ(f.outcome(q).packet_va, ib.va + 16);
}

TEST(SdmaEngine, PacketsWrapAtTheRingEnd) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kSdma, 1024);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> pad;
  sdma::nop(pad, 250);  // 251 dwords: the next packet straddles the end
  f.submit(q, pad);
  f.settle();
  std::vector<uint32_t> dw;
  sdma::fence(dw, kV4, mem.va, 0xAB);
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(0), 0xABu);
  EXPECT_EQ(q.rptr(), q.wptr);
}

TEST(SdmaEngine, MalformedPacketsStopTheQueue) {
  EngineFixture f;
  TestQueue bad = f.create_queue(Q::kSdma);
  f.submit(bad, {0x000000EEu});
  f.settle();
  EXPECT_EQ(f.outcome(bad).state, QueueState::kError);

  TestQueue tiled = f.create_queue(Q::kSdma);
  f.submit(tiled, {0x00000101u, 0, 0, 0, 0, 0, 0});  // COPY sub-op TILED
  f.settle();
  EXPECT_EQ(f.outcome(tiled).state, QueueState::kUnsupported);
  EXPECT_EQ(f.outcome(tiled).packet, "COPY");

  TestQueue unmapped = f.create_queue(Q::kSdma);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> dw;
  sdma::copy_linear(dw, kV4, mem.va, 0x7000000000, 64);
  f.submit(unmapped, dw);
  f.settle();
  EXPECT_EQ(f.outcome(unmapped).state, QueueState::kVmFault);
  EXPECT_EQ(f.outcome(unmapped).fault->va, 0x7000000000u);
  // The other SDMA queues of the GPU were evicted (the first two had stopped).
  EXPECT_EQ(f.outcome(bad).state, QueueState::kError);
}

TEST(SdmaEngine, XgmiQueueCopiesIntoAPeerGpu) {
  SimProfile p;
  p.num_gpus = 2;
  EngineFixture f(p);
  TestQueue q = f.create_queue(Q::kSdmaXgmi, 4096, 0);
  Buf local = f.alloc(4096, 0);
  Buf peer = f.alloc(4096, 1, {0, 1});   // GPU 1's memory, mapped to GPU 0 too
  Buf unmapped = f.alloc(4096, 1, {1});  // not reachable from GPU 0
  std::memset(local.host, 0x77, 4096);
  std::vector<uint32_t> dw;
  sdma::copy_linear(dw, kV4, peer.va, local.va, 4096);
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(peer.host[4095], 0x77);
  dw.clear();
  sdma::copy_linear(dw, kV4, unmapped.va, local.va, 16);
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(f.outcome(q).state, QueueState::kVmFault);
  EXPECT_EQ(unmapped.host[0], 0);
}

}  // namespace
}  // namespace amdrr::sim

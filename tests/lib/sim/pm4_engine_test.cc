// The PM4 compute engine, driven through SimKfd's Kmd interface with packets
// from the lib/pkt builders: per packet and per field.
#include <gtest/gtest.h>

#include "lib/pkt/pm4_build.h"
#include "tests/lib/sim/engine_fixture.h"

namespace amdrr::sim {
namespace {

namespace pm4 = pkt::pm4;
using testing::Buf;
using testing::EngineFixture;
using testing::TestQueue;
using Q = kmd::QueueType;

std::vector<uint32_t> write32(uint64_t addr, uint32_t v) {
  std::vector<uint32_t> out;
  pm4::write_data(out, {.addr = addr}, std::vector<uint32_t>{v});
  return out;
}

TEST(Pm4Engine, WriteDataLandsAndTheReadPointerIsPublished) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> dw;
  pm4::write_data(dw, {.addr = mem.va + 8}, std::vector<uint32_t>{1, 2, 3});
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(8), 1u);
  EXPECT_EQ(mem.at<uint32_t>(16), 3u);
  EXPECT_EQ(q.rptr(), q.wptr);
  EXPECT_TRUE(f.outcome(q).active());
  auto written = f.sched->take_written();
  ASSERT_FALSE(written.empty());
  EXPECT_EQ(written[0], (WrittenRange{f.gpus[0], q.id, mem.va + 8, 12}));
}

TEST(Pm4Engine, WriteDataWithoutAddressIncrementHitsOneAddress) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> dw;
  pm4::write_data(dw, {.addr = mem.va, .addr_incr_off = true}, std::vector<uint32_t>{7, 8, 9});
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(0), 9u);
  EXPECT_EQ(mem.at<uint32_t>(4), 0u);
}

TEST(Pm4Engine, SetShAndUconfigRegisters) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute);
  std::vector<uint32_t> dw;
  pm4::set_sh_reg(dw, 0x2E40, std::vector<uint32_t>{0x11, 0x22});  // COMPUTE_USER_DATA_0/1
  pm4::set_uconfig_reg(dw, 0xC200, std::vector<uint32_t>{0x33});   // GRBM_GFX_INDEX
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(f.sched->pm4_reg(q.id, 0x2E40), 0x11u);
  EXPECT_EQ(f.sched->pm4_reg(q.id, 0x2E41), 0x22u);
  EXPECT_EQ(f.sched->pm4_reg(q.id, 0xC200), 0x33u);
}

struct CompareCase {
  uint32_t function;
  uint32_t value;  // memory value; reference is 5, mask 0xFF
  bool passes;
};

class WaitRegMemCompare : public ::testing::TestWithParam<CompareCase> {};

TEST_P(WaitRegMemCompare, MemoryForm) {
  const CompareCase c = GetParam();
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  mem.at<uint32_t>(0) = c.value | 0xAB00;  // bits outside the mask
  std::vector<uint32_t> dw;
  pm4::wait_reg_mem_memory(dw, mem.va, {.function = c.function, .reference = 5, .mask = 0xFF});
  auto after = write32(mem.va + 4, 1);
  dw.insert(dw.end(), after.begin(), after.end());
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(4), c.passes ? 1u : 0u);
  EXPECT_TRUE(f.outcome(q).active());
  if (!c.passes) {
    // Satisfy every function with a value chosen per function, then poll.
    const uint32_t ok[] = {0, 4, 5, 5, 6, 5, 6};
    mem.at<uint32_t>(0) = ok[c.function];
    f.settle();
    EXPECT_EQ(mem.at<uint32_t>(4), 1u);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryFunction, WaitRegMemCompare,
                         ::testing::Values(CompareCase{0, 9, true}, CompareCase{1, 4, true},
                                           CompareCase{1, 5, false}, CompareCase{2, 5, true},
                                           CompareCase{2, 6, false}, CompareCase{3, 5, true},
                                           CompareCase{3, 4, false}, CompareCase{4, 4, true},
                                           CompareCase{4, 5, false}, CompareCase{5, 5, true},
                                           CompareCase{5, 4, false}, CompareCase{6, 6, true},
                                           CompareCase{6, 5, false}));

TEST(Pm4Engine, WaitRegMemRegisterForm) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> dw;
  pm4::set_uconfig_reg(dw, 0xC200, std::vector<uint32_t>{0x40});
  pm4::wait_reg_mem_register(dw, 0xC200, {.function = 3, .reference = 0x40});
  auto w = write32(mem.va, 1);
  dw.insert(dw.end(), w.begin(), w.end());
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(0), 1u);
}

TEST(Pm4Engine, WaitRegMemOnAnUnmodelledRegisterIsUnsupported) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute);
  std::vector<uint32_t> dw;
  pm4::wait_reg_mem_register(dw, 0x1234, {.function = 3, .reference = 1});
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(f.outcome(q).state, QueueState::kUnsupported);
  EXPECT_EQ(f.outcome(q).packet, "WAIT_REG_MEM");
}

TEST(Pm4Engine, ReleaseMemDataSelects) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  mem.at<uint64_t>(0) = ~0ull;
  std::vector<uint32_t> dw;
  pm4::ReleaseMemGfx9 r;
  r.addr = mem.va;  // 0: NONE writes nothing
  r.data_sel = 0;
  pm4::release_mem(dw, r);
  r.addr = mem.va + 8;  // 1: low 32 bits
  r.data_sel = 1;
  r.data = 0x1111222233334444ull;
  pm4::release_mem(dw, r);
  r.addr = mem.va + 16;  // 2: 64 bits
  r.data_sel = 2;
  pm4::release_mem(dw, r);
  r.addr = mem.va + 24;  // 3: GPU clock
  r.data_sel = 3;
  pm4::release_mem(dw, r);
  r.addr = mem.va + 32;  // 4: the other 64-bit counter
  r.data_sel = 4;
  pm4::release_mem(dw, r);
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(mem.at<uint64_t>(0), ~0ull);
  EXPECT_EQ(mem.at<uint64_t>(8), 0x33334444ull);
  EXPECT_EQ(mem.at<uint64_t>(16), 0x1111222233334444ull);
  EXPECT_GT(mem.at<uint64_t>(24), 0u);
  EXPECT_GT(mem.at<uint64_t>(32), mem.at<uint64_t>(24));  // the clock advanced with work
  EXPECT_LE(mem.at<uint64_t>(32), f.sched->gpu_clock());
}

TEST(Pm4Engine, ReleaseMemGdsDataIsUnsupported) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> dw;
  pm4::ReleaseMemGfx9 r;
  r.addr = mem.va;
  r.data_sel = 5;
  pm4::release_mem(dw, r);
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(f.outcome(q).state, QueueState::kUnsupported);
  EXPECT_EQ(f.outcome(q).packet, "RELEASE_MEM");
}

struct Events {
  Buf page;
  uint32_t signal = 0;
  uint32_t memory = 0;
  explicit Events(EngineFixture& f) {
    page = f.alloc(32768);
    auto s = f.kfd->create_event({page.handle, kmd::EventType::kSignal, 1, 0});
    EXPECT_TRUE(s.ok());
    signal = s->event_id;
    auto m = f.kfd->create_event({0, kmd::EventType::kMemory, 0, 0});
    EXPECT_TRUE(m.ok());
    memory = m->event_id;
  }
  uint64_t mailbox() const { return page.va + 8ull * signal; }
  kmd::WaitResult wait(EngineFixture& f, uint32_t event, uint32_t timeout_ms,
                       kmd::EventData* out = nullptr) {
    kmd::EventData d;
    d.event_id = event;
    auto r = f.kfd->wait_events({std::span(&d, 1), 0, timeout_ms});
    EXPECT_TRUE(r.ok());
    if (out) *out = d;
    return *r;
  }
};

TEST(Pm4Engine, ReleaseMemInterruptSetsTheEventOnlyAfterAMailboxWrite) {
  EngineFixture f;
  Events ev(f);
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> dw;
  pm4::ReleaseMemGfx9 r;
  r.addr = mem.va;  // interrupt without a mailbox write: no event
  r.data = 1;
  r.int_sel = 2;
  r.int_ctxid = ev.signal;
  pm4::release_mem(dw, r);
  f.submit(q, dw);
  EXPECT_EQ(ev.wait(f, ev.signal, 20), kmd::WaitResult::kTimeout);
  dw.clear();
  r.addr = ev.mailbox();  // the recipe: event id to the mailbox, then interrupt
  r.data = ev.signal;
  pm4::release_mem(dw, r);
  f.submit(q, dw);
  EXPECT_EQ(ev.wait(f, ev.signal, 1000), kmd::WaitResult::kComplete);
  EXPECT_EQ(ev.page.at<uint64_t>(8ull * ev.signal), ~0ull);  // KFD reset the slot
}

TEST(Pm4Engine, CopyDataSourcesAndDestinations) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  mem.at<uint64_t>(0) = 0xAAAABBBBCCCCDDDDull;
  std::vector<uint32_t> dw;
  pm4::copy_data(dw, {.src_sel = 5, .dst_sel = 5, .src = 0x1234, .dst = mem.va + 8});
  pm4::copy_data(dw,
                 {.src_sel = 1, .dst_sel = 5, .src = mem.va, .dst = mem.va + 16, .count_64 = true});
  pm4::copy_data(dw, {.src_sel = 1, .dst_sel = 0, .src = mem.va, .dst = 0x2E42});
  pm4::copy_data(dw, {.src_sel = 0, .dst_sel = 2, .src = 0x2E42, .dst = mem.va + 24});
  pm4::copy_data(dw, {.src_sel = 9, .dst_sel = 5, .dst = mem.va + 32, .count_64 = true});
  f.submit(q, dw);
  f.settle();
  EXPECT_TRUE(f.outcome(q).active()) << f.outcome(q).message;
  EXPECT_EQ(mem.at<uint32_t>(8), 0x1234u);
  EXPECT_EQ(mem.at<uint64_t>(16), 0xAAAABBBBCCCCDDDDull);
  EXPECT_EQ(f.sched->pm4_reg(q.id, 0x2E42), 0xCCCCDDDDu);
  EXPECT_EQ(mem.at<uint32_t>(24), 0xCCCCDDDDu);
  EXPECT_GT(mem.at<uint64_t>(32), 0u);
}

TEST(Pm4Engine, DmaDataCopiesAndFills) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute);
  Buf src = f.alloc(8192), dst = f.alloc(8192);
  for (uint32_t i = 0; i < 1024; ++i) src.at<uint32_t>(i * 4) = i * 7;
  std::vector<uint32_t> dw;
  EXPECT_EQ(pm4::dma_data(dw, pkt::Pm4Family::kGfx9, {.src = src.va, .dst = dst.va, .bytes = 4096}),
            4096u);
  pm4::dma_data(dw, pkt::Pm4Family::kGfx9,
                {.src_sel = 2, .src = 0x5A5A5A5A, .dst = dst.va + 4096, .bytes = 64});
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(std::memcmp(src.host, dst.host, 4096), 0);
  EXPECT_EQ(dst.at<uint32_t>(4096 + 60), 0x5A5A5A5Au);
  EXPECT_EQ(dst.at<uint32_t>(4096 + 64), 0u);
}

TEST(Pm4Engine, AtomicMemOps) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  mem.at<uint64_t>(0) = 40;
  mem.at<uint32_t>(8) = 7;
  std::vector<uint32_t> dw;
  pm4::atomic_mem(dw, {.atomic = 0x2F, .addr = mem.va, .src = 2});                // ADD_RTN_64
  pm4::atomic_mem(dw, {.atomic = 0x48, .addr = mem.va + 8, .src = 9, .cmp = 7});  // CMPSWAP_32
  pm4::copy_data(dw, {.src_sel = 6, .dst_sel = 5, .dst = mem.va + 16});           // return data
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(mem.at<uint64_t>(0), 42u);
  EXPECT_EQ(mem.at<uint32_t>(8), 9u);
  EXPECT_EQ(mem.at<uint32_t>(16), 7u);
}

TEST(Pm4Engine, AtomicMemLoopWaitsForItsCompare) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> dw;
  pm4::atomic_mem(dw, {.atomic = 0x48, .command = 1, .addr = mem.va, .src = 1, .cmp = 5});
  auto w = write32(mem.va + 4, 1);
  dw.insert(dw.end(), w.begin(), w.end());
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(4), 0u);
  mem.at<uint32_t>(0) = 5;
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(0), 1u);
  EXPECT_EQ(mem.at<uint32_t>(4), 1u);
}

TEST(Pm4Engine, NestedIndirectBuffersUpToTheLimit) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  Buf ib1 = f.alloc(4096), ib2 = f.alloc(4096), ib3 = f.alloc(4096);
  auto put = [](Buf& b, const std::vector<uint32_t>& dw) {
    std::memcpy(b.host, dw.data(), dw.size() * 4);
    return static_cast<uint32_t>(dw.size());
  };
  std::vector<uint32_t> d3 = write32(mem.va + 8, 3);
  const uint32_t n3 = put(ib3, d3);
  std::vector<uint32_t> d2 = write32(mem.va + 4, 2);
  pm4::indirect_buffer(d2, {.addr = ib3.va, .size_dwords = n3});  // a third level: too deep
  const uint32_t n2 = put(ib2, d2);
  std::vector<uint32_t> d1;
  pm4::indirect_buffer(d1, {.addr = ib2.va, .size_dwords = n2});
  auto w = write32(mem.va, 1);  // after returning from IB2
  d1.insert(d1.end(), w.begin(), w.end());
  const uint32_t n1 = put(ib1, d1);
  std::vector<uint32_t> ring;
  pm4::indirect_buffer(ring, {.addr = ib1.va, .size_dwords = n1});
  f.submit(q, ring);
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(4), 2u);  // IB2 ran
  EXPECT_EQ(mem.at<uint32_t>(8), 0u);  // IB3 refused
  EXPECT_EQ(f.outcome(q).state, QueueState::kError);
  EXPECT_EQ(f.outcome(q).packet, "INDIRECT_BUFFER");
  EXPECT_EQ(f.outcome(q).packet_va, ib2.va + write32(0, 0).size() * 4);  // its packet in IB2
}

TEST(Pm4Engine, IndirectBufferReturnsToTheRing) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096), ib = f.alloc(4096);
  std::vector<uint32_t> body = write32(mem.va, 1);
  std::memcpy(ib.host, body.data(), body.size() * 4);
  std::vector<uint32_t> ring;
  pm4::indirect_buffer(ring, {.addr = ib.va, .size_dwords = uint32_t(body.size())});
  auto w = write32(mem.va + 4, 2);
  ring.insert(ring.end(), w.begin(), w.end());
  f.submit(q, ring);
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(0), 1u);
  EXPECT_EQ(mem.at<uint32_t>(4), 2u);
  EXPECT_EQ(q.rptr(), q.wptr);
}

TEST(Pm4Engine, IndirectBufferIntoUnmappedMemoryIsAVmFault) {
  EngineFixture f;
  Events ev(f);
  TestQueue q = f.create_queue(Q::kCompute);
  TestQueue other = f.create_queue(Q::kCompute);
  std::vector<uint32_t> ring;
  pm4::indirect_buffer(ring, {.addr = 0x7000000000, .size_dwords = 16});
  f.submit(q, ring);
  kmd::EventData d;
  EXPECT_EQ(ev.wait(f, ev.memory, 1000, &d), kmd::WaitResult::kComplete);
  EXPECT_EQ(d.memory_exception_data.va, 0x7000000000u);
  EXPECT_EQ(d.memory_exception_data.gpu_id, f.gpus[0]);
  EXPECT_EQ(d.memory_exception_data.not_present, 1u);
  EXPECT_EQ(f.outcome(q).state, QueueState::kVmFault);
  EXPECT_EQ(f.outcome(q).packet, "INDIRECT_BUFFER");
  EXPECT_EQ(f.outcome(other).state, QueueState::kEvicted);
}

TEST(Pm4Engine, WriteToReadOnlyMemoryFaultsWithReadOnly) {
  EngineFixture f;
  Events ev(f);
  TestQueue q = f.create_queue(Q::kCompute);
  Buf ro = f.alloc(4096, 0, {}, kmd::alloc_flags::kGtt);
  f.submit(q, write32(ro.va + 16, 1));
  kmd::EventData d;
  EXPECT_EQ(ev.wait(f, ev.memory, 1000, &d), kmd::WaitResult::kComplete);
  EXPECT_EQ(d.memory_exception_data.read_only, 1u);
  EXPECT_EQ(ro.at<uint32_t>(16), 0u);
  EXPECT_EQ(f.outcome(q).state, QueueState::kVmFault);
}

TEST(Pm4Engine, BadOpcodeIsAQueueErrorAndAKnownOneIsUnsupported) {
  EngineFixture f;
  TestQueue bad = f.create_queue(Q::kCompute);
  f.submit(bad, {0xC000EE00u, 0});  // type 3, opcode 0xEE, one body dword
  f.settle();
  EXPECT_EQ(f.outcome(bad).state, QueueState::kError);
  EXPECT_NE(f.outcome(bad).message.find("bad opcode"), std::string::npos);

  TestQueue known = f.create_queue(Q::kCompute);
  f.submit(known, {0xC0002200u, 0});  // COND_EXEC: the CP has it, we do not
  f.settle();
  EXPECT_EQ(f.outcome(known).state, QueueState::kUnsupported);
  EXPECT_EQ(f.outcome(known).packet, "COND_EXEC");
}

TEST(Pm4Engine, DispatchIsUnsupportedNamingThePacket) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute);
  std::vector<uint32_t> dw;
  pm4::dispatch_direct(dw, 1, 1, 1, 1);
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(f.outcome(q).state, QueueState::kUnsupported);
  EXPECT_EQ(f.outcome(q).packet, "DISPATCH_DIRECT");
  EXPECT_EQ(f.outcome(q).packet_va, q.ring.va);
}

TEST(Pm4Engine, PacketsWrapAtTheRingEnd) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute, 4096);
  Buf mem = f.alloc(4096);
  // 1021 dwords of NOP, then a 6-dword WRITE_DATA straddling the ring end.
  std::vector<uint32_t> pad;
  pm4::nop(pad, 1020);
  ASSERT_EQ(pad.size(), 1021u);
  f.submit(q, pad);
  f.settle();
  std::vector<uint32_t> dw;
  pm4::write_data(dw, {.addr = mem.va}, std::vector<uint32_t>{0xAA, 0xBB});
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(0), 0xAAu);
  EXPECT_EQ(mem.at<uint32_t>(4), 0xBBu);
  EXPECT_EQ(q.rptr(), q.wptr);
  EXPECT_TRUE(f.outcome(q).active());
}

TEST(Pm4Engine, APacketStraddlingTheWritePointerWaitsForTheRest) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> dw = write32(mem.va, 5);
  f.submit(q, std::vector<uint32_t>(dw.begin(), dw.begin() + 3));
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(0), 0u);
  EXPECT_EQ(q.rptr(), 0u);
  EXPECT_TRUE(f.outcome(q).active());
  f.submit(q, std::vector<uint32_t>(dw.begin() + 3, dw.end()));
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(0), 5u);
}

TEST(Pm4Engine, APacketLargerThanTheRingIsAnError) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute, 4096);
  f.submit(q, {0xC0001000u | (2000u << 16)});  // NOP claiming 2001 body dwords
  f.settle();
  EXPECT_EQ(f.outcome(q).state, QueueState::kError);
  EXPECT_EQ(f.outcome(q).packet, "NOP");
}

TEST(Pm4Engine, AWritePointerBeyondTheRingIsAnError) {
  EngineFixture f;
  TestQueue q = f.create_queue(Q::kCompute, 4096);
  EXPECT_TRUE(f.kfd->write_doorbell(q.id, 5000).ok());
  EXPECT_EQ(f.outcome(q).state, QueueState::kError);
  EXPECT_EQ(f.outcome(q).packet, "doorbell");
}

}  // namespace
}  // namespace amdrr::sim

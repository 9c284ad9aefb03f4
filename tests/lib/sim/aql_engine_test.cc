// The AQL packet processor: dispatch ids, barriers on signals from other
// queues, the barrier bit, completion signals (decrement, mailbox, event),
// late publication, the PM4-IB vendor packet, and bad packets.

#include "lib/pkt/pm4_build.h"
#include "lib/pkt/sdma_build.h"
#include "tests/lib/sim/aql_fixture.h"

namespace amdrr::sim::testing {
namespace {

namespace pm4 = pkt::pm4;
namespace sdma = pkt::sdma;
using Q = kmd::QueueType;

TEST(AqlEngine, BarrierAndWaitsForSignalsFromAPm4AndAnSdmaQueue) {
  AqlFixture f;
  Signals s(f);
  s.init(0, 1);  // A: set to 0 by the PM4 queue
  s.init(1, 1);  // B: set to 0 by the SDMA queue
  s.init(2, 1);  // the barrier's completion signal
  Buf flags = f.alloc(4096);
  TestQueue pm4q = f.create_queue(Q::kCompute);
  TestQueue sdmaq = f.create_queue(Q::kSdma);
  AqlQueue a = f.create_aql();

  std::vector<uint32_t> c, d;
  pm4::wait_reg_mem_memory(c, flags.va, {.function = 3, .reference = 1});
  pm4::write_data(c, {.addr = s.va(0) + 8}, std::vector<uint32_t>{0, 0});
  sdma::poll_regmem(d, {.addr = flags.va + 4, .value = 1});
  sdma::write_untiled(d, s.va(1) + 8, std::vector<uint32_t>{0, 0});
  f.submit(pm4q, c);
  f.submit(sdmaq, d);
  f.submit(a, aql::barrier_and(
                  {.dep_signal = {s.va(0), 0, s.va(1), 0, 0}, .completion_signal = s.va(2)}));
  f.settle();
  EXPECT_EQ(s.value(2), 1);
  EXPECT_EQ(a.read_dispatch_id(), 0u);

  flags.at<uint32_t>(0) = 1;  // the PM4 queue runs: A = 0, B still 1
  f.settle();
  EXPECT_EQ(s.value(0), 0);
  EXPECT_EQ(s.value(2), 1);

  flags.at<uint32_t>(4) = 1;  // the SDMA queue runs: B = 0, the barrier completes
  f.settle();
  EXPECT_EQ(s.value(1), 0);
  EXPECT_EQ(s.value(2), 0);
  EXPECT_EQ(a.read_dispatch_id(), 1u);
  EXPECT_EQ(a.header(0), aql::kTypeInvalid);  // the slot is released
  EXPECT_TRUE(f.outcome(a.q).active());
}

TEST(AqlEngine, BarrierOrCompletesOnAnyZeroSignal) {
  AqlFixture f;
  Signals s(f);
  s.init(0, 1);
  s.init(1, 5);
  s.init(2, 1);
  AqlQueue a = f.create_aql();
  f.submit(a, aql::barrier_or(
                  {.dep_signal = {0, s.va(0), s.va(1), 0, 0}, .completion_signal = s.va(2)}));
  f.settle();
  EXPECT_EQ(s.value(2), 1);
  s.value(1) = 0;
  f.settle();
  EXPECT_EQ(s.value(2), 0);
  EXPECT_EQ(a.read_dispatch_id(), 1u);
}

TEST(AqlEngine, PacketsLaunchInOrderBehindABlockedBarrier) {
  AqlFixture f;
  Signals s(f);
  s.init(0, 1);  // the dependency
  s.init(1, 1);  // barrier completion
  s.init(2, 1);  // second packet (BARRIER bit set)
  s.init(3, 1);  // third packet (BARRIER bit clear)
  AqlQueue a = f.create_aql();
  f.put(a, aql::barrier_and({.dep_signal = {s.va(0)}, .completion_signal = s.va(1)}));
  f.put(a, aql::barrier_and({.completion_signal = s.va(2)}));
  f.put(a, aql::barrier_and({.header = no_barrier(), .completion_signal = s.va(3)}));
  f.ring(a);
  f.settle();
  // Nothing behind the unsatisfied barrier starts, barrier bit or not.
  EXPECT_EQ(s.value(1), 1);
  EXPECT_EQ(s.value(2), 1);
  EXPECT_EQ(s.value(3), 1);
  s.value(0) = 0;
  f.settle();
  EXPECT_EQ(s.value(1), 0);
  EXPECT_EQ(s.value(2), 0);
  EXPECT_EQ(s.value(3), 0);
  EXPECT_EQ(a.read_dispatch_id(), 3u);
}

TEST(AqlEngine, CompletionSignalDecrementsWritesTheMailboxAndSetsTheEvent) {
  AqlFixture f;
  Buf page = f.alloc(32768);
  auto ev = f.kfd->create_event({page.handle, kmd::EventType::kSignal, 1, 0});
  ASSERT_TRUE(ev.ok());
  const uint64_t mailbox = page.va + 8ull * ev->event_id;
  Signals s(f);
  s.init(0, 3, mailbox, ev->event_id);
  AqlQueue a = f.create_aql();
  f.submit(a, aql::barrier_and({.completion_signal = s.va(0)}));
  kmd::EventData d;
  d.event_id = ev->event_id;
  auto r = f.kfd->wait_events({std::span(&d, 1), 0, 1000});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, kmd::WaitResult::kComplete);
  EXPECT_EQ(s.value(0), 2);  // decremented by exactly one
  // KFD acknowledged the slot after the interrupt found it written.
  EXPECT_EQ(page.at<uint64_t>(8ull * ev->event_id), ~0ull);
}

TEST(AqlEngine, SignalWithoutMailboxRaisesNoEvent) {
  AqlFixture f;
  Buf page = f.alloc(32768);
  auto ev = f.kfd->create_event({page.handle, kmd::EventType::kSignal, 1, 0});
  ASSERT_TRUE(ev.ok());
  Signals s(f);
  s.init(0, 1);
  AqlQueue a = f.create_aql();
  f.submit(a, aql::barrier_and({.completion_signal = s.va(0)}));
  f.settle();
  EXPECT_EQ(s.value(0), 0);
  kmd::EventData d;
  d.event_id = ev->event_id;
  EXPECT_EQ(*f.kfd->wait_events({std::span(&d, 1), 0, 0}), kmd::WaitResult::kTimeout);
}

TEST(AqlEngine, WaitsOnAPacketPublishedLate) {
  AqlFixture f;
  Signals s(f);
  s.init(0, 1);
  AqlQueue a = f.create_aql();
  const aql::Packet p = aql::barrier_and({.completion_signal = s.va(0)});
  const uint64_t index = f.put(a, p, /*publish=*/false);
  f.ring(a);  // doorbell first, header later: the processor must wait
  f.settle();
  EXPECT_EQ(s.value(0), 1);
  EXPECT_EQ(a.read_dispatch_id(), 0u);
  EXPECT_TRUE(f.outcome(a.q).active());
  a.dword(index, 0) = p[0];
  f.settle();
  EXPECT_EQ(s.value(0), 0);
  EXPECT_EQ(a.read_dispatch_id(), 1u);
}

TEST(AqlEngine, NeverPublishedPacketIsReportedAsAHang) {
  EngineOptions o;
  o.hang_polls = 3;
  AqlFixture f({}, o);
  AqlQueue a = f.create_aql();
  f.put(a, aql::barrier_and({}), /*publish=*/false);
  f.ring(a);
  for (int i = 0; i < 10; ++i) f.sched->poll();
  EXPECT_EQ(f.outcome(a.q).state, QueueState::kHung);
  EXPECT_NE(f.outcome(a.q).message.find("INVALID"), std::string::npos);
}

TEST(AqlEngine, DispatchIdsWrapAroundTheRing) {
  AqlFixture f;
  Signals s(f);
  AqlQueue a = f.create_aql(4096);  // 64 slots
  s.init(0, 150);
  for (int i = 0; i < 150; ++i) {
    f.submit(a, aql::barrier_and({.completion_signal = s.va(0)}));
    if (i % 7 == 0) f.settle();
  }
  f.settle();
  EXPECT_EQ(s.value(0), 0);
  EXPECT_EQ(a.read_dispatch_id(), 150u);
  EXPECT_TRUE(f.outcome(a.q).active());
}

TEST(AqlEngine, VendorPm4IbRunsItsIbThroughThePm4Engine) {
  AqlFixture f;
  Signals s(f);
  s.init(0, 1);
  Buf mem = f.alloc(4096);
  Buf ib = f.alloc(4096);
  std::vector<uint32_t> dw;
  pm4::write_data(dw, {.addr = mem.va}, std::vector<uint32_t>{0xAB, 0xCD});
  pm4::nop(dw, 3);
  pm4::write_data(dw, {.addr = mem.va + 8}, std::vector<uint32_t>{0xEF});
  std::memcpy(ib.host, dw.data(), dw.size() * 4);
  AqlQueue a = f.create_aql();
  f.submit(a, aql::pm4_ib({}, ib.va, static_cast<uint32_t>(dw.size()), s.va(0)));
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(0), 0xABu);
  EXPECT_EQ(mem.at<uint32_t>(4), 0xCDu);
  EXPECT_EQ(mem.at<uint32_t>(8), 0xEFu);
  EXPECT_EQ(s.value(0), 0);
  EXPECT_EQ(a.read_dispatch_id(), 1u);
  // The writes are logged as the AQL queue's.
  bool found = false;
  for (const WrittenRange& w : f.sched->take_written())
    found |= w.queue_id == a.q.id && w.va == mem.va;
  EXPECT_TRUE(found);
}

TEST(AqlEngine, VendorPm4IbFaultNamesBothPackets) {
  AqlFixture f;
  AqlQueue a = f.create_aql();
  f.submit(a, aql::pm4_ib({}, 0x7000000000, 16));
  f.settle();
  EXPECT_EQ(f.outcome(a.q).state, QueueState::kVmFault);
  EXPECT_NE(f.outcome(a.q).packet.find("AMD_AQL_FORMAT_PM4_IB"), std::string::npos);
}

TEST(AqlEngine, KernelDispatchIsUnsupportedUntilTheInterpreterIsWired) {
  AqlFixture f;
  AqlQueue a = f.create_aql();
  f.submit(a, aql::kernel_dispatch({.kernel_object = 0x1000}));
  f.settle();
  EXPECT_EQ(f.outcome(a.q).state, QueueState::kUnsupported);
  EXPECT_EQ(f.outcome(a.q).packet, "KERNEL_DISPATCH");
}

struct RecordingRunner : DispatchRunner {
  KernelDispatch seen;
  DispatchResult run(const KernelDispatch& d, GpuMemory& mem) override {
    seen = d;
    (void)mem.store(d.kernarg_address, uint32_t{0x600D});
    return {};
  }
};

TEST(AqlEngine, KernelDispatchGoesToTheRunner) {
  AqlFixture f;
  RecordingRunner runner;
  f.sched->set_dispatch_runner(&runner);
  Signals s(f);
  s.init(0, 1);
  Buf args = f.alloc(4096);
  AqlQueue a = f.create_aql();
  f.submit(a, aql::kernel_dispatch({.dimensions = 2,
                                    .workgroup_size = {64, 2, 1},
                                    .grid_size = {256, 4, 1},
                                    .kernel_object = 0x1000,
                                    .kernarg_address = args.va,
                                    .completion_signal = s.va(0)}));
  f.settle();
  EXPECT_EQ(args.at<uint32_t>(0), 0x600Du);
  EXPECT_EQ(s.value(0), 0);
  EXPECT_EQ(runner.seen.grid_size[0], 256u);
  EXPECT_EQ(runner.seen.workgroup_size[1], 2u);
  EXPECT_EQ(runner.seen.dimensions, 2u);
  EXPECT_EQ(runner.seen.packet_va, a.q.ring.va);
}

TEST(AqlEngine, ReservedAndUnsupportedPacketTypes) {
  {
    AqlFixture f;
    AqlQueue a = f.create_aql();
    aql::Packet p{};
    p[0] = 7;  // reserved type
    f.submit(a, p);
    f.settle();
    EXPECT_EQ(f.outcome(a.q).state, QueueState::kError);
  }
  {
    AqlFixture f;
    AqlQueue a = f.create_aql();
    aql::Packet p{};
    p[0] = 0 | (2u << 16);  // vendor-specific, AMD format BARRIER_VALUE
    f.submit(a, p);
    f.settle();
    EXPECT_EQ(f.outcome(a.q).state, QueueState::kUnsupported);
    EXPECT_NE(f.outcome(a.q).message.find("BARRIER_VALUE"), std::string::npos);
  }
}

}  // namespace
}  // namespace amdrr::sim::testing

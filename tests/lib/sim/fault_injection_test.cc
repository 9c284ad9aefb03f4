// Fault injection: each kind surfaces as the matching outcome / KFD event
// with the right data, is logged as an injection, and repeats exactly. Also
// the watchdog and the virtual GPU clock behind get_clock_counters.

#include <chrono>
#include <cstdlib>
#include <thread>

#include "lib/pkt/pm4_build.h"
#include "lib/pkt/sdma_build.h"
#include "tests/lib/sim/aql_fixture.h"

namespace amdrr::sim::testing {
namespace {

namespace pm4 = pkt::pm4;
namespace sdma = pkt::sdma;
using Q = kmd::QueueType;

EngineOptions with_plan(const char* spec, uint64_t seed = 1) {
  std::string error;
  auto plan = FaultPlan::parse(spec, &error);
  EXPECT_TRUE(plan.has_value()) << error;
  EngineOptions o;
  o.seed = seed;
  o.hang_polls = 5;
  o.faults = plan.value_or(FaultPlan{});
  return o;
}

TEST(FaultPlan, ParsesTheGrammar) {
  std::string error;
  auto p = FaultPlan::parse(
      "hang:queue=2,packet=5; vmfault:va=0x7f0000001000,gpu=7;drop_signal:n=3;"
      "delay_signal:n=4,polls=100;drop_interrupt:n=1;delay_interrupt:n=2,polls=9;"
      "flip:copy=4,bit=17;poison=0xAB",
      &error);
  ASSERT_TRUE(p.has_value()) << error;
  ASSERT_EQ(p->hangs.size(), 1u);
  EXPECT_EQ(p->hangs[0].queue_id, 2u);
  EXPECT_EQ(p->hangs[0].packet, 5u);
  ASSERT_EQ(p->vm_faults.size(), 1u);
  EXPECT_EQ(p->vm_faults[0].va, 0x7f0000001000u);
  EXPECT_EQ(p->vm_faults[0].gpu_id, 7u);
  ASSERT_EQ(p->signals.size(), 2u);
  EXPECT_EQ(p->signals[1].polls, 100u);
  ASSERT_EQ(p->interrupts.size(), 2u);
  ASSERT_EQ(p->flips.size(), 1u);
  EXPECT_EQ(p->flips[0].bit, 17u);
  EXPECT_EQ(p->poison, 0xAB);
  for (const char* bad : {"hang:queue=2", "nope:n=1", "flip:copy=1,bit=x", "poison=0x100",
                          "drop_signal:n=1,extra=2", "delay_signal:n=1,polls=0", "hang"}) {
    EXPECT_FALSE(FaultPlan::parse(bad, &error).has_value()) << bad;
    EXPECT_FALSE(error.empty());
  }
}

TEST(FaultInjection, EnvironmentPlanIsAppended) {
  ::setenv("AMDRR_SIM_FAULTS", "poison=0x5A", 1);
  AqlFixture f;
  ::unsetenv("AMDRR_SIM_FAULTS");
  EXPECT_EQ(f.sched->fault_plan().poison, 0x5A);
  Buf b = f.alloc(8192);
  EXPECT_EQ(b.host[0], 0x5A);
  EXPECT_EQ(b.host[8191], 0x5A);
}

struct HangRun {
  QueueOutcome outcome;
  std::vector<Injection> log;
  std::vector<uint32_t> mem;
};

HangRun hang_run(uint64_t seed) {
  AqlFixture f(SimProfile{}, with_plan("hang:queue=0,packet=3", seed));
  TestQueue q = f.create_queue(Q::kCompute);
  EXPECT_EQ(q.id, 0u);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> dw;
  for (uint32_t i = 0; i < 5; ++i) {
    pm4::write_data(dw, {.addr = mem.va + 4 * i}, std::vector<uint32_t>{i + 1});
  }
  f.submit(q, dw);
  for (int i = 0; i < 20; ++i) f.sched->poll();
  HangRun r{f.outcome(q), f.sched->take_injections(), {}};
  r.mem.assign(mem.host, mem.host + 5 * 4);
  EXPECT_EQ(r.outcome.packet_va, q.ring.va + 2 * 5 * 4);  // WRITE_DATA of one dword: 5 dwords
  return r;
}

TEST(FaultInjection, HangStopsTheQueueBeforeItsNthPacket) {
  const HangRun a = hang_run(3), b = hang_run(3);
  EXPECT_EQ(a.mem[4], 2u);
  EXPECT_EQ(a.mem[8], 0u);  // packet 3 never ran
  EXPECT_EQ(a.outcome.state, QueueState::kHung);
  EXPECT_EQ(a.outcome.injected, "hang:queue=0,packet=3");
  EXPECT_EQ(a.outcome.packet, "WRITE_DATA");
  EXPECT_NE(a.outcome.message.find("injected hang"), std::string::npos);
  ASSERT_EQ(a.log.size(), 1u);
  EXPECT_EQ(a.log[0].what, "hang:queue=0,packet=3");
  EXPECT_EQ(a.log[0].detail, 3u);
  // Reproducible: the same outcome, log and memory on a second run.
  EXPECT_EQ(b.outcome.message, a.outcome.message);
  EXPECT_EQ(b.outcome.packet_va, a.outcome.packet_va);
  EXPECT_EQ(b.log, a.log);
  EXPECT_EQ(b.mem, a.mem);
}

struct VmFaultRun {
  QueueOutcome outcome;
  kmd::MemoryExceptionData data;
  std::vector<Injection> log;
  uint64_t va = 0;
  uint32_t gpu = 0;
  std::string spec;
};

VmFaultRun vm_fault_run() {
  uint64_t va = 0;
  {
    AqlFixture probe;  // learns the VA the first BO gets
    va = probe.alloc(4096).va;
  }
  VmFaultRun r;
  char spec[64];
  std::snprintf(spec, sizeof spec, "vmfault:va=0x%llx", (unsigned long long)va + 0x10);
  r.spec = spec;
  AqlFixture g(SimProfile{}, with_plan(spec));
  Buf mem = g.alloc(4096);
  EXPECT_EQ(mem.va, va);
  auto ev = g.kfd->create_event({0, kmd::EventType::kMemory, 0, 0});
  EXPECT_TRUE(ev.ok());
  TestQueue q = g.create_queue(Q::kCompute);
  std::vector<uint32_t> dw;
  pm4::write_data(dw, {.addr = mem.va + 0x20}, std::vector<uint32_t>{1});
  g.submit(q, dw);
  g.settle();
  EXPECT_EQ(mem.at<uint32_t>(0x20), 0u);  // the mapping is fine; the plan faulted it
  kmd::EventData d;
  d.event_id = ev->event_id;
  EXPECT_EQ(*g.kfd->wait_events({std::span(&d, 1), 0, 0}), kmd::WaitResult::kComplete);
  r.outcome = g.outcome(q);
  r.data = d.memory_exception_data;
  r.log = g.sched->take_injections();
  r.va = va;
  r.gpu = g.gpus[0];
  return r;
}

TEST(FaultInjection, VmFaultAtAVaRaisesTheMemoryEvent) {
  const VmFaultRun a = vm_fault_run(), b = vm_fault_run();
  EXPECT_EQ(a.outcome.state, QueueState::kVmFault);
  EXPECT_EQ(a.outcome.injected, a.spec);
  ASSERT_TRUE(a.outcome.fault.has_value());
  EXPECT_EQ(a.outcome.fault->va, a.va + 0x20);
  EXPECT_EQ(a.data.gpu_id, a.gpu);
  EXPECT_EQ(a.data.va, a.va);  // KFD reports the page
  EXPECT_TRUE(a.data.not_present);
  ASSERT_EQ(a.log.size(), 1u);
  EXPECT_EQ(a.log[0].va, a.va + 0x20);
  EXPECT_EQ(b.log, a.log);
  EXPECT_EQ(b.outcome.message, a.outcome.message);
}

TEST(FaultInjection, DropAndDelayCompletionSignals) {
  AqlFixture f(SimProfile{}, with_plan("drop_signal:n=2;delay_signal:n=3,polls=4"));
  Signals s(f);
  for (uint32_t i = 0; i < 3; ++i) s.init(i, 1);
  AqlQueue a = f.create_aql();
  for (uint32_t i = 0; i < 3; ++i) f.put(a, aql::barrier_and({.completion_signal = s.va(i)}));
  f.ring(a);
  f.sched->run();  // runs every packet without a poll
  EXPECT_EQ(s.value(0), 0);
  EXPECT_EQ(s.value(1), 1);  // dropped
  EXPECT_EQ(s.value(2), 1);  // delayed
  EXPECT_EQ(a.read_dispatch_id(), 3u);
  for (int i = 0; i < 3; ++i) f.sched->poll();
  EXPECT_EQ(s.value(2), 1);
  f.sched->poll();  // the 4th poll after the packet ran
  EXPECT_EQ(s.value(2), 0);
  EXPECT_EQ(s.value(1), 1);
  auto log = f.sched->take_injections();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].what, "drop_signal:n=2");
  EXPECT_EQ(log[0].va, s.va(1));
  EXPECT_EQ(log[1].what, "delay_signal:n=3,polls=4");
}

TEST(FaultInjection, DroppedInterruptLeavesTheMailboxWrittenAndTheEventUnset) {
  AqlFixture f(SimProfile{}, with_plan("drop_interrupt:n=1;delay_interrupt:n=2,polls=3"));
  Buf page = f.alloc(32768);
  auto ev = f.kfd->create_event({page.handle, kmd::EventType::kSignal, 0, 0});
  ASSERT_TRUE(ev.ok());
  const uint64_t mailbox = page.va + 8ull * ev->event_id;
  TestQueue q = f.create_queue(Q::kSdma);
  std::vector<uint32_t> dw;
  sdma::fence(dw, pkt::SdmaVersion::kV4_4, mailbox, ev->event_id);
  sdma::trap(dw, ev->event_id);
  f.submit(q, dw);
  f.settle();
  kmd::EventData d;
  d.event_id = ev->event_id;
  EXPECT_EQ(*f.kfd->wait_events({std::span(&d, 1), 0, 0}), kmd::WaitResult::kTimeout);
  // Written, never acknowledged.
  EXPECT_EQ(page.at<uint32_t>(8ull * ev->event_id), ev->event_id);

  dw.clear();
  sdma::trap(dw, ev->event_id);  // interrupt 2: delayed by 3 polls
  f.submit(q, dw);
  f.sched->run();  // the TRAP runs, without a poll
  f.sched->poll();
  f.sched->poll();
  EXPECT_EQ(*f.kfd->wait_events({std::span(&d, 1), 0, 0}), kmd::WaitResult::kTimeout);
  f.sched->poll();
  EXPECT_EQ(*f.kfd->wait_events({std::span(&d, 1), 0, 0}), kmd::WaitResult::kComplete);
}

TEST(FaultInjection, FlipABitInTheNthCopy) {
  AqlFixture f(SimProfile{}, with_plan("flip:copy=2,bit=17"));
  Buf src = f.alloc(4096), dst = f.alloc(4096);
  for (int i = 0; i < 4096; ++i) src.host[i] = uint8_t(i * 7);
  TestQueue q = f.create_queue(Q::kSdma);
  std::vector<uint32_t> dw;
  sdma::copy_linear(dw, pkt::SdmaVersion::kV4_4, dst.va, src.va, 1024);
  sdma::copy_linear(dw, pkt::SdmaVersion::kV4_4, dst.va + 1024, src.va + 1024, 1024);
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(std::memcmp(dst.host, src.host, 1024), 0);
  EXPECT_EQ(dst.host[1024 + 2], uint8_t(src.host[1024 + 2] ^ 0x02));  // bit 17 = byte 2, bit 1
  dst.host[1024 + 2] ^= 0x02;
  EXPECT_EQ(std::memcmp(dst.host + 1024, src.host + 1024, 1024), 0);
  auto log = f.sched->take_injections();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].va, dst.va + 1024);
  EXPECT_EQ(log[0].detail, 17u);
}

// A race between two queues plus a plan: the memory and the injection log
// must come out identical on two runs of the same seed.
std::pair<std::vector<uint32_t>, std::vector<Injection>> race(uint64_t seed) {
  AqlFixture f(SimProfile{},
               with_plan("flip:copy=3,bit=5;drop_signal:n=4;delay_interrupt:n=1,polls=2", seed));
  Buf mem = f.alloc(4096), src = f.alloc(4096);
  for (int i = 0; i < 256; ++i) src.at<uint32_t>(4 * i) = 0x1000 + i;
  TestQueue c = f.create_queue(Q::kCompute);
  TestQueue s = f.create_queue(Q::kSdma);
  std::vector<uint32_t> a, b;
  for (uint32_t i = 0; i < 16; ++i) {
    pm4::write_data(a, {.addr = mem.va + 4 * (i % 8)}, std::vector<uint32_t>{i});
    sdma::copy_linear(b, pkt::SdmaVersion::kV4_4, mem.va + 16, src.va + 64 * i, 64);
    sdma::fence(b, pkt::SdmaVersion::kV4_4, mem.va + 512 + 4 * i, i + 1);
  }
  pm4::ReleaseMemGfx9 r;
  r.addr = mem.va + 1024;
  r.data = 0x5EED;
  r.int_sel = 2;
  pm4::release_mem(a, r);
  f.submit(c, a);
  f.submit(s, b);
  f.settle();
  f.settle();
  std::vector<uint32_t> out(mem.host == nullptr ? 0 : 1024);
  std::memcpy(out.data(), mem.host, 4096);
  return {out, f.sched->take_injections()};
}

TEST(FaultInjection, SamePlanAndSeedGiveTheSameEffect) {
  auto [m1, l1] = race(7);
  auto [m2, l2] = race(7);
  EXPECT_EQ(m1, m2);
  EXPECT_EQ(l1, l2);
  EXPECT_EQ(l1.size(), 3u);
}

TEST(Watchdog, ReportsAProgramThatSpinsWithoutCallingIn) {
  EngineOptions o;
  o.doorbell_max_packets = 0;  // a doorbell runs nothing: all work stays pending
  o.watchdog_ms = 30;
  AqlFixture f(SimProfile{}, o);
  std::vector<std::string> said;
  std::mutex mu;
  f.sched->set_watchdog_sink([&](const std::string& m) {
    std::lock_guard lock(mu);
    said.push_back(m);
  });
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> dw;
  pm4::write_data(dw, {.addr = mem.va}, std::vector<uint32_t>{1});
  f.submit(q, dw);
  // Spin on GPU memory without a Kmd call, as a broken program would.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  while (std::chrono::steady_clock::now() < until) {
    if (std::atomic_ref<uint32_t>(mem.at<uint32_t>(0)).load() == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(mem.at<uint32_t>(0), 0u);  // nothing ran: deterministic mode kept its rule
  EXPECT_GE(f.sched->watchdog_reports(), 1u);
  std::lock_guard lock(mu);
  ASSERT_FALSE(said.empty());
  EXPECT_NE(said[0].find("Kmd::poll()"), std::string::npos);
  f.settle();
  EXPECT_EQ(mem.at<uint32_t>(0), 1u);
}

TEST(Watchdog, QuietWhenTheProgramPolls) {
  EngineOptions o;
  o.watchdog_ms = 20;
  AqlFixture f(SimProfile{}, o);
  f.sched->set_watchdog_sink([](const std::string&) {});
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> dw;
  pm4::wait_reg_mem_memory(dw, mem.va, {.function = 3, .reference = 1});
  f.submit(q, dw);
  for (int i = 0; i < 20; ++i) {
    f.sched->poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(f.sched->watchdog_reports(), 0u);
}

TEST(GpuClock, ClockCountersReportTheVirtualClock) {
  AqlFixture f;
  Buf mem = f.alloc(4096);
  TestQueue q = f.create_queue(Q::kCompute);
  std::vector<uint32_t> dw;
  for (int i = 0; i < 10; ++i) pm4::nop(dw, 1);
  pm4::ReleaseMemGfx9 r;
  r.data_sel = 3;  // GPU clock
  r.addr = mem.va;
  pm4::release_mem(dw, r);
  f.submit(q, dw);
  f.settle();
  auto c = f.kfd->get_clock_counters(f.gpus[0]);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->gpu_clock_counter, f.sched->gpu_clock());
  EXPECT_GT(mem.at<uint64_t>(0), 0u);
  EXPECT_LE(mem.at<uint64_t>(0), c->gpu_clock_counter);
  EXPECT_EQ(f.kfd->get_clock_counters(12345)->gpu_clock_counter, 0u);
}

}  // namespace
}  // namespace amdrr::sim::testing

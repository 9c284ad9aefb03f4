// Threaded mode: every engine on its own host thread. These tests assert only
// what threaded mode guarantees (results, faults, hangs, safe teardown), never
// an interleaving.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include "lib/pkt/pm4_build.h"
#include "lib/pkt/sdma_build.h"
#include "tests/lib/sim/engine_fixture.h"

namespace amdrr::sim {
namespace {

namespace pm4 = pkt::pm4;
namespace sdma = pkt::sdma;
using testing::Buf;
using testing::EngineFixture;
using testing::TestQueue;
using Q = kmd::QueueType;
using std::chrono::milliseconds;

EngineOptions threaded(uint32_t hang_ms = 2000) {
  EngineOptions o = EngineFixture::logging();
  o.mode = EngineMode::kThreaded;
  o.hang_ms = hang_ms;
  return o;
}

// The engines write while the test reads: read as the CPU would, atomically.
template <typename T>
T load(Buf& b, uint64_t off) {
  return std::atomic_ref<T>(b.at<T>(off)).load(std::memory_order_acquire);
}

// Spins like a driver (calling poll(), which threaded mode does not need)
// until `done`, for at most `limit`.
bool spin_until(EngineFixture& f, const std::function<bool()>& done,
                milliseconds limit = milliseconds(20000)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    f.kfd->poll();
    std::this_thread::yield();
  }
  return true;
}

TEST(Threaded, ModeComesFromTheEnvironment) {
  ::setenv("AMDRR_SIM_MODE", "threaded", 1);
  EXPECT_EQ(*engine_mode_from_env(), EngineMode::kThreaded);
  ::setenv("AMDRR_SIM_MODE", "deterministic", 1);
  EXPECT_EQ(*engine_mode_from_env(), EngineMode::kDeterministic);
  ::setenv("AMDRR_SIM_MODE", "fast", 1);
  EXPECT_FALSE(engine_mode_from_env().ok());
  ::unsetenv("AMDRR_SIM_MODE");
  EXPECT_EQ(*engine_mode_from_env(), EngineMode::kDeterministic);
}

TEST(Threaded, SdmaFillCopyAndSignalReachTheCpu) {
  EngineFixture f({}, threaded());
  ASSERT_TRUE(f.sched->threaded());
  TestQueue q = f.create_queue(Q::kSdma);
  const uint64_t n = 256 * 1024;
  Buf src = f.alloc(n), dst = f.alloc(n), sig = f.alloc(4096);
  std::vector<uint32_t> s;
  sdma::constant_fill(s, pkt::SdmaVersion::kV4_4, src.va, 0x5A5A5A5A, n);
  sdma::copy_linear(s, pkt::SdmaVersion::kV4_4, dst.va, src.va, n);
  sdma::fence(s, pkt::SdmaVersion::kV4_4, sig.va, 1);
  f.submit(q, s);
  // No poll(): the engine runs on its own.
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(20000);
  while (load<uint32_t>(sig, 0) != 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(load<uint32_t>(sig, 0), 1u);
  EXPECT_EQ(dst.at<uint32_t>(0), 0x5A5A5A5Au);
  EXPECT_EQ(dst.at<uint32_t>(n - 4), 0x5A5A5A5Au);
  EXPECT_TRUE(f.outcome(q).active());
  EXPECT_TRUE(spin_until(f, [&] { return q.rptr() == q.wptr; }));
}

TEST(Threaded, Pm4WriteAndReleaseMem64Bit) {
  EngineFixture f({}, threaded());
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> dw;
  pm4::write_data(dw, {.addr = mem.va}, std::vector<uint32_t>{0xABCD, 0x1234});
  pm4::ReleaseMemGfx9 r;
  r.addr = mem.va + 64;
  r.data_sel = 2;  // 64-bit data
  r.data = 0x1122334455667788ull;
  pm4::release_mem(dw, r);
  f.submit(q, dw);
  ASSERT_TRUE(spin_until(f, [&] { return load<uint64_t>(mem, 64) == r.data; }));
  EXPECT_EQ(mem.at<uint32_t>(0), 0xABCDu);
  EXPECT_EQ(mem.at<uint32_t>(4), 0x1234u);
  EXPECT_TRUE(f.sched->run().quiescent);
  // Every write is logged, whichever thread made it.
  uint64_t bytes = 0;
  for (const WrittenRange& w : f.sched->take_written()) bytes += w.size;
  EXPECT_GE(bytes, 16u);  // the data, the signal (and the read pointer)
}

TEST(Threaded, SdmaWaitsForAValueTheComputeQueueWrites) {
  EngineFixture f({}, threaded());
  TestQueue copy = f.create_queue(Q::kSdma);
  TestQueue compute = f.create_queue(Q::kCompute);
  Buf flag = f.alloc(4096), src = f.alloc(4096), dst = f.alloc(4096);
  std::vector<uint32_t> s;
  sdma::poll_regmem(s, {.addr = flag.va, .value = 1});
  sdma::copy_linear(s, pkt::SdmaVersion::kV4_4, dst.va, src.va, 4096);
  sdma::fence(s, pkt::SdmaVersion::kV4_4, flag.va + 8, 7);
  f.submit(copy, s);  // rung first: it must wait for the compute queue
  std::this_thread::sleep_for(milliseconds(5));
  EXPECT_EQ(load<uint32_t>(dst, 0), 0u);
  std::vector<uint32_t> c;
  pm4::write_data(c, {.addr = src.va}, std::vector<uint32_t>{0xC0FFEE});
  pm4::write_data(c, {.addr = flag.va}, std::vector<uint32_t>{1});
  f.submit(compute, c);
  ASSERT_TRUE(spin_until(f, [&] { return load<uint32_t>(flag, 8) == 7; }));
  EXPECT_EQ(dst.at<uint32_t>(0), 0xC0FFEEu);
  EXPECT_TRUE(f.outcome(copy).active());
  EXPECT_TRUE(f.outcome(compute).active());
}

TEST(Threaded, AWaitTheCpuSatisfiesLaterIsNoHang) {
  EngineFixture f({}, threaded(2000));
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> dw;
  pm4::wait_reg_mem_memory(dw, mem.va, {.function = 3, .reference = 1});
  pm4::write_data(dw, {.addr = mem.va + 4}, std::vector<uint32_t>{2});
  f.submit(q, dw);
  std::this_thread::sleep_for(milliseconds(20));
  // A plain CPU store, no Kmd call: the blocked engine re-reads on its own.
  std::atomic_ref<uint32_t>(mem.at<uint32_t>(0)).store(1, std::memory_order_release);
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(20000);
  while (load<uint32_t>(mem, 4) != 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  EXPECT_EQ(load<uint32_t>(mem, 4), 2u);
  EXPECT_TRUE(f.outcome(q).active());
}

TEST(Threaded, RingWrapsAndWaitsForTheReadPointer) {
  EngineFixture f({}, threaded());
  TestQueue q = f.create_queue(Q::kCompute, 1024);
  Buf mem = f.alloc(4096);
  const uint32_t kPackets = 400;  // 5 dwords each: ~8 trips round the ring
  for (uint32_t i = 1; i <= kPackets; ++i) {
    // Room for one packet: the ring holds 256 dwords.
    ASSERT_TRUE(spin_until(f, [&] {
      const uint64_t r = std::atomic_ref<uint64_t>(q.rptr_ref()).load();
      return q.wptr + 5 - r <= 256;
    }));
    std::vector<uint32_t> dw;
    pm4::write_data(dw, {.addr = mem.va + 4 * (i % 16)}, std::vector<uint32_t>{i});
    f.submit(q, dw);
  }
  ASSERT_TRUE(spin_until(f, [&] { return load<uint32_t>(mem, 4 * (kPackets % 16)) == kPackets; }));
  for (uint32_t k = 0; k < 16; ++k) {
    const uint32_t last = kPackets - (kPackets - k) % 16;  // last i with i % 16 == k
    EXPECT_EQ(load<uint32_t>(mem, 4 * k), last) << k;
  }
  EXPECT_TRUE(f.outcome(q).active());
}

// Two compute queues write one word with no wait between them (as
// samples/fault_race.cc): either may win. Guaranteed: one of the two values,
// no fault, no hang, whatever the timing.
TEST(Threaded, ARaceEndsWithOneOfTheWritersAndNeverHangs) {
  std::set<uint32_t> seen;
  for (int run = 0; run < 40; ++run) {
    EngineFixture f({}, threaded());
    TestQueue a = f.create_queue(Q::kCompute), b = f.create_queue(Q::kCompute);
    Buf mem = f.alloc(4096);
    for (uint32_t i = 0; i < 2; ++i) {
      std::vector<uint32_t> dw;
      for (int k = 0; k < 16; ++k) {
        pm4::write_data(dw, {.addr = mem.va}, std::vector<uint32_t>{i + 1});
        pm4::nop(dw, 2);
      }
      pm4::write_data(dw, {.addr = mem.va + 64 + 4 * i}, std::vector<uint32_t>{1});
      f.write_ring(i ? b : a, dw);
    }
    f.ring_doorbell(a);
    f.ring_doorbell(b);
    ASSERT_TRUE(spin_until(
        f, [&] { return load<uint32_t>(mem, 64) == 1 && load<uint32_t>(mem, 68) == 1; }));
    const uint32_t v = load<uint32_t>(mem, 0);
    EXPECT_TRUE(v == 1 || v == 2) << v;
    seen.insert(v);
    EXPECT_TRUE(f.outcome(a).active());
    EXPECT_TRUE(f.outcome(b).active());
  }
  // Informational: which outcomes this machine produced.
  std::printf("threaded race outcomes seen: %zu of 2\n", seen.size());
}

TEST(Threaded, AWaitNoOneSatisfiesIsAHangNamingThePacket) {
  EngineFixture f({}, threaded(100));
  TestQueue q = f.create_queue(Q::kCompute);
  TestQueue busy = f.create_queue(Q::kSdma);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> dw;
  pm4::nop(dw, 3);
  pm4::wait_reg_mem_memory(dw, mem.va, {.function = 3, .reference = 1});
  f.submit(q, dw);
  std::vector<uint32_t> s;
  sdma::constant_fill(s, pkt::SdmaVersion::kV4_4, mem.va + 64, 2, 64);
  f.submit(busy, s);
  ASSERT_TRUE(spin_until(f, [&] { return f.outcome(q).state == QueueState::kHung; }));
  EXPECT_EQ(f.outcome(q).packet, "WAIT_REG_MEM");
  EXPECT_EQ(f.outcome(q).packet_va, q.ring.va + 4 * 4);
  EXPECT_TRUE(f.outcome(busy).active());
  EXPECT_EQ(load<uint32_t>(mem, 124), 2u);
  ASSERT_EQ(f.sched->stopped_queues().size(), 1u);
}

TEST(Threaded, AnInjectedHangStopsTheQueueAtItsNthPacket) {
  EngineOptions o = threaded(100);
  std::string error;
  o.faults = *FaultPlan::parse("hang:queue=0,packet=3", &error);
  EngineFixture f({}, o);
  TestQueue q = f.create_queue(Q::kCompute);
  ASSERT_EQ(q.id, 0u);
  Buf mem = f.alloc(4096);
  std::vector<uint32_t> dw;
  for (uint32_t i = 1; i <= 4; ++i) {
    pm4::write_data(dw, {.addr = mem.va + 4 * i}, std::vector<uint32_t>{i});
  }
  f.submit(q, dw);
  ASSERT_TRUE(spin_until(f, [&] { return f.outcome(q).state == QueueState::kHung; }));
  EXPECT_EQ(f.outcome(q).injected, "hang:queue=0,packet=3");
  EXPECT_EQ(load<uint32_t>(mem, 8), 2u);
  EXPECT_EQ(load<uint32_t>(mem, 12), 0u);  // packet 3 never ran
  const auto log = f.sched->take_injections();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].detail, 3u);
}

TEST(Threaded, AVmFaultRaisesTheMemoryEventAndEvictsTheGpusQueues) {
  EngineFixture f({}, threaded());
  auto ev = f.kfd->create_event({0, kmd::EventType::kMemory, 0, 0});
  ASSERT_TRUE(ev.ok());
  TestQueue bad = f.create_queue(Q::kCompute);
  TestQueue other = f.create_queue(Q::kSdma);
  const uint64_t unmapped = 0x7F0000001000ull;
  std::vector<uint32_t> dw;
  pm4::write_data(dw, {.addr = unmapped + 0x20}, std::vector<uint32_t>{1});
  f.submit(bad, dw);
  kmd::EventData d;
  d.event_id = ev->event_id;
  auto r = f.kfd->wait_events({std::span(&d, 1), 0, 20000});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(*r, kmd::WaitResult::kComplete);
  EXPECT_EQ(d.memory_exception_data.gpu_id, f.gpus[0]);
  EXPECT_EQ(d.memory_exception_data.va, unmapped);
  EXPECT_TRUE(d.memory_exception_data.not_present);
  // The fault is reported after the faulting queue stopped; the eviction of
  // the others follows at once.
  ASSERT_TRUE(spin_until(f, [&] { return f.outcome(other).state == QueueState::kEvicted; }));
  EXPECT_EQ(f.outcome(bad).state, QueueState::kVmFault);
  ASSERT_TRUE(f.outcome(bad).fault.has_value());
  EXPECT_EQ(f.outcome(bad).fault->va, unmapped + 0x20);
}

// A self-chained IB: the engine never runs out of packets.
void submit_endless(EngineFixture& f, TestQueue& q, Buf& ib) {
  std::vector<uint32_t> body;
  pm4::nop(body, 1);
  pm4::indirect_buffer(body, {.addr = ib.va, .size_dwords = 6, .chain = true});
  std::memcpy(ib.host, body.data(), body.size() * 4);
  std::vector<uint32_t> dw;
  pm4::indirect_buffer(dw, {.addr = ib.va, .size_dwords = 6});
  f.submit(q, dw);
}

TEST(Threaded, DestroyingAQueueWhileItsEngineRunsIsSafe) {
  EngineFixture f({}, threaded());
  TestQueue spin = f.create_queue(Q::kCompute);
  TestQueue wait = f.create_queue(Q::kCompute);
  TestQueue keep = f.create_queue(Q::kSdma);
  Buf ib = f.alloc(4096), mem = f.alloc(4096);
  submit_endless(f, spin, ib);
  std::vector<uint32_t> dw;
  pm4::wait_reg_mem_memory(dw, mem.va, {.function = 3, .reference = 1});
  f.submit(wait, dw);
  std::this_thread::sleep_for(milliseconds(10));
  EXPECT_FALSE(f.sched->run(50).quiescent);  // the endless one keeps running
  ASSERT_TRUE(f.kfd->destroy_queue(spin.id).ok());
  ASSERT_TRUE(f.kfd->destroy_queue(wait.id).ok());
  // The engines are gone: their rings may be freed and rewritten.
  std::memset(ib.host, 0xFF, 4096);
  EXPECT_TRUE(f.sched->run().quiescent);
  EXPECT_EQ(f.kfd->counts().queues, 1u);
  // The remaining queue still works.
  std::vector<uint32_t> s;
  sdma::fence(s, pkt::SdmaVersion::kV4_4, mem.va + 8, 3);
  f.submit(keep, s);
  EXPECT_TRUE(spin_until(f, [&] { return load<uint32_t>(mem, 8) == 3; }));
  EXPECT_TRUE(f.outcome(spin).active());  // unknown queue: no outcome
}

TEST(Threaded, TearingDownWithRunningEnginesIsSafe) {
  for (int i = 0; i < 5; ++i) {
    EngineFixture f({}, threaded());
    TestQueue a = f.create_queue(Q::kCompute), b = f.create_queue(Q::kCompute);
    Buf ib = f.alloc(4096), mem = f.alloc(4096);
    submit_endless(f, a, ib);
    std::vector<uint32_t> dw;
    pm4::wait_reg_mem_memory(dw, mem.va, {.function = 3, .reference = 1});
    f.submit(b, dw);
    // The scheduler goes first (declared last in the fixture): it joins.
  }
}

TEST(Threaded, TheGpuClockIsTheHostClockAt100MHz) {
  EngineFixture f({}, threaded());
  TestQueue q = f.create_queue(Q::kCompute);
  Buf mem = f.alloc(4096);
  const uint64_t before = GpuClock::host_ticks();
  std::vector<uint32_t> dw;
  pm4::ReleaseMemGfx9 r;
  r.addr = mem.va;
  r.data_sel = 3;  // GPU clock
  pm4::release_mem(dw, r);
  pm4::write_data(dw, {.addr = mem.va + 8}, std::vector<uint32_t>{1});
  f.submit(q, dw);
  ASSERT_TRUE(spin_until(f, [&] { return load<uint32_t>(mem, 8) == 1; }));
  const uint64_t after = GpuClock::host_ticks();
  const uint64_t stamp = load<uint64_t>(mem, 0);
  EXPECT_GE(stamp, before);
  EXPECT_LE(stamp, after);
  const uint64_t c0 = f.sched->gpu_clock();
  std::this_thread::sleep_for(milliseconds(5));
  EXPECT_GE(f.sched->gpu_clock() - c0, 5u * GpuClock::kHz / 1000);
  auto counters = f.kfd->get_clock_counters(f.gpus[0]);
  ASSERT_TRUE(counters.ok());
  EXPECT_GE(counters->gpu_clock_counter, after);
}

}  // namespace
}  // namespace amdrr::sim

// AqlQueue on the emulated GPU: the amd_queue_t it builds, kernel dispatch
// with partial workgroups and completion signals, barriers, timeline signals
// and waits through PM4-IB packets, timestamps, ring wrap, and every misuse.
#include "lib/driver/aql_queue.h"

#include <gtest/gtest.h>

#include <cstring>

#include "lib/driver/error.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"
#include "lib/pkt/aql_table.h"

namespace amdrr {
namespace {

std::unique_ptr<System> sim_system(uint32_t gpus = 1) {
  SystemOptions options;
  options.backend = Backend::kSim;
  options.sim_profile.num_gpus = gpus;
  return System::open(options);
}

std::string kernel_path() {
  return std::string(AMDRR_DRIVER_GEN_DIR) + "/args_gfx942.co";
}

#define EXPECT_ERROR(stmt, text)                                                  \
  do {                                                                            \
    try {                                                                         \
      stmt;                                                                       \
      ADD_FAILURE() << #stmt " did not throw";                                    \
    } catch (const Error& e) {                                                    \
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what(); \
    }                                                                             \
  } while (0)

// Runs the engines for a while without waiting on anything: fewer polls
// than the emulator's hang_polls, after which a wait that only the CPU can
// satisfy is reported as a hang.
void spin(System& system, int polls = 200) {
  for (int i = 0; i < polls; ++i) system.kmd().poll();
}

TEST(AqlQueue, ControlPageIsAnAmdQueueAndTheRingStartsInvalid) {
  auto system = sim_system();
  Device& dev = system->device(0);
  QueueOptions options;
  options.ring_bytes = 4096;
  auto q = AqlQueue::create(dev, options);
  EXPECT_EQ(q->kind(), QueueKind::kAql);
  const uint8_t* page = dev.find(q->amd_queue_va()).data();
  auto u32 = [&](uint64_t at) {
    uint32_t v;
    std::memcpy(&v, page + at, 4);
    return v;
  };
  auto u64 = [&](uint64_t at) {
    uint64_t v;
    std::memcpy(&v, page + at, 8);
    return v;
  };
  EXPECT_EQ(u32(amd_queue::kType), amd_queue::kTypeSingle);
  EXPECT_EQ(u32(amd_queue::kFeatures), amd_queue::kFeatureKernelDispatch);
  EXPECT_EQ(u64(amd_queue::kBaseAddress), q->ring().va());
  EXPECT_EQ(u32(amd_queue::kSize), 64u);
  EXPECT_EQ(u64(amd_queue::kId), q->id());
  EXPECT_EQ(u64(kWritePointerOffset), 0u);
  EXPECT_EQ(u64(kReadPointerOffset), 0u);
  EXPECT_EQ(u32(amd_queue::kReadDispatchIdFieldBaseByteOffset), 128u);
  EXPECT_EQ(u32(amd_queue::kQueueProperties), amd_queue::kPropertyIsPtr64);
  EXPECT_GT(u32(amd_queue::kMaxCuId), 0u);
  EXPECT_GT(u32(amd_queue::kMaxWaveId), 0u);
  for (uint64_t slot = 0; slot < q->ring_packets(); ++slot) {
    uint16_t header;
    std::memcpy(&header, q->ring().data() + slot * 64, 2);
    ASSERT_EQ(header & 0xFF, pkt::aql::kTypeInvalid) << "slot " << slot;
  }
}

// grid 100 with workgroups of 64: the last workgroup has 36 work-items.
TEST(AqlQueue, DispatchRunsAPartialLastWorkgroupAndDecrementsItsCompletionSignal) {
  auto system = sim_system();
  Device& dev = system->device(0);
  Program program = Program::load_file(dev, kernel_path());
  KernelHandle scale = program.kernel("scale");
  auto q = AqlQueue::create(dev);
  Buffer in = dev.alloc(4096, Memory::kGtt, "in");
  Buffer out = dev.alloc(4096, Memory::kGtt, "out");
  for (int i = 0; i < 1024; ++i) in.as<float>()[i] = static_cast<float>(i);
  out.fill(0, 4096, 0xFF);
  KernelArgs args(scale);
  args.set(0, out).set(1, in.va()).set(2, 2.0f).set(3, int32_t{1000}).set(4, uint32_t{0});
  LaunchDims dims;
  dims.grid[0] = 100;
  Signal done = system->make_signal(1);
  q->dispatch(scale, args, dims, &done).submit();
  done.wait_equal(0);
  EXPECT_EQ(done.value(), 0u);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(out.as<float>()[i], 2.0f * i) << i;
  for (int i = 100; i < 128; ++i) ASSERT_EQ(out.as<uint32_t>()[i], 0xFFFFFFFFu) << i;
  EXPECT_EQ(q->read_dispatch_id(), q->write_dispatch_id());
  // Dispatches keep working once kernargs are recycled (the arena retires
  // regions by the queue's progress timeline).
  for (int round = 0; round < 600; ++round) {
    args.set(2, static_cast<float>(round));
    q->dispatch(scale, args, dims);
    if (round % 50 == 49) q->submit();
  }
  q->finish();
  EXPECT_EQ(out.as<float>()[99], 599.0f * 99);
}

TEST(AqlQueue, BarrierAndWaitsForEverySignalAndSplitsOverFive) {
  auto system = sim_system();
  Device& dev = system->device(0);
  auto q = AqlQueue::create(dev);
  std::vector<Signal> deps;
  std::vector<const Signal*> ptrs;
  for (int i = 0; i < 7; ++i) deps.push_back(system->make_signal(1));
  for (auto& s : deps) ptrs.push_back(&s);
  Signal done = system->make_signal(1);
  Signal after = system->make_signal(0);
  q->barrier_and(ptrs, &done).signal(after, 7).submit();
  // Two barriers, the PM4-IB of signal(), and the PM4-IB that retires the
  // queue's arena.
  EXPECT_EQ(q->write_dispatch_id(), 4u);
  for (int i = 0; i < 6; ++i) {
    deps[i].set(0);
    spin(*system);
    EXPECT_EQ(after.value(), 0u) << "ran with dependency " << i + 1 << " still pending";
  }
  deps[6].set(0);
  done.wait_equal(0);
  after.wait_at_least(7);
}

TEST(AqlQueue, BarrierOrWaitsForAnyOneSignal) {
  auto system = sim_system();
  Device& dev = system->device(0);
  auto q = AqlQueue::create(dev);
  Signal a = system->make_signal(1), b = system->make_signal(1);
  Signal after = system->make_signal(0);
  q->barrier_or({&a, &b}).signal(after, 1).submit();
  spin(*system);
  EXPECT_EQ(after.value(), 0u);
  b.set(0);
  after.wait_at_least(1);
  EXPECT_EQ(a.value(), 1u);
}

// The AQL queue waits on a timeline the SDMA queue signals: ordered only on
// the GPU, through the PM4-IB vendor packet's WAIT_REG_MEM.
TEST(AqlQueue, TimelineWaitAndSignalThroughPm4Ib) {
  auto system = sim_system();
  Device& dev = system->device(0);
  auto q = AqlQueue::create(dev);
  auto sdma = SdmaQueue::create(dev);
  Signal ready = system->make_signal(0);
  Signal done = system->make_signal(0);
  const uint64_t big = (3ull << 32) | 11;
  q->wait(ready, 5).signal(done, big).submit();
  spin(*system);
  EXPECT_EQ(done.value(), 0u);
  sdma->signal(ready, 5).submit();
  done.wait_at_least(big);
  EXPECT_EQ(done.value(), big);  // RELEASE_MEM wrote all 64 bits
}

TEST(AqlQueue, TimestampsBracketWorkAndComeFromTheGpuClock) {
  auto system = sim_system();
  Device& dev = system->device(0);
  Program program = Program::load_file(dev, kernel_path());
  KernelHandle fill = program.kernel("fill");
  auto q = AqlQueue::create(dev);
  Buffer ts = dev.alloc(4096, Memory::kGttCoherent, "timestamps");
  Buffer out = dev.alloc(4096, Memory::kGtt, "out");
  auto before = system->kmd().get_clock_counters(dev.gpu_id());
  ASSERT_TRUE(before.ok());
  KernelArgs args(fill);
  args.set(0, out).set(1, int32_t{42});
  LaunchDims dims;
  dims.grid[0] = 64;
  q->timestamp(ts.va()).dispatch(fill, args, dims).timestamp(ts.va() + 8);
  q->finish();
  auto after = system->kmd().get_clock_counters(dev.gpu_id());
  ASSERT_TRUE(after.ok());
  const uint64_t t0 = ts.as<uint64_t>()[0], t1 = ts.as<uint64_t>()[1];
  EXPECT_GE(t0, before->gpu_clock_counter);
  EXPECT_GT(t1, t0);
  EXPECT_LE(t1, after->gpu_clock_counter);
  EXPECT_EQ(out.as<int32_t>()[63], 42);
  EXPECT_THROW(q->timestamp(ts.va() + 4), Error);
}

TEST(AqlQueue, RingWrapsAndWaitsForReadDispatchId) {
  auto system = sim_system();
  Device& dev = system->device(0);
  QueueOptions small;
  small.ring_bytes = 256;  // four packets
  auto q = AqlQueue::create(dev, small);
  Signal s = system->make_signal(0);
  // One batch of 40 packets: written 4 at a time as the packet processor
  // frees slots, never over an unread one.
  for (uint32_t i = 1; i <= 40; ++i) q->signal(s, i);
  q->submit();
  s.wait_at_least(40);
  for (uint32_t i = 41; i <= 80; ++i) q->signal(s, i).submit();
  q->finish();
  EXPECT_EQ(s.value(), 80u);
  EXPECT_GT(q->write_dispatch_id(), 80u);
  EXPECT_EQ(q->read_dispatch_id(), q->write_dispatch_id());
}

TEST(AqlQueue, MisuseIsAClearError) {
  auto system = sim_system(2);
  Device& dev = system->device(0);
  Program program = Program::load_file(dev, kernel_path());
  KernelHandle fill = program.kernel("fill");
  KernelHandle scale = program.kernel("scale");
  auto q = AqlQueue::create(dev);
  Buffer out = dev.alloc(4096, Memory::kGtt);
  KernelArgs args(fill);
  args.set(0, out).set(1, int32_t{1});

  LaunchDims dims;
  dims.dimensions = 0;
  EXPECT_ERROR(q->dispatch(fill, args, dims), "dimensions is 0; expected 1, 2 or 3");
  dims.dimensions = 4;
  EXPECT_ERROR(q->dispatch(fill, args, dims), "dimensions is 4");
  dims = {};
  dims.grid[0] = 0;
  EXPECT_ERROR(q->dispatch(fill, args, dims), "grid and workgroup x must be at least 1");
  dims = {};
  dims.grid[1] = 8;
  EXPECT_ERROR(q->dispatch(fill, args, dims), "must be 1 in a 1-dimensional dispatch");
  dims = {};
  dims.workgroup[0] = 2048;
  EXPECT_ERROR(q->dispatch(fill, args, dims), "max_flat_workgroup_size");
  dims = {};
  EXPECT_ERROR(q->dispatch(scale, args, dims), "the arguments were built for kernel fill");
  EXPECT_ERROR(q->dispatch(KernelHandle{}, args, dims), "KernelHandle is empty");
  // A wrong-size argument is refused when it is set.
  EXPECT_ERROR(args.set(1, 1.0), "argument 1 of kernel fill (by_value) is 4 bytes, not 8");
  // A kernel loaded on another GPU.
  Program other = Program::load_file(system->device(1), kernel_path());
  KernelHandle fill1 = other.kernel("fill");
  KernelArgs args1(fill1);
  args1.set(0, out).set(1, int32_t{1});
  EXPECT_ERROR(q->dispatch(fill1, args1, dims), "not loaded on GPU 0");
  // Barriers.
  Signal s = system->make_signal(1);
  EXPECT_ERROR(q->barrier_or({}), "with 0 signals: expected 1 to 5");
  EXPECT_ERROR(q->barrier_or({&s, &s, &s, &s, &s, &s}), "with 6 signals");
  EXPECT_ERROR(q->barrier_and({&s, nullptr}), "dependency 1 is null");
  Signal empty;
  EXPECT_ERROR(q->signal(empty, 1), "empty Signal");
  const uint32_t raw[] = {0};
  EXPECT_ERROR(q->append(raw), "AQL queues take 64-byte packets");
  QueueOptions tiny;
  tiny.ring_bytes = 128;
  EXPECT_ERROR(AqlQueue::create(dev, tiny), "a power of two of at least 256 bytes");
  // Nothing half-built was queued by the failed calls.
  EXPECT_EQ(q->pending_packets(), 0u);
  // A dead queue.
  q->destroy();
  EXPECT_ERROR(q->dispatch(fill, args, dims), "dispatch on AQL compute queue");
  EXPECT_ERROR(q->signal(s, 1), "after it was destroyed");
  EXPECT_ERROR(q->wait(s, 1), "after it was destroyed");
  EXPECT_ERROR(q->barrier_and({&s}), "after it was destroyed");
  EXPECT_ERROR(q->timestamp(0), "after it was destroyed");
  EXPECT_ERROR(q->submit(), "after it was destroyed");
  EXPECT_ERROR(q->finish(), "after it was destroyed");
}

TEST(Signal, WaitEqualSaysWhenACompletionSignalWentPastZero) {
  auto system = sim_system();
  Device& dev = system->device(0);
  auto q = AqlQueue::create(dev);
  Signal done = system->make_signal(1);
  // Two packets decrement a signal that counted one.
  q->barrier_and({}, &done).barrier_and({}, &done).submit();
  q->finish();
  EXPECT_ERROR(done.wait_equal(0, std::chrono::milliseconds(50)), "went past the target");
}

}  // namespace
}  // namespace amdrr

// Queues on the emulated GPU: SDMA copies and fills, PM4 writes, signals
// across queues and GPUs, ring wrap and back-pressure, and misuse.
#include <gtest/gtest.h>

#include <cstring>
#include <numeric>

#include "lib/driver/compute_queue.h"
#include "lib/driver/error.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"

namespace amdrr {
namespace {

std::unique_ptr<System> sim_system(uint32_t gpus = 1) {
  SystemOptions options;
  options.backend = Backend::kSim;
  options.sim_profile.num_gpus = gpus;
  return System::open(options);
}

std::vector<uint8_t> pattern(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>((i * 131 + seed) >> 3);
  return v;
}

TEST(SdmaQueue, FillCopyAndSignalReachTheCpu) {
  auto system = sim_system();
  Device& dev = system->device(0);
  auto q = SdmaQueue::create(dev);
  Buffer src = dev.alloc(1 << 20, Memory::kGtt, "src");
  Buffer mid = dev.alloc(1 << 20, Memory::kVram, "mid");
  Buffer dst = dev.alloc(1 << 20, Memory::kGtt, "dst");
  auto bytes = pattern(1 << 20, 7);
  src.write(0, bytes);
  Signal done = system->make_signal(0);
  q->fill(dst.va(), 0xdeadbeef, 1 << 20).copy(mid, src, 1 << 20).copy(dst, mid, 1 << 20);
  q->signal(done, 1).submit();
  done.wait_at_least(1);
  std::vector<uint8_t> out(1 << 20);
  dst.read(0, out);
  EXPECT_EQ(out, bytes);
}

TEST(SdmaQueue, CopyLargerThanOnePacketIsSplit) {
  auto system = sim_system();
  Device& dev = system->device(0);
  auto q = SdmaQueue::create(dev);
  const uint64_t size = dev.target().sdma_max_copy_size * 2 + 4096;
  Buffer src = dev.alloc(size, Memory::kGtt);
  Buffer dst = dev.alloc(size, Memory::kGtt);
  auto bytes = pattern(size, 3);
  src.write(0, bytes);
  Signal done = system->make_signal(0);
  q->copy(dst, src, size).signal(done, 5).submit();
  done.wait_at_least(5);
  EXPECT_EQ(std::memcmp(dst.data(), bytes.data(), size), 0);
}

TEST(ComputeQueue, WriteAndSignal64Bit) {
  auto system = sim_system();
  Device& dev = system->device(0);
  auto q = ComputeQueue::create(dev);
  Buffer out = dev.alloc(4096, Memory::kGttCoherent);
  Signal s = system->make_signal(0);
  const uint32_t data[] = {1, 2, 3};
  const uint64_t big = (7ull << 32) | 9;
  q->write(out.va() + 16, data).signal(s, big).submit();
  s.wait_at_least(big);
  EXPECT_EQ(s.value(), big);
  EXPECT_EQ(out.as<uint32_t>()[5], 2u);
}

// SDMA waits on a value the compute queue writes: ordered only on the GPU.
TEST(Queues, SdmaWaitsForComputeSignal) {
  auto system = sim_system();
  Device& dev = system->device(0);
  auto compute = ComputeQueue::create(dev);
  auto sdma = SdmaQueue::create(dev);
  Buffer a = dev.alloc(4096, Memory::kGtt);
  Buffer b = dev.alloc(4096, Memory::kGtt);
  Signal ready = system->make_signal(0);
  Signal done = system->make_signal(0);
  sdma->wait(ready, 1).copy(b, a, 4096).signal(done, 1).submit();
  const uint32_t value[] = {0x1234};
  compute->write(a.va(), value).signal(ready, 1).submit();
  done.wait_at_least(1);
  EXPECT_EQ(b.as<uint32_t>()[0], 0x1234u);
}

TEST(Queues, CopyAcrossGpusOverXgmi) {
  auto system = sim_system(2);
  Device& g0 = system->device(0);
  Device& g1 = system->device(1);
  Buffer src = g0.alloc(65536, Memory::kVramHostVisible, "on gpu0");
  Buffer dst = g1.alloc(65536, Memory::kVramHostVisible, "on gpu1");
  auto bytes = pattern(65536, 11);
  src.write(0, bytes);
  auto q = SdmaQueue::create(g0, {}, /*xgmi=*/true);
  Signal done = system->make_signal(0);
  q->copy(dst, src, 65536).signal(done, 1).submit();
  done.wait_at_least(1);
  EXPECT_EQ(std::memcmp(dst.data(), bytes.data(), bytes.size()), 0);
}

TEST(Queues, RingWrapsAndWaitsForTheReadPointer) {
  auto system = sim_system();
  Device& dev = system->device(0);
  QueueOptions small;
  small.ring_bytes = 1024;
  auto q = SdmaQueue::create(dev, small);
  Buffer dst = dev.alloc(4096, Memory::kGtt);
  Signal s = system->make_signal(0);
  // Far more than the ring holds: each submit must wait for room and wrap.
  for (uint32_t i = 1; i <= 200; ++i) {
    q->fill(dst.va() + (i % 1024) * 4, i, 4).signal(s, i).submit();
  }
  s.wait_at_least(200);
  EXPECT_GT(q->written_bytes(), 10u * 1024);
  EXPECT_EQ(dst.as<uint32_t>()[200], 200u);
}

TEST(Queues, MisuseIsAClearError) {
  auto system = sim_system();
  Device& dev = system->device(0);
  QueueOptions odd;
  odd.ring_bytes = 1000;
  EXPECT_THROW(SdmaQueue::create(dev, odd), Error);
  auto q = SdmaQueue::create(dev);
  EXPECT_THROW(q->fill(0x1000, 0, 3), Error);
  Buffer small = dev.alloc(4096, Memory::kGtt);
  EXPECT_THROW(q->copy(small, small, 8192), Error);
  q->destroy();
  EXPECT_THROW(q->submit(), Error);
  EXPECT_THROW(q->destroy(), Error);
}

}  // namespace
}  // namespace amdrr

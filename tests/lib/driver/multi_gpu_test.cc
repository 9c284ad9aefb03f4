// Four emulated GPUs in one xGMI hive: peer mappings, xGMI copies between
// every ordered pair, and signals released on one GPU's queue that hold
// another GPU's queues.
#include <gtest/gtest.h>

#include <cstring>

#include "lib/driver/aql_queue.h"
#include "lib/driver/compute_queue.h"
#include "lib/driver/error.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr {
namespace {

constexpr uint32_t kGpus = 4;

std::unique_ptr<System> four_gpus() {
  SystemOptions options;
  options.backend = Backend::kSim;
  options.sim_profile.num_gpus = kGpus;
  return System::open(options);
}

std::vector<uint8_t> pattern(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>((i * 131 + seed * 17) >> 2);
  return v;
}

TEST(MultiGpu, PeerMappingsShowTheSameBytesAtTheSameAddress) {
  auto system = four_gpus();
  ASSERT_EQ(system->device_count(), kGpus);
  for (uint32_t owner = 0; owner < kGpus; ++owner) {
    Device& dev = system->device(owner);
    Buffer b = dev.alloc(8192, Memory::kVramHostVisible, "shared");
    auto bytes = pattern(8192, owner);
    b.write(0, bytes);
    for (uint32_t peer = 0; peer < kGpus; ++peer) {
      if (peer == owner) continue;
      std::vector<uint8_t> seen(8192);
      const uint32_t peer_id = system->device(peer).gpu_id();
      // Not mapped there yet: a VM fault, not the bytes.
      EXPECT_TRUE(system->sim()->gpu_read(peer_id, b.va(), seen).has_value());
      b.map_to(system->device(peer));
      ASSERT_FALSE(system->sim()->gpu_read(peer_id, b.va(), seen).has_value());
      EXPECT_EQ(seen, bytes) << "GPU " << peer << " reading GPU " << owner << "'s buffer";
    }
  }
}

TEST(MultiGpu, XgmiCopiesBetweenEveryPair) {
  auto system = four_gpus();
  constexpr uint64_t kSize = 64 * 1024;
  std::vector<Buffer> src, dst;
  for (uint32_t g = 0; g < kGpus; ++g) {
    Device& dev = system->device(g);
    src.push_back(dev.alloc(kSize, Memory::kVramHostVisible, "src"));
    src.back().write(0, pattern(kSize, g));
    // One slot per source GPU in each destination.
    dst.push_back(dev.alloc(kSize * kGpus, Memory::kVramHostVisible, "dst"));
  }
  std::vector<std::unique_ptr<SdmaQueue>> queues;
  Signal done = system->make_signal(0);
  for (uint32_t from = 0; from < kGpus; ++from) {
    queues.push_back(SdmaQueue::create(system->device(from), {}, /*xgmi=*/true));
    for (uint32_t to = 0; to < kGpus; ++to) {
      if (to == from) continue;
      dst[to].map_to(system->device(from));
      queues.back()->copy(dst[to].va() + from * kSize, src[from].va(), kSize);
    }
  }
  // Each GPU's queue counts itself in; the last one lands the signal at 4.
  for (uint32_t from = 0; from < kGpus; ++from) {
    queues[from]->wait(done, from).signal(done, from + 1).submit();
  }
  done.wait_at_least(kGpus);
  for (uint32_t to = 0; to < kGpus; ++to) {
    for (uint32_t from = 0; from < kGpus; ++from) {
      if (to == from) continue;
      auto want = pattern(kSize, from);
      EXPECT_EQ(std::memcmp(dst[to].data() + from * kSize, want.data(), kSize), 0)
          << "copy from GPU " << from << " to GPU " << to;
    }
  }
}

// GPU 0's compute queue writes into GPU 3's memory and releases a signal;
// GPU 3's AQL and SDMA queues were submitted first and wait for it on the GPU.
TEST(MultiGpu, SignalFromGpu0ReleasesGpu3Queues) {
  auto system = four_gpus();
  Device& g0 = system->device(0);
  Device& g3 = system->device(3);
  Buffer on3 = g3.alloc(4096, Memory::kVramHostVisible, "on gpu3");
  Buffer out = g3.alloc(4096, Memory::kGtt, "out");
  Signal go = system->make_signal(0);
  Signal copied = system->make_signal(0);
  Signal seen = system->make_signal(0);
  auto sdma3 = SdmaQueue::create(g3);
  auto aql3 = AqlQueue::create(g3);
  sdma3->wait(go, 1).copy(out, on3, 4096).signal(copied, 1).submit();
  aql3->wait(copied, 1).signal(seen, 1).submit();
  for (int i = 0; i < 200; ++i) system->kmd().poll();  // < the emulator's hang_polls
  EXPECT_EQ(copied.value(), 0u);
  EXPECT_EQ(seen.value(), 0u);

  auto compute0 = ComputeQueue::create(g0);
  on3.map_to(g0);
  const uint32_t words[] = {0xC0FFEE, 0xBEEF};
  compute0->write(on3.va() + 8, words).signal(go, 1).submit();
  seen.wait_at_least(1);
  EXPECT_EQ(out.as<uint32_t>()[2], 0xC0FFEEu);
  EXPECT_EQ(out.as<uint32_t>()[3], 0xBEEFu);
}

}  // namespace
}  // namespace amdrr

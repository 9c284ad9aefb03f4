// Buffer::write/read/fill on memory the CPU cannot map go through the
// device's Staging (a GTT bounce buffer and an SDMA copy): on a small-BAR
// GPU, and on Memory::kVram of a large-BAR one.
#include "lib/driver/staging.h"

#include <gtest/gtest.h>

#include <cstring>

#include "lib/driver/error.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr {
namespace {

std::unique_ptr<System> sim_system(bool small_bar) {
  SystemOptions options;
  options.backend = Backend::kSim;
  options.sim_profile.small_bar = small_bar;
  return System::open(options);
}

std::vector<uint8_t> pattern(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>((i * 131 + seed) >> 3);
  return v;
}

class StagingTest : public ::testing::TestWithParam<bool> {};

TEST_P(StagingTest, WriteReadAndFillVramTheCpuCannotMap) {
  auto system = sim_system(GetParam());
  Device& dev = system->device(0);
  EXPECT_EQ(dev.large_bar(), !GetParam());
  // Larger than the bounce buffer, so it takes several round trips.
  const uint64_t size = Staging::kBounceBytes + Staging::kBounceBytes / 2 + 100;
  Buffer vram = dev.alloc(size, Memory::kVram, "vram");
  EXPECT_THROW(vram.data(), Error);
  auto bytes = pattern(size, 5);
  vram.write(0, bytes);
  // The GPU sees what was written.
  std::vector<uint8_t> gpu(4096);
  ASSERT_FALSE(system->sim()->gpu_read(dev.gpu_id(), vram.va() + size - 4096, gpu).has_value());
  EXPECT_EQ(std::memcmp(gpu.data(), bytes.data() + size - 4096, 4096), 0);
  std::vector<uint8_t> back(size);
  vram.read(0, back);
  EXPECT_EQ(back, bytes);
  // Unaligned edges and a dword-aligned middle.
  vram.fill(3, 1001, 0xAB);
  std::vector<uint8_t> part(1010);
  vram.read(0, part);
  for (size_t i = 0; i < part.size(); ++i) {
    uint8_t want = i >= 3 && i < 1004 ? 0xAB : bytes[i];
    ASSERT_EQ(part[i], want) << "byte " << i;
  }
  // Small writes at odd offsets.
  const uint8_t three[] = {1, 2, 3};
  vram.write(size - 3, three);
  uint8_t got[3];
  vram.read(size - 3, got);
  EXPECT_EQ(std::memcmp(got, three, 3), 0);
  // Range checks still come first.
  EXPECT_THROW(vram.write(vram.size() - 2, three), Error);
  EXPECT_THROW(vram.fill(vram.size(), 1, 0), Error);
}

INSTANTIATE_TEST_SUITE_P(SmallAndLargeBar, StagingTest, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "SmallBar" : "LargeBar"; });

// An SDMA copy out of staged VRAM matches: the data is really in VRAM.
TEST(Staging, GpuCopiesSeeStagedData) {
  auto system = sim_system(true);
  Device& dev = system->device(0);
  Buffer vram = dev.alloc(65536, Memory::kVram);
  Buffer gtt = dev.alloc(65536, Memory::kGtt);
  auto bytes = pattern(65536, 9);
  vram.write(0, bytes);
  auto q = SdmaQueue::create(dev);
  Signal done = system->make_signal(0);
  q->copy(gtt, vram, 65536).signal(done, 1).submit();
  done.wait_at_least(1);
  EXPECT_EQ(std::memcmp(gtt.data(), bytes.data(), bytes.size()), 0);
}

}  // namespace
}  // namespace amdrr

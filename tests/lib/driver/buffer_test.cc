// Devices and buffers on the emulated GPU: deterministic VAs, CPU VA == GPU
// VA, what the GPU sees, peers, and every misuse as a clear Error.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstring>

#include "lib/driver/error.h"
#include "lib/driver/system.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr {
namespace {

std::unique_ptr<System> sim_system(uint32_t gpus = 1, bool small_bar = false) {
  SystemOptions options;
  options.backend = Backend::kSim;
  options.sim_profile.num_gpus = gpus;
  options.sim_profile.small_bar = small_bar;
  return System::open(options);
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

TEST(Buffer, HostVisibleMemoryIsSharedWithTheGpuAtTheSameAddress) {
  auto system = sim_system();
  Device& dev = system->device(0);
  for (Memory m : {Memory::kVramHostVisible, Memory::kGtt, Memory::kGttCoherent}) {
    Buffer b = dev.alloc(10000, m, "data");
    EXPECT_EQ(b.size(), 12288u);                              // whole pages
    EXPECT_EQ(reinterpret_cast<uint64_t>(b.data()), b.va());  // CPU VA == GPU VA
    const uint8_t bytes[] = {1, 2, 3, 4};
    b.write(100, bytes);
    uint8_t seen[4] = {};
    ASSERT_FALSE(system->sim()->gpu_read(dev.gpu_id(), b.va() + 100, seen).has_value());
    EXPECT_EQ(std::memcmp(seen, bytes, 4), 0) << memory_name(m);
    const uint8_t from_gpu[] = {9, 8};
    ASSERT_FALSE(system->sim()->gpu_write(dev.gpu_id(), b.va() + 5000, from_gpu).has_value());
    uint8_t back[2] = {};
    b.read(5000, back);
    EXPECT_EQ(back[0], 9);
    EXPECT_EQ(back[1], 8);
    b.free();
  }
  EXPECT_EQ(dev.live_buffers(), 0u);
}

TEST(Buffer, AddressesAreTheSameOnEveryRun) {
  std::vector<uint64_t> first, second;
  for (auto* out : {&first, &second}) {
    auto system = sim_system();
    Device& dev = system->device(0);
    Buffer a = dev.alloc(4096, Memory::kGtt);
    Buffer b = dev.alloc(3u << 20, Memory::kVram);
    Buffer c = dev.alloc(4096, Memory::kGttCoherent);
    a.free();
    Buffer d = dev.alloc(4096, Memory::kGtt);  // reuses a's range
    *out = {b.va(), c.va(), d.va()};
    EXPECT_EQ(d.va(), dev.va_window().base());
  }
  EXPECT_EQ(first, second);
}

TEST(Buffer, MisuseIsAClearError) {
  auto system = sim_system();
  Device& dev = system->device(0);
  Buffer b = dev.alloc(4096, Memory::kGtt, "kernargs");
  EXPECT_ERROR(b.write(4000, std::vector<uint8_t>(200)), "runs past the end of buf#1 \"kernargs\"");
  b.free();
  EXPECT_ERROR(b.free(), "double free of buf#1 \"kernargs\"");
  EXPECT_ERROR(b.va(), "after it was freed");
  EXPECT_ERROR(b.data(), "after it was freed");
  EXPECT_ERROR(dev.alloc(0, Memory::kGtt), "alloc of 0 bytes");
  Buffer vram = dev.alloc(4096, Memory::kVram);
  EXPECT_ERROR(vram.data(), "which the CPU cannot reach");
  EXPECT_ERROR(system->device(1), "no GPU 1: this system has 1");
}

TEST(Buffer, SmallBarRefusesHostVisibleVram) {
  auto system = sim_system(1, /*small_bar=*/true);
  Device& dev = system->device(0);
  EXPECT_FALSE(dev.large_bar());
  EXPECT_ERROR(dev.alloc(4096, Memory::kVramHostVisible), "needs a large BAR");
  EXPECT_NO_THROW(dev.alloc(4096, Memory::kVram));
}

TEST(Buffer, WrapHostMemoryAndMapToAPeer) {
  auto system = sim_system(2);
  Device& a = system->device(0);
  Device& b = system->device(1);
  EXPECT_NE(a.va_window().base(), b.va_window().base());
  void* host = mmap(nullptr, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(host, MAP_FAILED);
  {
    Buffer user = a.wrap_host(host, 8192, "host");
    EXPECT_EQ(user.va(), reinterpret_cast<uint64_t>(host));
    static_cast<uint8_t*>(host)[10] = 77;
    uint8_t seen = 0;
    ASSERT_FALSE(system->sim()->gpu_read(a.gpu_id(), user.va() + 10, {&seen, 1}).has_value());
    EXPECT_EQ(seen, 77);

    Buffer shared = a.alloc(4096, Memory::kGtt, "shared");
    uint8_t probe = 0;
    EXPECT_TRUE(system->sim()->gpu_read(b.gpu_id(), shared.va(), {&probe, 1}).has_value())
        << "not yet mapped on the peer: a fault";
    shared.map_to(b);
    shared.data()[0] = 5;
    ASSERT_FALSE(system->sim()->gpu_read(b.gpu_id(), shared.va(), {&probe, 1}).has_value());
    EXPECT_EQ(probe, 5);
  }  // last copies gone: released
  EXPECT_EQ(a.live_buffers(), 0u);
  EXPECT_EQ(system->sim()->counts().bos, 0u);
  munmap(host, 8192);
  EXPECT_ERROR(a.wrap_host(reinterpret_cast<void*>(0x1001), 4096), "page-aligned");
}

TEST(Buffer, DeviceGoingAwayReleasesWhatIsLeft) {
  Buffer survivor;
  {
    auto system = sim_system();
    survivor = system->device(0).alloc(4096, Memory::kGtt);
  }
  EXPECT_TRUE(survivor.freed());
  EXPECT_ERROR(survivor.data(), "after it was freed");
}

}  // namespace
}  // namespace amdrr

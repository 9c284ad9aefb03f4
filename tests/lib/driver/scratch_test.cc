// Kernels using scratch (the private segment) on PM4 and AQL queues: the
// driver sizes the queue's scratch backing, fills the private segment V#,
// flat scratch init, COMPUTE_TMPRING_SIZE / DISPATCH_SCRATCH_BASE and the
// amd_queue_t scratch fields, and the emulator runs the kernel's scratch
// traffic through that backing in GPU memory.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <tuple>

#include "lib/driver/aql_queue.h"
#include "lib/driver/compute_queue.h"
#include "lib/driver/error.h"
#include "lib/driver/system.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr {
namespace {

using Param = std::tuple<const char*, const char*>;  // target, optimisation

std::unique_ptr<System> sim_system(const std::string& target) {
  SystemOptions options;
  options.backend = Backend::kSim;
  options.sim_profile.target =
      target == "gfx90a" ? sim::SimTarget::kGfx90a : sim::SimTarget::kGfx942;
  return System::open(options);
}

std::string kernel_path(const Param& p) {
  return std::string(AMDRR_DRIVER_GEN_DIR) + "/private_array_" + std::get<0>(p) + "_" +
         std::get<1>(p) + ".co";
}

// What private_array.cl computes, on the CPU.
std::vector<uint32_t> reference(const std::vector<uint32_t>& x) {
  const uint32_t n = static_cast<uint32_t>(x.size());
  std::vector<uint32_t> o(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t arr[64];
    for (uint32_t k = 0; k < 64; ++k) arr[k] = i * 3u + k;
    for (uint32_t k = 0; k < 8; ++k) arr[x[(i + k) % n] & 63] += k + 1;
    uint32_t s = 0;
    for (uint32_t k = 0; k < 4; ++k) s = s * 31u + arr[(x[i] >> (6 * k)) & 63];
    o[i] = s;
  }
  return o;
}

struct PrivateArrayRun {
  std::unique_ptr<System> system;
  Program program;
  KernelHandle kernel;
  Buffer x, o;
  std::vector<uint32_t> input;
  uint32_t n;

  explicit PrivateArrayRun(const Param& p, uint32_t count = 1000)
      : system(sim_system(std::get<0>(p))),
        program(Program::load_file(system->device(0), kernel_path(p))),
        kernel(program.kernel("private_array")),
        n(count) {
    Device& dev = system->device(0);
    std::mt19937 rng(n);
    input.resize(n);
    for (uint32_t& v : input) v = rng();
    x = dev.alloc(4ull * n, Memory::kGtt, "x");
    o = dev.alloc(4ull * n, Memory::kGtt, "o");
    std::memcpy(x.data(), input.data(), 4ull * n);
    o.fill(0, 4ull * n, 0xFF);
  }
  KernelArgs args() {
    KernelArgs a(kernel);
    a.set(0, x).set(1, o).set(2, n);
    return a;
  }
  void expect_reference() {
    const std::vector<uint32_t> want = reference(input);
    for (uint32_t i = 0; i < n; ++i) ASSERT_EQ(o.as<uint32_t>()[i], want[i]) << i;
  }
};

class Scratch : public ::testing::TestWithParam<Param> {};

TEST_P(Scratch, KernelUsingScratchMatchesTheCpuOnAPm4Queue) {
  PrivateArrayRun r(GetParam(), 1024);
  ASSERT_GT(r.kernel.descriptor.private_segment_fixed_size, 0u);
  auto q = ComputeQueue::create(r.system->device(0));
  KernelArgs a = r.args();
  LaunchDims dims;
  dims.grid[0] = r.n;
  dims.workgroup[0] = 256;  // four waves: four scratch slots
  q->dispatch(r.kernel, a, dims);
  q->finish();
  r.expect_reference();
}

TEST_P(Scratch, KernelUsingScratchMatchesTheCpuOnAnAqlQueue) {
  PrivateArrayRun r(GetParam());
  auto q = AqlQueue::create(r.system->device(0));
  KernelArgs a = r.args();
  LaunchDims dims;
  dims.grid[0] = r.n;  // a partial last workgroup
  dims.workgroup[0] = 256;
  q->dispatch(r.kernel, a, dims);
  q->finish();
  r.expect_reference();
  // The amd_queue_t describes the backing the kernel used.
  Device& dev = r.system->device(0);
  uint8_t amd_queue[256];
  ASSERT_FALSE(r.system->sim()->gpu_read(dev.gpu_id(), q->amd_queue_va(), amd_queue).has_value());
  uint64_t location;
  uint32_t lane_bytes, tmpring, vsharp0;
  std::memcpy(&tmpring, amd_queue + amd_queue::kComputeTmpringSize, 4);
  std::memcpy(&vsharp0, amd_queue + amd_queue::kScratchResourceDescriptor, 4);
  std::memcpy(&location, amd_queue + amd_queue::kScratchBackingMemoryLocation, 8);
  std::memcpy(&lane_bytes, amd_queue + amd_queue::kScratchWave64LaneByteSize, 4);
  EXPECT_TRUE(dev.find(location).valid());
  EXPECT_EQ(vsharp0, static_cast<uint32_t>(location));
  EXPECT_GE(lane_bytes, r.kernel.descriptor.private_segment_fixed_size);
  EXPECT_EQ(lane_bytes % 16, 0u);
  EXPECT_GE((tmpring & 0xfff), 4u);                             // WAVES: a workgroup's waves fit
  EXPECT_EQ((tmpring >> 12 & 0x1fff) * 1024, lane_bytes * 64);  // WAVESIZE
}

INSTANTIATE_TEST_SUITE_P(TargetOpt, Scratch,
                         ::testing::Combine(::testing::Values("gfx942", "gfx90a"),
                                            ::testing::Values("O0", "O3")),
                         [](const auto& p) {
                           return std::string(std::get<0>(p.param)) + "_" + std::get<1>(p.param);
                         });

}  // namespace
}  // namespace amdrr

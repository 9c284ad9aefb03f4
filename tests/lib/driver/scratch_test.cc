// Kernels using scratch (the private segment) on PM4 and AQL queues: the
// driver sizes the queue's scratch backing, fills the private segment V#,
// flat scratch init, COMPUTE_TMPRING_SIZE / DISPATCH_SCRATCH_BASE and the
// amd_queue_t scratch fields, and the emulator runs the kernel's scratch
// traffic through that backing in GPU memory.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
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
  // The kernel's private arrays went to GPU memory: wave slot 0 holds data.
  std::vector<uint8_t> slot(lane_bytes * 64);
  ASSERT_FALSE(r.system->sim()->gpu_read(dev.gpu_id(), location, slot).has_value());
  EXPECT_NE(std::count(slot.begin(), slot.end(), 0), static_cast<long>(slot.size()));
}

uint32_t lane_bytes_of(System& system, const AqlQueue& q) {
  uint8_t amd_queue[256];
  EXPECT_FALSE(
      system.sim()->gpu_read(q.device().gpu_id(), q.amd_queue_va(), amd_queue).has_value());
  uint32_t v;
  std::memcpy(&v, amd_queue + amd_queue::kScratchWave64LaneByteSize, 4);
  return v;
}

TEST(Scratch, GrowsTheBackingWhenAKernelNeedsMorePerWorkItem) {
  // The -O3 build needs 260 bytes per work-item, the -O0 build 304: the
  // second dispatch drains the queue and replaces the backing.
  PrivateArrayRun small(Param{"gfx942", "O3"});
  Program big_program = Program::load_file(small.system->device(0), kernel_path({"gfx942", "O0"}));
  KernelHandle big = big_program.kernel("private_array");
  ASSERT_GT(big.descriptor.private_segment_fixed_size,
            small.kernel.descriptor.private_segment_fixed_size);
  LaunchDims dims;
  dims.grid[0] = small.n;
  dims.workgroup[0] = 128;
  auto aql = AqlQueue::create(small.system->device(0));
  KernelArgs a = small.args();
  aql->dispatch(small.kernel, a, dims);
  aql->finish();
  EXPECT_EQ(lane_bytes_of(*small.system, *aql), 272u);  // 260 rounded to 16
  small.expect_reference();
  small.o.fill(0, 4ull * small.n, 0xFF);
  KernelArgs b(big);
  b.set(0, small.x).set(1, small.o).set(2, small.n);
  aql->dispatch(big, b, dims);
  aql->finish();
  EXPECT_EQ(lane_bytes_of(*small.system, *aql), 304u);
  small.expect_reference();
  // PM4: the same, the backing's address in the user SGPRs and registers.
  auto pm4 = ComputeQueue::create(small.system->device(0));
  dims.grid[0] = 1024;
  small.o.fill(0, 4ull * small.n, 0xFF);
  pm4->dispatch(small.kernel, a, dims);
  pm4->dispatch(big, b, dims);
  pm4->finish();
  small.expect_reference();
}

TEST(Scratch, AMissingScratchBackingIsAVmFault) {
  // A PM4 dispatch whose registers and user SGPRs point scratch at memory
  // that is not mapped faults at the first scratch access, on both targets.
  for (const char* target : {"gfx942", "gfx90a"}) {
    PrivateArrayRun r(Param{target, "O3"}, 64);
    auto q = ComputeQueue::create(r.system->device(0));
    KernelArgs a = r.args();
    LaunchDims dims;
    dims.grid[0] = 64;
    q->dispatch(r.kernel, a, dims);
    // Free the queue's scratch backing behind the driver's back.
    Buffer backing = r.system->device(0).find(q->scratch().va());
    ASSERT_TRUE(backing.valid());
    const uint64_t va = backing.va(), size = backing.size();
    backing.free();
    try {
      q->finish(std::chrono::seconds(5));
      ADD_FAILURE() << target << ": no fault";
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("fault"), std::string::npos) << what;
      // The faulting address is in the backing that went away.
      const size_t at = what.find("address 0x");
      ASSERT_NE(at, std::string::npos) << what;
      const uint64_t fault = std::strtoull(what.c_str() + at + 8, nullptr, 16);
      EXPECT_TRUE(fault >= va && fault < va + size) << what;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(TargetOpt, Scratch,
                         ::testing::Combine(::testing::Values("gfx942", "gfx90a"),
                                            ::testing::Values("O0", "O3")),
                         [](const auto& p) {
                           return std::string(std::get<0>(p.param)) + "_" + std::get<1>(p.param);
                         });

}  // namespace
}  // namespace amdrr

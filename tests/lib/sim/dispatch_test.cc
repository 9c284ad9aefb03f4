// Kernel dispatches on the emulated GPU: AQL KERNEL_DISPATCH and PM4
// DISPATCH_DIRECT run clang-built kernels (-O0 and -O3) on the shader
// interpreter through the engines' memory; faults and unsupported
// instructions come back as queue outcomes.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "lib/pkt/pm4_build.h"
#include "lib/pkt/pm4_regs.h"
#include "lib/sim/isa/dispatch.h"
#include "tests/lib/sim/dispatch_fixture.h"

namespace amdrr::sim::testing {
namespace {

namespace pm4 = pkt::pm4;
using Q = kmd::QueueType;

constexpr uint64_t kUnmapped = 0x7000000000;

std::string code_object(const std::string& opt) {
  return std::string(AMDRR_SIM_GEN_DIR) + "/dispatch_" + opt + ".co";
}

std::vector<float> random_floats(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-100.0f, 100.0f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

template <typename T>
uint32_t bits(T v) {
  uint32_t u = 0;
  std::memcpy(&u, &v, 4);
  return u;
}

class Dispatch : public ::testing::TestWithParam<std::string> {};

// --- AQL ------------------------------------------------------------------

AqlQueue aql_dispatch(DispatchFixture& f, Signals& s, const code::Kernel& k, const Buf& args,
                      uint32_t grid, uint16_t wg, bool scratch = true) {
  AqlQueue a = f.create_aql();
  if (scratch) f.give_scratch(a, f.scratch_for(k, wg));  // -O0 code keeps its stack there
  s.init(0, 1);
  aql::KernelDispatch d;
  d.workgroup_size[0] = wg;
  d.grid_size[0] = grid;
  d.kernel_object = f.descriptor_va(k);
  d.kernarg_address = args.va;
  d.completion_signal = s.va(0);
  f.submit(a, aql::kernel_dispatch(d));
  f.settle();
  return a;
}

TEST_P(Dispatch, AqlVectorAddWritesTheSumAndDecrementsTheSignal) {
  DispatchFixture f(code_object(GetParam()));
  const uint32_t n = 1000;  // not a multiple of the workgroup: a partial one
  auto av = random_floats(n, 1), bv = random_floats(n, 2);
  Buf a = f.upload(av), b = f.upload(bv), c = f.upload(std::vector<float>(n, -1.0f));
  const code::Kernel& k = f.kernel("vadd");
  Buf args = f.kernargs(k, DispatchFixture::Args().add(a.va).add(b.va).add(c.va).add(n), n, 64);
  Signals s(f);
  AqlQueue q = aql_dispatch(f, s, k, args, n, 64);
  ASSERT_EQ(f.outcome(q.q).state, QueueState::kActive) << f.outcome(q.q).message;
  for (uint32_t i = 0; i < n; ++i) {
    ASSERT_EQ(bits(c.at<float>(4 * i)), bits(av[i] + bv[i])) << i;
  }
  EXPECT_EQ(s.value(0), 0);
  EXPECT_EQ(q.read_dispatch_id(), 1u);
  EXPECT_GT(f.runner.instructions(), 0u);
  // The kernel's stores are in the write log as the queue's (between its
  // scratch traffic at -O0).
  std::vector<bool> logged(n, false);
  for (const WrittenRange& w : f.sched->take_written()) {
    if (w.queue_id != q.q.id) continue;
    for (uint32_t i = 0; i < n; ++i)
      logged[i] = logged[i] || (w.va <= c.va + 4ull * i && w.va + w.size >= c.va + 4ull * i + 4);
  }
  EXPECT_EQ(std::count(logged.begin(), logged.end(), false), 0);
}

TEST_P(Dispatch, AqlSaxpy) {
  DispatchFixture f(code_object(GetParam()));
  const uint32_t n = 256;
  auto xv = random_floats(n, 3), yv = random_floats(n, 4);
  Buf x = f.upload(xv), y = f.upload(yv);
  const float alpha = 2.5f;
  const code::Kernel& k = f.kernel("saxpy");
  Buf args = f.kernargs(k, DispatchFixture::Args().add(x.va).add(y.va).add(alpha).add(n), n, 128);
  Signals s(f);
  AqlQueue q = aql_dispatch(f, s, k, args, n, 128);
  ASSERT_EQ(f.outcome(q.q).state, QueueState::kActive) << f.outcome(q.q).message;
  for (uint32_t i = 0; i < n; ++i) {
    // The kernel may fuse to an FMA: compare with both roundings.
    const float fused = std::fma(alpha, xv[i], yv[i]);
    const float separate = alpha * xv[i] + yv[i];
    const float got = y.at<float>(4 * i);
    ASSERT_TRUE(bits(got) == bits(fused) || bits(got) == bits(separate)) << i;
  }
  EXPECT_EQ(s.value(0), 0);
}

TEST_P(Dispatch, AqlStoreToUnmappedMemoryIsAVmFaultWithTheVa) {
  DispatchFixture f(code_object(GetParam()));
  auto mem_event = f.kfd->create_event({0, kmd::EventType::kMemory, 0, 0});
  ASSERT_TRUE(mem_event.ok());
  const code::Kernel& k = f.kernel("store_at");
  Buf args = f.kernargs(k, DispatchFixture::Args().add(kUnmapped), 64, 64);
  Signals s(f);
  AqlQueue q = aql_dispatch(f, s, k, args, 64, 64);
  const QueueOutcome o = f.outcome(q.q);
  EXPECT_EQ(o.state, QueueState::kVmFault) << o.message;
  EXPECT_EQ(o.packet, "KERNEL_DISPATCH");
  ASSERT_TRUE(o.fault.has_value());
  EXPECT_EQ(o.fault->va, kUnmapped);
  EXPECT_TRUE(o.fault->not_present);
  kmd::EventData d;
  d.event_id = mem_event->event_id;
  auto r = f.kfd->wait_events({std::span(&d, 1), 0, 1000});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, kmd::WaitResult::kComplete);
  EXPECT_EQ(d.memory_exception_data.va, kUnmapped);
  EXPECT_EQ(d.memory_exception_data.gpu_id, f.gpus[0]);
  EXPECT_EQ(s.value(0), 1);  // the faulting dispatch never completes
}

TEST_P(Dispatch, AqlUnsupportedInstructionIsNamed) {
  DispatchFixture f(code_object(GetParam()));
  Buf out = f.alloc(64 * 16);
  const code::Kernel& k = f.kernel("mfma");
  Buf args = f.kernargs(k, DispatchFixture::Args().add(out.va), 64, 64);
  Signals s(f);
  AqlQueue q = aql_dispatch(f, s, k, args, 64, 64);
  const QueueOutcome o = f.outcome(q.q);
  EXPECT_EQ(o.state, QueueState::kUnsupported);
  EXPECT_NE(o.message.find("unsupported by the emulator"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("v_mfma_f32_4x4x1"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("pc 0x"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("encoding"), std::string::npos) << o.message;
  EXPECT_EQ(f.runner.last_outcome().kind, isa::DispatchOutcome::Kind::kUnsupported);
}

// --- PM4 ------------------------------------------------------------------

/// SET_SH_REG of the COMPUTE_* registers for `k` (user SGPRs laid out from
/// its kernel_code_properties as a PM4 driver does), then DISPATCH_DIRECT.
std::vector<uint32_t> pm4_dispatch(DispatchFixture& f, const code::Kernel& k, const Buf& args,
                                   uint32_t groups, uint16_t wg, uint32_t initiator = 5) {
  constexpr auto& regs = pm4::kGfx9ShRegs;
  const code::KernelDescriptor& kd = k.descriptor;
  std::vector<uint32_t> user;
  auto push64 = [&](uint64_t v) {
    user.push_back(static_cast<uint32_t>(v));
    user.push_back(static_cast<uint32_t>(v >> 32));
  };
  const uint16_t p = kd.kernel_code_properties;
  // Scratch as a GFX9 driver provides it (-O0 code keeps its stack there).
  const DispatchFixture::Scratch sc = f.scratch_for(k, wg);
  if (p & 1) user.insert(user.end(), sc.vsharp.begin(), sc.vsharp.end());
  if (p & 2) {
    // A dispatch packet for the kernel to read its sizes from.
    aql::KernelDispatch fake;
    fake.workgroup_size[0] = wg;
    fake.grid_size[0] = groups * wg;
    const aql::Packet packet = aql::kernel_dispatch(fake);
    Buf b = f.alloc(64);
    std::memcpy(b.host, packet.data(), 64);
    push64(b.va);
  }
  if (p & 4) push64(0);  // queue ptr
  if (p & 8) push64(args.va);
  if (p & 16) push64(0);      // dispatch id
  if (p & 32) push64(sc.va);  // flat scratch init
  if (p & 64) user.push_back(sc.lane_bytes);
  EXPECT_EQ(user.size(), kd.compute_pgm_rsrc2 >> 1 & 0x1f) << "user SGPR layout";

  const uint64_t code = f.code_va(k);
  std::vector<uint32_t> dw;
  const uint32_t pgm[2] = {static_cast<uint32_t>(code >> 8), static_cast<uint32_t>(code >> 40)};
  pm4::set_sh_reg(dw, pm4::reg_addr(regs, "COMPUTE_PGM_LO"), pgm);
  const uint32_t rsrc[2] = {kd.compute_pgm_rsrc1, kd.compute_pgm_rsrc2};
  pm4::set_sh_reg(dw, pm4::reg_addr(regs, "COMPUTE_PGM_RSRC1"), rsrc);
  pm4::set_sh_reg(dw, pm4::reg_addr(regs, "COMPUTE_PGM_RSRC3"),
                  std::array<uint32_t, 1>{kd.compute_pgm_rsrc3});
  pm4::set_sh_reg(dw, pm4::reg_addr(regs, "COMPUTE_TMPRING_SIZE"),
                  std::array<uint32_t, 1>{sc.tmpring});
  const uint32_t base[2] = {static_cast<uint32_t>(sc.va >> 8), static_cast<uint32_t>(sc.va >> 40)};
  pm4::set_sh_reg(dw, pm4::reg_addr(regs, "COMPUTE_DISPATCH_SCRATCH_BASE_LO"), base);
  // START_X..Z, then NUM_THREAD_X..Z.
  const uint32_t grid_regs[6] = {0, 0, 0, wg, 1, 1};
  pm4::set_sh_reg(dw, pm4::reg_addr(regs, "COMPUTE_START_X"), grid_regs);
  if (!user.empty()) pm4::set_sh_reg(dw, pm4::reg_addr(regs, "COMPUTE_USER_DATA_0"), user);
  pm4::dispatch_direct(dw, groups, 1, 1, initiator);
  return dw;
}

TEST_P(Dispatch, Pm4VectorAdd) {
  DispatchFixture f(code_object(GetParam()));
  const uint32_t n = 1000;
  auto av = random_floats(n, 5), bv = random_floats(n, 6);
  Buf a = f.upload(av), b = f.upload(bv), c = f.upload(std::vector<float>(n, -1.0f));
  const code::Kernel& k = f.kernel("vadd");
  const uint32_t groups = (n + 63) / 64;
  Buf args =
      f.kernargs(k, DispatchFixture::Args().add(a.va).add(b.va).add(c.va).add(n), groups * 64, 64);
  TestQueue q = f.create_queue(Q::kCompute);
  f.submit(q, pm4_dispatch(f, k, args, groups, 64));
  f.settle();
  ASSERT_EQ(f.outcome(q).state, QueueState::kActive) << f.outcome(q).message;
  EXPECT_EQ(q.rptr(), q.wptr);
  for (uint32_t i = 0; i < n; ++i) {
    ASSERT_EQ(bits(c.at<float>(4 * i)), bits(av[i] + bv[i])) << i;
  }
  // DISPATCH_DIRECT left its dwords in COMPUTE_DIM_X and DISPATCH_INITIATOR.
  EXPECT_EQ(f.sched->pm4_reg(q.id, pm4::reg_addr(pm4::kGfx9ShRegs, "COMPUTE_DIM_X")), groups);
  EXPECT_EQ(f.sched->pm4_reg(q.id, pm4::reg_addr(pm4::kGfx9ShRegs, "COMPUTE_DISPATCH_INITIATOR")),
            5u);
}

TEST_P(Dispatch, Pm4StoreToUnmappedMemoryIsAVmFault) {
  DispatchFixture f(code_object(GetParam()));
  const code::Kernel& k = f.kernel("store_at");
  Buf args = f.kernargs(k, DispatchFixture::Args().add(kUnmapped), 64, 64);
  TestQueue q = f.create_queue(Q::kCompute);
  f.submit(q, pm4_dispatch(f, k, args, 1, 64));
  f.settle();
  const QueueOutcome o = f.outcome(q);
  EXPECT_EQ(o.state, QueueState::kVmFault) << o.message;
  EXPECT_EQ(o.packet, "DISPATCH_DIRECT");
  ASSERT_TRUE(o.fault.has_value());
  EXPECT_EQ(o.fault->va, kUnmapped);
}

INSTANTIATE_TEST_SUITE_P(Opt, Dispatch, ::testing::Values("O0", "O3"));

TEST(DispatchSetup, AqlScratchKernelOnAQueueWithoutScratchIsRefused) {
  // -O0 code keeps its stack in scratch; the amd_queue_t provides none, so
  // the CP cannot launch it (ROCR would grow the queue's scratch first).
  DispatchFixture f(code_object("O0"));
  const code::Kernel& k = f.kernel("vadd");
  ASSERT_GT(k.descriptor.private_segment_fixed_size, 0u);
  Buf c = f.alloc(256);
  Buf args = f.kernargs(k, DispatchFixture::Args().add(c.va).add(c.va).add(c.va).add(64u), 64, 64);
  Signals s(f);
  AqlQueue q = aql_dispatch(f, s, k, args, 64, 64, /*scratch=*/false);
  const QueueOutcome o = f.outcome(q.q);
  EXPECT_EQ(o.state, QueueState::kError) << o.message;
  EXPECT_NE(o.message.find("insufficient scratch"), std::string::npos) << o.message;
}

TEST(DispatchSetup, Pm4StartOffsetWithoutForceStartIsUnsupported) {
  DispatchFixture f(code_object("O3"));
  const code::Kernel& k = f.kernel("store_at");
  Buf out = f.alloc(4096);
  Buf args = f.kernargs(k, DispatchFixture::Args().add(out.va), 64, 64);
  TestQueue q = f.create_queue(Q::kCompute);
  std::vector<uint32_t> dw = pm4_dispatch(f, k, args, 1, 64, 1);  // no FORCE_START_AT_000
  std::vector<uint32_t> start;
  pm4::set_sh_reg(start, pm4::reg_addr(pm4::kGfx9ShRegs, "COMPUTE_START_X"),
                  std::array<uint32_t, 1>{2});
  dw.insert(dw.end() - 5, start.begin(), start.end());  // before DISPATCH_DIRECT
  f.submit(q, dw);
  f.settle();
  EXPECT_EQ(f.outcome(q).state, QueueState::kUnsupported);
  EXPECT_NE(f.outcome(q).message.find("COMPUTE_START"), std::string::npos);
  EXPECT_EQ(out.at<uint32_t>(0), 0u);
}

TEST(DispatchSetup, DescriptorInUnmappedMemoryIsAVmFault) {
  DispatchFixture f(code_object("O3"));
  Signals s(f);
  s.init(0, 1);
  AqlQueue a = f.create_aql();
  aql::KernelDispatch d;
  d.kernel_object = kUnmapped;
  d.completion_signal = s.va(0);
  f.submit(a, aql::kernel_dispatch(d));
  f.settle();
  EXPECT_EQ(f.outcome(a.q).state, QueueState::kVmFault);
  ASSERT_TRUE(f.outcome(a.q).fault.has_value());
  EXPECT_EQ(f.outcome(a.q).fault->va, kUnmapped);
}

TEST(DispatchSetup, AbsurdPrivateSegmentIsRefusedNotAllocated) {
  DispatchFixture f(code_object("O3"));
  const code::Kernel& k = f.kernel("store_at");
  Buf out = f.alloc(4096);
  Buf args = f.kernargs(k, DispatchFixture::Args().add(out.va), 64, 64);
  Signals s(f);
  s.init(0, 1);
  AqlQueue a = f.create_aql();
  aql::KernelDispatch d;
  d.workgroup_size[0] = 64;
  d.grid_size[0] = 64;
  d.private_segment_size = 0xFFFFFFFF;
  d.kernel_object = f.descriptor_va(k);
  d.kernarg_address = args.va;
  d.completion_signal = s.va(0);
  f.submit(a, aql::kernel_dispatch(d));
  f.settle();
  EXPECT_EQ(f.outcome(a.q).state, QueueState::kError);
  EXPECT_NE(f.outcome(a.q).message.find("private segment"), std::string::npos);
}

TEST(DispatchSetup, InterpreterAperturesAreSimKfds) {
  DispatchFixture f(code_object("O3"));
  auto ap = f.kfd->get_process_apertures();
  ASSERT_TRUE(ap.ok());
  ASSERT_FALSE(ap->empty());
  const isa::DispatchSetup s;
  EXPECT_EQ((*ap)[0].lds_base, s.shared_aperture_base);
  EXPECT_EQ((*ap)[0].scratch_base, s.private_aperture_base);
}

}  // namespace
}  // namespace amdrr::sim::testing

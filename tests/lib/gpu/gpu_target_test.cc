#include "lib/gpu/gpu_target.h"

#include <gtest/gtest.h>

#include "lib/sim/profile.h"

namespace amdrr::gpu {
namespace {

TEST(GfxVersion, DecodesKfdEncodingToIsaNames) {
  EXPECT_EQ(GfxVersion::from_target_version(90402).name(), "gfx942");
  EXPECT_EQ(GfxVersion::from_target_version(90010).name(), "gfx90a");
  EXPECT_EQ(GfxVersion::from_target_version(90012).name(), "gfx90c");
  EXPECT_EQ(GfxVersion::from_target_version(110000).name(), "gfx1100");
  EXPECT_EQ(GfxVersion::from_target_version(100300).name(), "gfx1030");
  EXPECT_EQ(GfxVersion::from_target_version(90402).target_version(), 90402u);
}

Node gpu_node(uint32_t gfx) {
  Node n;
  n.gpu_id = 1;
  n.properties.set("gfx_target_version", gfx);
  n.properties.set("simd_count", 416);
  n.properties.set("simd_per_cu", 4);
  n.properties.set("array_count", 8);
  n.properties.set("simd_arrays_per_engine", 1);
  n.properties.set("num_xcc", 1);
  return n;
}

TEST(GpuTarget, ResolvesKnownGenerations) {
  auto a = resolve_target(gpu_node(90010));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->name, "gfx90a");
  EXPECT_EQ(a->pm4_family, pkt::Pm4Family::kGfx9);
  EXPECT_EQ(a->sdma_version, pkt::SdmaVersion::kV4_4);
  EXPECT_EQ(a->wave_size, 64u);
  EXPECT_EQ(a->doorbell_size, 8u);
  EXPECT_EQ(a->doorbell_slice_size, 8192u);
  EXPECT_EQ(a->eop_buffer_size, 4096u);
  EXPECT_LT(a->sdma_max_copy_size, 1ull << 22);

  auto c = resolve_target(gpu_node(110000));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->pm4_family, pkt::Pm4Family::kGfx11);
  EXPECT_EQ(c->sdma_version, pkt::SdmaVersion::kV6_0);
  EXPECT_EQ(c->wave_size, 32u);
  EXPECT_FALSE(c->sim_engines);
}

TEST(GpuTarget, FallsBackWithinMajorMinorOnly) {
  auto early = resolve_target(gpu_node(90400));  // early MI300 revision
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->sdma_version, pkt::SdmaVersion::kV4_4);
  EXPECT_EQ(early->name, "gfx940");                    // named as reported, table of gfx942
  EXPECT_TRUE(resolve_target(gpu_node(110001)).ok());  // gfx1101 -> gfx1100 row
  EXPECT_EQ(resolve_target(gpu_node(90500)).error(), ENOTSUP);  // gfx950 unknown
  EXPECT_EQ(resolve_target(gpu_node(100300)).error(), ENOTSUP);
  Node cpu;
  EXPECT_EQ(resolve_target(cpu).error(), ENOTSUP);
}

// The reference's worked example (MI210): computed, not measured.
TEST(GpuTarget, CwsrSizesMatchKernelFormula) {
  CwsrSizes s = compute_cwsr_sizes(gpu_node(90010));
  EXPECT_EQ(s.ctl_stack_size, 36864u);
  EXPECT_EQ(s.wg_data_size, 63471616u);
  EXPECT_EQ(s.cwsr_size, 63508480u);
  EXPECT_EQ(s.debug_memory_size, 131072u);
  EXPECT_EQ(s.bo_size(s.cwsr_size, 1), 63639552u);
}

TEST(GpuTarget, SysfsCwsrSizesWinOverFormula) {
  Node n = gpu_node(90010);
  n.properties.set("cwsr_size", 0x100000);
  n.properties.set("ctl_stack_size", 0x3000);
  CwsrSizes s = compute_cwsr_sizes(n);
  EXPECT_EQ(s.cwsr_size, 0x100000u);
  EXPECT_EQ(s.ctl_stack_size, 0x3000u);
  EXPECT_EQ(s.wg_data_size, 0xFD000u);
}

TEST(GpuTarget, EverySimProfileResolves) {
  for (auto t : {sim::SimTarget::kGfx942, sim::SimTarget::kGfx90a, sim::SimTarget::kGfx1100}) {
    Topology topo = sim::build_topology({t, 1, false});
    for (const Node* n : topo.gpu_nodes()) {
      auto r = resolve_target(*n);
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(r->num_xcc, 1u);
      EXPECT_GT(r->cwsr.cwsr_size, r->cwsr.ctl_stack_size);
    }
  }
}

}  // namespace
}  // namespace amdrr::gpu

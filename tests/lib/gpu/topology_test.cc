#include "lib/gpu/topology.h"

#include <gtest/gtest.h>

#include <fstream>

#include "lib/sim/profile.h"
#include "lib/sim/topology_writer.h"

namespace amdrr::gpu {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

TEST(PropertyList, ParsesKeyValueLinesAndKeepsText) {
  auto props =
      PropertyList::parse("simd_count 304\nsibling_map 1,0,1\n\nhive_id 18446744073709551615\n");
  ASSERT_TRUE(props.ok());
  EXPECT_EQ(props->get("simd_count"), 304u);
  EXPECT_EQ(props->get("hive_id"), ~0ull);
  EXPECT_FALSE(props->find("sibling_map").has_value());  // not a number
  EXPECT_EQ(*props->find_text("sibling_map"), "1,0,1");
  EXPECT_EQ(props->get("absent", 7), 7u);
  EXPECT_EQ(PropertyList::parse("lonely_key\n").error(), EINVAL);
}

TEST(Topology, MissingRootIsEnoent) {
  EXPECT_EQ(read_topology("/nonexistent/amdrr/topology").error(), ENOENT);
}

// A tree written by hand, the way a real gfx90a machine prints it.
TEST(Topology, ParsesHandWrittenTree) {
  auto dir = sim::TempDir::create();
  ASSERT_TRUE(dir.ok());
  fs::path root = dir->path();
  write(root / "generation_id", "3\n");
  write(root / "system_properties", "platform_oem 0\nplatform_id 0\nplatform_rev 0\n");
  write(root / "nodes/0/gpu_id", "0\n");
  write(root / "nodes/0/name", "\n");
  write(root / "nodes/0/properties", "cpu_cores_count 64\nsimd_count 0\nmem_banks_count 1\n");
  write(root / "nodes/0/mem_banks/0/properties", "heap_type 0\nsize_in_bytes 1073741824\n");
  write(root / "nodes/1/gpu_id", "48879\n");
  write(root / "nodes/1/name", "aldebaran\n");
  write(root / "nodes/1/properties",
        "simd_count 416\narray_count 8\nsimd_arrays_per_engine 1\nsimd_per_cu 4\n"
        "gfx_target_version 90010\ndrm_render_minor 130\nnum_xcc 1\n");
  write(root / "nodes/1/mem_banks/0/properties", "heap_type 2\nsize_in_bytes 68702699520\n");
  write(root / "nodes/1/mem_banks/0/used_memory", "4096\n");
  write(root / "nodes/1/caches/0/properties", "level 2\nsize 8192\nsibling_map 1,1\n");
  write(root / "nodes/1/io_links/0/properties", "type 2\nnode_from 1\nnode_to 0\n");
  // Node 10 sorts after node 2 numerically, not as text.
  write(root / "nodes/10/gpu_id", "0\n");
  write(root / "nodes/10/properties", "cpu_cores_count 1\n");
  write(root / "nodes/2/gpu_id", "0\n");
  write(root / "nodes/2/properties", "cpu_cores_count 2\n");

  auto topo = read_topology(root);
  ASSERT_TRUE(topo.ok()) << topo.error();
  EXPECT_EQ(topo->generation_id, 3u);
  ASSERT_EQ(topo->nodes.size(), 4u);
  EXPECT_EQ(topo->nodes[2].index, 2u);
  EXPECT_EQ(topo->nodes[3].index, 10u);
  const Node* gpu = topo->find_gpu(48879);
  ASSERT_NE(gpu, nullptr);
  EXPECT_EQ(gpu->name, "aldebaran");
  EXPECT_EQ(gpu->gfx_target_version(), 90010u);
  EXPECT_EQ(gpu->drm_render_minor(), 130u);
  EXPECT_EQ(gpu->vram_size(), 68702699520ull);
  EXPECT_EQ(gpu->mem_banks[0].used_memory, 4096u);
  ASSERT_EQ(gpu->caches.size(), 1u);
  EXPECT_EQ(*gpu->caches[0].properties.find_text("sibling_map"), "1,1");
  ASSERT_EQ(gpu->io_links.size(), 1u);
  EXPECT_EQ(gpu->io_links[0].node_to(), 0u);
  EXPECT_EQ(topo->gpu_nodes().size(), 1u);
  EXPECT_EQ(topo->find_gpu(0), nullptr);
}

TEST(Topology, MalformedPropertiesAreEinval) {
  auto dir = sim::TempDir::create();
  ASSERT_TRUE(dir.ok());
  write(dir->path() / "generation_id", "1\n");
  write(dir->path() / "system_properties", "");
  write(dir->path() / "nodes/0/gpu_id", "not-a-number\n");
  write(dir->path() / "nodes/0/properties", "");
  EXPECT_EQ(read_topology(dir->path()).error(), EINVAL);
}

class GeneratedTopology : public ::testing::TestWithParam<std::tuple<sim::SimTarget, uint32_t>> {};

// The sim's generator and the parser agree on every property, per profile.
TEST_P(GeneratedTopology, RoundTripsThroughSysfsText) {
  auto [target, n] = GetParam();
  sim::SimProfile profile{target, n, false};
  Topology built = sim::build_topology(profile);
  auto dir = sim::TempDir::create();
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(sim::write_topology(built, dir->path()).ok());
  auto topo = read_topology(dir->path());
  ASSERT_TRUE(topo.ok()) << topo.error();
  ASSERT_EQ(topo->nodes.size(), built.nodes.size());
  ASSERT_EQ(topo->gpu_nodes().size(), n);
  for (size_t i = 0; i < built.nodes.size(); ++i) {
    const Node& a = built.nodes[i];
    const Node& b = topo->nodes[i];
    EXPECT_EQ(a.gpu_id, b.gpu_id);
    EXPECT_EQ(a.properties.entries(), b.properties.entries());
    ASSERT_EQ(a.io_links.size(), b.io_links.size());
    ASSERT_EQ(a.mem_banks.size(), b.mem_banks.size());
    ASSERT_EQ(a.caches.size(), b.caches.size());
  }
  // Every GPU links to the CPU and over xGMI to every other GPU.
  for (const Node* g : topo->gpu_nodes()) {
    size_t xgmi = 0;
    for (const auto& l : g->io_links) xgmi += l.type() == kIoLinkTypeXgmi;
    EXPECT_EQ(xgmi, n - 1);
    EXPECT_EQ(g->properties.get("hive_id") != 0, n > 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Profiles, GeneratedTopology,
                         ::testing::Combine(::testing::Values(sim::SimTarget::kGfx942,
                                                              sim::SimTarget::kGfx90a,
                                                              sim::SimTarget::kGfx1100),
                                            ::testing::Values(1u, 2u, 8u)));

}  // namespace
}  // namespace amdrr::gpu

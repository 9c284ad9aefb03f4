#include "lib/sim/profile.h"

#include <string>

#include "lib/base/check.h"

namespace amdrr::sim {
namespace {

constexpr uint64_t kGiB = 1ull << 30;

// Per-target node properties. The values are plausible for the named boards
// but UNVERIFIED: they were not read from a real sysfs tree. What matters for
// the sim is that they are consistent with each other and with the kernel's
// CWSR formulas (lib/gpu computes sizes from them).
struct TargetProps {
  const char* name;
  uint32_t gfx_target_version;
  uint32_t device_id;
  uint32_t simd_count;
  uint32_t array_count;
  uint32_t simd_arrays_per_engine;
  uint32_t cu_per_simd_array;
  uint32_t simd_per_cu;
  uint32_t max_waves_per_simd;
  uint32_t wave_front_size;
  uint32_t num_sdma_engines;
  uint32_t num_sdma_xgmi_engines;
  uint64_t vram_size;
  uint32_t capability;  // HSA_CAP_* bits
};

// capability: QUEUE_SIZE_POW2 0x8 | DOORBELL_TYPE 2.0 (2 << 12) |
// SVMAPI_SUPPORTED 0x08000000 (UNVERIFIED per board).
constexpr uint32_t kCaps = 0x8 | (2u << 12) | 0x08000000;

const TargetProps& props_of(SimTarget t) {
  static const TargetProps kGfx942 = {"gfx942", 90402, 0x74a1, 152, 4, 1,         10,
                                      4,        8,     64,     2,   2, 24 * kGiB, kCaps};
  static const TargetProps kGfx90a = {"gfx90a", 90010, 0x740f, 416, 8, 1,         13,
                                      4,        8,     64,     2,   3, 64 * kGiB, kCaps};
  static const TargetProps kGfx1100 = {"gfx1100", 110000, 0x744c, 192, 12, 2,         8,
                                       2,         16,     32,     2,   0,  24 * kGiB, kCaps};
  switch (t) {
    case SimTarget::kGfx942:
      return kGfx942;
    case SimTarget::kGfx90a:
      return kGfx90a;
    case SimTarget::kGfx1100:
      return kGfx1100;
  }
  return kGfx942;
}

gpu::IoLink link(uint32_t type, uint32_t from, uint32_t to, uint32_t weight) {
  gpu::IoLink l;
  l.properties.set("type", type);
  l.properties.set("version_major", 0);
  l.properties.set("version_minor", 0);
  l.properties.set("node_from", from);
  l.properties.set("node_to", to);
  l.properties.set("weight", weight);
  l.properties.set("min_latency", 0);
  l.properties.set("max_latency", 0);
  l.properties.set("min_bandwidth", type == gpu::kIoLinkTypeXgmi ? 50000 : 312);
  l.properties.set("max_bandwidth", type == gpu::kIoLinkTypeXgmi ? 50000 : 64000);
  l.properties.set("recommended_transfer_size", 0);
  l.properties.set("recommended_sdma_engine_id_mask", 0);
  l.properties.set("flags", 1);  // ENABLED
  return l;
}

gpu::Node cpu_node(uint32_t num_gpus) {
  gpu::Node n;
  n.index = 0;
  n.gpu_id = 0;
  n.name = "";
  auto& p = n.properties;
  p.set("cpu_cores_count", 16);
  p.set("simd_count", 0);
  p.set("mem_banks_count", 1);
  p.set("caches_count", 0);
  p.set("io_links_count", num_gpus);
  p.set("p2p_links_count", 0);
  p.set("cpu_core_id_base", 0);
  p.set("simd_id_base", 0);
  p.set("gfx_target_version", 0);
  p.set("vendor_id", 0);
  p.set("device_id", 0);
  p.set("drm_render_minor", 0);
  p.set("max_engine_clk_ccompute", 3000);
  gpu::MemBank bank;
  bank.properties.set("heap_type", static_cast<uint64_t>(gpu::HeapType::kSystem));
  bank.properties.set("size_in_bytes", 256 * kGiB);
  bank.properties.set("flags", 0);
  bank.properties.set("width", 64);
  bank.properties.set("mem_clk_max", 3200);
  n.mem_banks.push_back(std::move(bank));
  for (uint32_t g = 0; g < num_gpus; ++g) {
    n.io_links.push_back(link(gpu::kIoLinkTypePcie, 0, g + 1, 20));
  }
  return n;
}

gpu::Node gpu_node(const TargetProps& t, uint32_t gpu_index, uint32_t num_gpus, bool small_bar) {
  gpu::Node n;
  n.index = gpu_index + 1;
  n.gpu_id = sim_gpu_id(gpu_index);
  n.name = t.name;
  auto& p = n.properties;
  p.set("cpu_cores_count", 0);
  p.set("simd_count", t.simd_count);
  p.set("mem_banks_count", 1);
  p.set("caches_count", 1);
  p.set("io_links_count", num_gpus);  // the CPU plus every peer
  p.set("p2p_links_count", 0);
  p.set("cpu_core_id_base", 0);
  p.set("simd_id_base", 0x80000000u + gpu_index * 0x1000);
  p.set("max_waves_per_simd", t.max_waves_per_simd);
  p.set("lds_size_in_kb", 64);
  p.set("gds_size_in_kb", 0);
  p.set("num_gws", 64);
  p.set("wave_front_size", t.wave_front_size);
  p.set("array_count", t.array_count);
  p.set("simd_arrays_per_engine", t.simd_arrays_per_engine);
  p.set("cu_per_simd_array", t.cu_per_simd_array);
  p.set("simd_per_cu", t.simd_per_cu);
  p.set("max_slots_scratch_cu", 32);
  p.set("gfx_target_version", t.gfx_target_version);
  p.set("vendor_id", 0x1002);
  p.set("device_id", t.device_id);
  p.set("location_id", (gpu_index + 1) << 8);
  p.set("domain", 0);
  p.set("drm_render_minor", 128 + gpu_index);
  p.set("hive_id", num_gpus > 1 ? 0x5eed5eed5eed0001ull : 0);
  p.set("num_sdma_engines", t.num_sdma_engines);
  p.set("num_sdma_xgmi_engines", t.num_sdma_xgmi_engines);
  p.set("num_sdma_queues_per_engine", 8);
  p.set("num_cp_queues", 24);
  p.set("max_engine_clk_fcompute", 2100);
  p.set("local_mem_size", 0);  // KFD always prints 0; VRAM is in mem_banks
  p.set("fw_version", 150);
  p.set("capability", t.capability);
  p.set("debug_prop", 0);
  p.set("sdma_fw_version", 20);
  p.set("unique_id", 0xa3d0000000000000ull + gpu_index);
  p.set("num_xcc", 1);
  p.set("max_engine_clk_ccompute", 3000);

  gpu::MemBank vram;
  // kfd_crat.c: one bank, FB_PUBLIC when all of VRAM is CPU-visible (a large
  // BAR: local_mem_size_private == 0), else FB_PRIVATE [S-TOPO].
  vram.properties.set("heap_type", static_cast<uint64_t>(small_bar ? gpu::HeapType::kFbPrivate
                                                                   : gpu::HeapType::kFbPublic));
  vram.properties.set("size_in_bytes", t.vram_size);
  vram.properties.set("flags", 0);
  vram.properties.set("width", 4096);
  vram.properties.set("mem_clk_max", 1300);
  vram.used_memory = 0;
  n.mem_banks.push_back(std::move(vram));

  gpu::Cache l2;
  l2.properties.set("processor_id_low", 0x80000000u + gpu_index * 0x1000);
  l2.properties.set("level", 2);
  l2.properties.set("size", 4096);
  l2.properties.set("cache_line_size", 128);
  l2.properties.set("cache_lines_per_tag", 1);
  l2.properties.set("association", 16);
  l2.properties.set("latency", 0);
  l2.properties.set("type", 1 | 8);  // DATA | HSACU
  l2.properties.set("sibling_map", "1,0,0,0");
  n.caches.push_back(std::move(l2));

  n.io_links.push_back(link(gpu::kIoLinkTypePcie, n.index, 0, 20));
  for (uint32_t peer = 0; peer < num_gpus; ++peer) {
    if (peer != gpu_index) n.io_links.push_back(link(gpu::kIoLinkTypeXgmi, n.index, peer + 1, 15));
  }
  return n;
}

}  // namespace

uint32_t sim_gpu_id(uint32_t gpu_index) {
  return 0x4000u + gpu_index * 0x1111u;
}

gpu::Topology build_topology(const SimProfile& profile) {
  AMDRR_REQUIRE(profile.num_gpus >= 1 && profile.num_gpus <= 8,
                "a sim profile has 1..8 GPUs, not " + std::to_string(profile.num_gpus));
  gpu::Topology topo;
  topo.generation_id = 1;
  topo.system_properties.set("platform_oem", 0);
  topo.system_properties.set("platform_id", 0);
  topo.system_properties.set("platform_rev", 0);
  topo.nodes.push_back(cpu_node(profile.num_gpus));
  const TargetProps& t = props_of(profile.target);
  for (uint32_t g = 0; g < profile.num_gpus; ++g) {
    topo.nodes.push_back(gpu_node(t, g, profile.num_gpus, profile.small_bar));
  }
  return topo;
}

}  // namespace amdrr::sim

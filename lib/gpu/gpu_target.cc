#include "lib/gpu/gpu_target.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>

namespace amdrr::gpu {
namespace {

constexpr uint64_t kPageSize = 4096;

constexpr uint64_t align_up(uint64_t v, uint64_t a) {
  return (v + a - 1) / a * a;
}

// One row per generation amdrr knows. Everything generation-dependent that
// is not printed in sysfs lives here.
struct Generation {
  uint32_t target_version;
  pkt::Pm4Family pm4_family;
  pkt::SdmaVersion sdma_version;
  uint64_t sdma_max_copy_size;
  uint32_t wave_size;
  // VGPR bytes saved per CU by CWSR: the kernel lists 0x80000 for gfx908,
  // gfx90a, gfx942, gfx950 and 0x60000 for gfx1100/1101/1200/1201 [S-QUE].
  uint32_t cwsr_vgpr_bytes_per_cu;
  bool sim_engines;
};

constexpr std::array<Generation, 3> kGenerations = {{
    // gfx90a (MI200): GC 9.4.2, SDMA 4.4.0.
    {90010, pkt::Pm4Family::kGfx9, pkt::SdmaVersion::kV4_4, 0x3FFF00, 64, 0x80000, true},
    // gfx942 (MI300): GC 9.4.3, SDMA 4.4.2. gfx940/941 (90400/90401, early
    // revisions) resolve here too.
    {90402, pkt::Pm4Family::kGfx9, pkt::SdmaVersion::kV4_4, 0x3FFF00, 64, 0x80000, true},
    // gfx1100 (Navi31): GC 11.0.0, SDMA 6.0; topology only in lib/sim for now.
    {110000, pkt::Pm4Family::kGfx11, pkt::SdmaVersion::kV6_0, 0x3FFFFF00, 32, 0x60000, false},
}};

const Generation* find_generation(GfxVersion v) {
  const Generation* best = nullptr;
  for (const auto& g : kGenerations) {
    GfxVersion gv = GfxVersion::from_target_version(g.target_version);
    if (gv.major != v.major || gv.minor != v.minor) continue;
    // Prefer the highest stepping not above v; else the lowest above it.
    if (!best) {
      best = &g;
      continue;
    }
    GfxVersion bv = GfxVersion::from_target_version(best->target_version);
    bool g_le = gv.stepping <= v.stepping, b_le = bv.stepping <= v.stepping;
    if ((g_le && (!b_le || gv.stepping > bv.stepping)) ||
        (!g_le && !b_le && gv.stepping < bv.stepping)) {
      best = &g;
    }
  }
  return best;
}

// The first GFX10 part; the kernel switches CWSR formulas at gfxv 100100.
constexpr uint32_t kGfx10 = 100100;
constexpr uint32_t kGfx11 = 110000;

}  // namespace

std::string GfxVersion::name() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "gfx%u%x%x", major, minor, stepping);
  return buf;
}

uint64_t CwsrSizes::bo_size(uint32_t ctx_save_restore_size, uint32_t num_xcc) const {
  return align_up((uint64_t{ctx_save_restore_size} + debug_memory_size) * num_xcc, kPageSize);
}

CwsrSizes compute_cwsr_sizes(const Node& node) {
  const auto& p = node.properties;
  uint32_t gfxv = node.gfx_target_version();
  uint64_t num_xcc = std::max<uint64_t>(1, node.num_xcc());
  uint64_t simd_per_cu = std::max<uint64_t>(1, p.get("simd_per_cu", 1));
  uint64_t cu_num = p.get("simd_count") / simd_per_cu / num_xcc;
  // sysfs prints array_count times num_xcc; the kernel's formula uses the
  // per-XCC count (UNVERIFIED for multi-XCC; min() is dominated by cu_num*40).
  uint64_t arrays = p.get("array_count") / num_xcc;
  uint64_t arrays_per_engine = std::max<uint64_t>(1, p.get("simd_arrays_per_engine", 1));

  uint64_t wave_num =
      gfxv < kGfx10 ? std::min(cu_num * 40, arrays / arrays_per_engine * 512) : cu_num * 32;
  const Generation* gen = find_generation(GfxVersion::from_target_version(gfxv));
  uint64_t vgpr = gen ? gen->cwsr_vgpr_bytes_per_cu : 0x40000;
  constexpr uint64_t kSgpr = 0x4000, kLds = 0x10000, kHwreg = 0x1000;
  uint64_t wg_data = align_up(cu_num * (vgpr + kSgpr + kLds + kHwreg), kPageSize);
  uint64_t bytes_per_wave = gfxv < kGfx10 ? 8 : 12;
  uint64_t ctl_stack = align_up(40 + wave_num * bytes_per_wave + 8, kPageSize);
  if (gfxv >= kGfx10 && gfxv < kGfx11) ctl_stack = std::min<uint64_t>(ctl_stack, 0x7000);

  CwsrSizes s;
  s.ctl_stack_size = static_cast<uint32_t>(ctl_stack);
  s.wg_data_size = static_cast<uint32_t>(wg_data);
  s.cwsr_size = static_cast<uint32_t>(ctl_stack + wg_data);
  s.debug_memory_size = static_cast<uint32_t>(align_up(wave_num * 32, 64));
  // Newer kernels print the authoritative values; trust them over our formula.
  if (auto cwsr = p.find("cwsr_size"), ctl = p.find("ctl_stack_size"); cwsr && ctl) {
    s.cwsr_size = static_cast<uint32_t>(*cwsr);
    s.ctl_stack_size = static_cast<uint32_t>(*ctl);
    s.wg_data_size = s.cwsr_size - s.ctl_stack_size;
  }
  return s;
}

Result<GpuTarget> resolve_target(const Node& node) {
  if (!node.is_gpu()) return Errno{ENOTSUP};
  GfxVersion v = GfxVersion::from_target_version(node.gfx_target_version());
  const Generation* gen = find_generation(v);
  if (!gen) return Errno{ENOTSUP};

  GpuTarget t;
  t.gfx = v;
  t.name = v.name();
  t.pm4_family = gen->pm4_family;
  t.sdma_version = gen->sdma_version;
  t.aql_family = pkt::AqlFamily::kHsa1;
  t.sdma_max_copy_size = gen->sdma_max_copy_size;
  // 8-byte doorbells from GFX9 (gfx_target_version >= 90000) [S-HQ].
  t.doorbell_size = v.major >= 9 ? 8 : 4;
  t.doorbell_slice_size =
      static_cast<uint32_t>(std::max<uint64_t>(1024 * t.doorbell_size, kPageSize));
  t.eop_buffer_size = 4096;
  // The compiler's default for compute code objects; sysfs wave_front_size is
  // not used because it is what the kernel was told, not what clang emits
  // (UNVERIFIED what gfx11 prints there).
  t.wave_size = gen->wave_size;
  t.num_xcc = std::max<uint32_t>(1, node.num_xcc());
  t.cwsr = compute_cwsr_sizes(node);
  t.sim_engines = gen->sim_engines;
  return t;
}

}  // namespace amdrr::gpu

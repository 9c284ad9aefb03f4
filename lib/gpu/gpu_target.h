#pragma once
// GpuTarget: what the driver and the emulator need to know about one GPU
// generation, resolved once from a topology node by resolve_target(). Callers
// test these named capabilities; generation comparisons (`gfx >= N`) live only
// in lib/gpu.

#include <cstdint>
#include <string>

#include "lib/base/result.h"
#include "lib/gpu/gfx_version.h"
#include "lib/gpu/topology.h"
#include "lib/pkt/families.h"

namespace amdrr::gpu {

/// Sizes of the buffers KFD requires per compute queue for context
/// save/restore (CWSR). Computed as the kernel does (kfd_queue.c) unless sysfs
/// states them (cwsr_size / ctl_stack_size, newer kernels) [S-QUE], [S-TOPO].
struct CwsrSizes {
  uint32_t ctl_stack_size = 0;     // CREATE_QUEUE ctl_stack_size must equal this
  uint32_t wg_data_size = 0;       // per-XCC workgroup state
  uint32_t cwsr_size = 0;          // minimum ctx_save_restore_size (per XCC)
  uint32_t debug_memory_size = 0;  // per XCC, after the save area
  /// Exact size of the ctx-save BO KFD wants mapped:
  /// ALIGN((ctx_save_restore_size + debug_memory_size) * num_xcc, 4096).
  uint64_t bo_size(uint32_t ctx_save_restore_size, uint32_t num_xcc) const;
};

struct GpuTarget {
  GfxVersion gfx;
  std::string name;  // "gfx942"

  // Packet families: which lib/pkt tables this target's engines understand.
  pkt::Pm4Family pm4_family = pkt::Pm4Family::kGfx9;
  pkt::SdmaVersion sdma_version = pkt::SdmaVersion::kV4_4;
  pkt::AqlFamily aql_family = pkt::AqlFamily::kHsa1;

  // Largest byte count one SDMA COPY_LINEAR may move. The kernel's
  // copy_max_bytes is 4 MiB (22-bit count) on SDMA 4.x; we stay 256 bytes
  // under it, as Mesa does, to dodge the "last 255 bytes" hazard [S-SDMAC],
  // [S-SID]. SDMA 6 has a 30-bit count (UNVERIFIED on hardware).
  uint64_t sdma_max_copy_size = 0;

  // Doorbells are 64-bit from GFX9 on; 1024 per process per device, so the
  // per-process slice is 8 KiB [S-HQ], [S-DB].
  uint32_t doorbell_size = 0;
  uint32_t doorbell_slice_size = 0;

  // EOP buffer of a compute queue: the kernel's eop_buffer_size is 4096 from
  // GFX8 on (Tonga 0x8000) and CREATE_QUEUE must pass exactly that [S-QUE].
  uint32_t eop_buffer_size = 0;

  // Default wavefront size: 64 on GFX9 (wave_front_size), 32 on GFX10+
  // compute by default (UNVERIFIED: gfx11 can run wave64 too).
  uint32_t wave_size = 0;

  uint32_t num_xcc = 1;
  CwsrSizes cwsr;

  // Engines this target has in lib/sim today; gfx1100 is topology-only.
  bool sim_engines = false;
};

/// Resolves the target of a GPU node: exact gfx version, else the nearest
/// lower stepping of the same major.minor (gfx940/941 share gfx942's table).
/// ENOTSUP for a CPU node or a generation amdrr does not know.
Result<GpuTarget> resolve_target(const Node& node);

/// The CWSR sizes the kernel computes for `node` (used when sysfs lacks them).
CwsrSizes compute_cwsr_sizes(const Node& node);

}  // namespace amdrr::gpu

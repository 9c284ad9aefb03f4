#pragma once
// The trace header's GpuInfo from a KFD topology node, plus what the amdgpu
// DRM driver adds (drm_device_info.h) when it was queried. Lives next to the
// DRM query (target amdrr_machine_info) so format/ never depends on libdrm.
//
// From topology: node and gpu ids, gfx target, ids, VRAM (all FB banks),
// host-visible VRAM (FB_PUBLIC banks), CUs (simd_count / simd_per_cu), XCCs,
// wave size, SDMA engine counts, render minor, PCI location, unique id and
// the MEC / SDMA firmware KFD reports. From DRM, when given: marketing name,
// family, PCI revision, the BAR size (replaces the FB_PUBLIC sum: a small-BAR
// board has none but still a BAR), GTT size and the firmware list (replaces
// topology's two entries).

#include <string>

#include "format/trace.capnp.h"
#include "lib/gpu/topology.h"
#include "lib/kmd/drm_device_info.h"

namespace amdrr::kmd {

/// "dddd:bb:dd.f" from the node's `domain` and `location_id`
/// (bus << 8 | device << 3 | function).
std::string pci_location(const gpu::Node& node);

/// Fills one GpuInfo. `drm` may be null (no render node, the sim backend).
void fill_gpu_info(schema::GpuInfo::Builder out, const gpu::Node& node, const DrmDeviceInfo* drm);

enum class DrmQuery {
  kNone,         // topology only: the sim backend, or when libdrm must not run
  kRenderNodes,  // query /dev/dri/renderD<drm_render_minor> of each GPU
};

/// header.gpus = every GPU node of `topology` in topology order. With
/// kRenderNodes a failed query only leaves that GPU's DRM fields unset.
void fill_gpu_infos(schema::Header::Builder header, const gpu::Topology& topology, DrmQuery query);

}  // namespace amdrr::kmd

#pragma once
// What the amdgpu DRM driver says about a GPU and KFD's topology does not:
// marketing name, family, chip revisions, VRAM bus width, the BAR and GTT
// sizes, firmware versions. Read once through libdrm_amdgpu on the GPU's
// render node, for the trace header; nothing else in amdrr needs libdrm.
//
// Every call returns an errno (never throws) and closes what it opened.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "lib/base/result.h"

namespace amdrr::kmd {

struct DrmDeviceInfo {
  std::string marketing_name;  // "AMD Instinct MI300X"; empty when libdrm's table lacks it
  std::string family;          // family_name(family_id)
  uint32_t family_id = 0;      // AMDGPU_FAMILY_*
  uint32_t chip_rev = 0;
  uint32_t chip_external_rev = 0;
  uint32_t device_id = 0;  // PCI device id (asic_id)
  uint32_t pci_rev_id = 0;
  uint32_t vram_bit_width = 0;
  uint64_t vram_size = 0;      // 0 when the memory query failed
  uint64_t vis_vram_size = 0;  // CPU-visible VRAM (the BAR)
  uint64_t gtt_size = 0;
  /// Loaded firmware that matters to compute, as (name, version): "mec",
  /// "mec2", "rlc", "sdma0".., "smc", "sos", "asd", "ta_xgmi", "ta_ras", "toc".
  /// A kind the kernel refuses or reports as version 0 is left out.
  std::vector<std::pair<std::string, uint32_t>> firmware;
};

/// The libdrm name of an AMDGPU_FAMILY_* id ("AI" for 141: Vega / gfx9 incl.
/// gfx90a and gfx942), "unknown:<id>" for an id amdrr does not know.
std::string family_name(uint32_t family_id);

/// Queries the amdgpu device behind `render_fd` (an open render node; not
/// closed here). EBADF for a negative fd; otherwise libdrm's errno when the fd
/// is not an amdgpu device or the GPU-info query fails. The memory and
/// firmware queries are best-effort: a failure leaves their fields empty.
Result<DrmDeviceInfo> query_drm_device_info(int render_fd);

/// Opens <prefix><render_minor> (O_RDWR | O_CLOEXEC), queries it and closes
/// it. The open's errno (ENOENT without the node, EACCES without the render
/// group) or query_drm_device_info's.
Result<DrmDeviceInfo> query_drm_device_info_for_minor(
    uint32_t render_minor, const std::string& render_node_prefix = "/dev/dri/renderD");

}  // namespace amdrr::kmd

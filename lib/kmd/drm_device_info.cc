#include "lib/kmd/drm_device_info.h"

#include <amdgpu.h>
#include <amdgpu_drm.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <memory>

#include "lib/kmd/syscalls.h"

namespace amdrr::kmd {
namespace {

// Family ids newer than Debian's libdrm 2.4.114 header, from the kernel's
// include/uapi/drm/amdgpu_drm.h (the values are ABI and never change).
constexpr uint32_t kFamilyGc1100 = 145;
constexpr uint32_t kFamilyGc1101 = 148;
constexpr uint32_t kFamilyGc1036 = 149;
constexpr uint32_t kFamilyGc1150 = 150;
constexpr uint32_t kFamilyGc1037 = 151;
constexpr uint32_t kFamilyGc1200 = 152;

// AMDGPU_INFO_FW_TA sub-kinds (the kernel's enum drm_amdgpu_ta_fw_type).
// UNVERIFIED: kernels before ~5.10 numbered them from 0 (XGMI = 0, RAS = 1).
constexpr unsigned kTaXgmi = 2;
constexpr unsigned kTaRas = 3;

// SDMA instances probed: the kernel answers EINVAL past the last one.
constexpr unsigned kMaxSdmaInstances = 16;

// Character devices of this major are DRM nodes (card / render) on Linux.
constexpr unsigned kDrmMajor = 226;

// libdrm returns 0 or a negative errno; never hand back a zero errno.
Errno drm_errno(int r) {
  return Errno{r < 0 ? -r : EIO};
}

struct DeviceDeleter {
  void operator()(amdgpu_device* dev) const { amdgpu_device_deinitialize(dev); }
};
using DeviceHandle = std::unique_ptr<amdgpu_device, DeviceDeleter>;

struct FirmwareKind {
  const char* name;
  unsigned fw_type;  // AMDGPU_INFO_FW_*
  unsigned index;    // MEC: 0 / 1 for MEC / MEC2; TA: the sub-kind
};

// The firmware a compute trace wants to name; graphics-only (ME, PFP, CE),
// video and display firmware is left out.
constexpr FirmwareKind kFirmwareKinds[] = {
    {"mec", AMDGPU_INFO_FW_GFX_MEC, 0},      {"mec2", AMDGPU_INFO_FW_GFX_MEC, 1},
    {"rlc", AMDGPU_INFO_FW_GFX_RLC, 0},      {"smc", AMDGPU_INFO_FW_SMC, 0},
    {"sos", AMDGPU_INFO_FW_SOS, 0},          {"asd", AMDGPU_INFO_FW_ASD, 0},
    {"ta_xgmi", AMDGPU_INFO_FW_TA, kTaXgmi}, {"ta_ras", AMDGPU_INFO_FW_TA, kTaRas},
    {"toc", AMDGPU_INFO_FW_TOC, 0},
};

// 0 or libdrm's negative errno; `version` is 0 when the firmware is not loaded.
int query_firmware(amdgpu_device_handle dev, unsigned fw_type, unsigned index, uint32_t* version) {
  uint32_t feature = 0;  // libdrm stores it unconditionally: never pass null
  *version = 0;
  return amdgpu_query_firmware_version(dev, fw_type, 0, index, version, &feature);
}

void query_firmware_list(amdgpu_device_handle dev, DrmDeviceInfo& info) {
  uint32_t version = 0;
  for (const FirmwareKind& kind : kFirmwareKinds) {
    if (query_firmware(dev, kind.fw_type, kind.index, &version) == 0 && version != 0) {
      info.firmware.emplace_back(kind.name, version);
    }
    if (kind.fw_type == AMDGPU_INFO_FW_GFX_RLC) {
      // SDMA next to the CP firmware: one entry per instance, until EINVAL.
      for (unsigned i = 0; i < kMaxSdmaInstances; ++i) {
        if (query_firmware(dev, AMDGPU_INFO_FW_SDMA, i, &version) != 0) break;
        if (version != 0) info.firmware.emplace_back("sdma" + std::to_string(i), version);
      }
    }
  }
}

void query_memory(amdgpu_device_handle dev, DrmDeviceInfo& info) {
  drm_amdgpu_memory_info memory{};
  if (amdgpu_query_info(dev, AMDGPU_INFO_MEMORY, sizeof(memory), &memory) == 0) {
    info.vram_size = memory.vram.total_heap_size;
    info.vis_vram_size = memory.cpu_accessible_vram.total_heap_size;
    info.gtt_size = memory.gtt.total_heap_size;
    return;
  }
  // Kernels before AMDGPU_INFO_MEMORY (4.9) have only the older query.
  drm_amdgpu_info_vram_gtt vram_gtt{};
  if (amdgpu_query_info(dev, AMDGPU_INFO_VRAM_GTT, sizeof(vram_gtt), &vram_gtt) == 0) {
    info.vram_size = vram_gtt.vram_size;
    info.vis_vram_size = vram_gtt.vram_cpu_accessible_size;
    info.gtt_size = vram_gtt.gtt_size;
  }
}

}  // namespace

std::string family_name(uint32_t family_id) {
  switch (family_id) {
    case AMDGPU_FAMILY_SI:
      return "SI";
    case AMDGPU_FAMILY_CI:
      return "CI";
    case AMDGPU_FAMILY_KV:
      return "KV";
    case AMDGPU_FAMILY_VI:
      return "VI";
    case AMDGPU_FAMILY_CZ:
      return "CZ";
    case AMDGPU_FAMILY_AI:
      return "AI";
    case AMDGPU_FAMILY_RV:
      return "RV";
    case AMDGPU_FAMILY_NV:
      return "NV";
    case AMDGPU_FAMILY_VGH:
      return "VGH";
    case AMDGPU_FAMILY_YC:
      return "YC";
    case kFamilyGc1100:
      return "GC_11_0_0";
    case kFamilyGc1101:
      return "GC_11_0_1";
    case kFamilyGc1036:
      return "GC_10_3_6";
    case kFamilyGc1150:
      return "GC_11_5_0";
    case kFamilyGc1037:
      return "GC_10_3_7";
    case kFamilyGc1200:
      return "GC_12_0_0";
    default:
      return "unknown:" + std::to_string(family_id);
  }
}

Result<DrmDeviceInfo> query_drm_device_info(int render_fd) {
  if (render_fd < 0) return Errno{EBADF};
  // Checked here so a wrong fd gets a clear errno: libdrm answers a non-DRM
  // fd with a bare -1 (which would read as EPERM) and a line on stderr.
  struct stat st {};
  if (::fstat(render_fd, &st) != 0) return Errno{errno};
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != kDrmMajor) return Errno{ENODEV};
  uint32_t major = 0;
  uint32_t minor = 0;
  amdgpu_device_handle raw = nullptr;
  // libdrm keeps its own dup of the fd, released by deinitialize.
  int r = amdgpu_device_initialize(render_fd, &major, &minor, &raw);
  if (r != 0 || raw == nullptr) return drm_errno(r);
  DeviceHandle dev(raw);

  amdgpu_gpu_info gpu{};
  r = amdgpu_query_gpu_info(dev.get(), &gpu);
  if (r != 0) return drm_errno(r);

  DrmDeviceInfo info;
  if (const char* name = amdgpu_get_marketing_name(dev.get())) info.marketing_name = name;
  info.family_id = gpu.family_id;
  info.family = family_name(gpu.family_id);
  info.chip_rev = gpu.chip_rev;
  info.chip_external_rev = gpu.chip_external_rev;
  info.device_id = gpu.asic_id;
  info.pci_rev_id = gpu.pci_rev_id;
  info.vram_bit_width = gpu.vram_bit_width;
  query_memory(dev.get(), info);
  query_firmware_list(dev.get(), info);
  return info;
}

Result<DrmDeviceInfo> query_drm_device_info_for_minor(uint32_t render_minor,
                                                      const std::string& render_node_prefix) {
  RealSyscalls sys;
  const std::string path = render_node_prefix + std::to_string(render_minor);
  auto fd = sys.open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (!fd.ok()) return Errno{fd.error()};
  ScopedFd owned(sys, *fd);
  return query_drm_device_info(owned.get());
}

}  // namespace amdrr::kmd

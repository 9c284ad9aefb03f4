#include "lib/kmd/gpu_info_fill.h"

#include <cstdio>
#include <optional>

#include "lib/gpu/gpu_target.h"

namespace amdrr::kmd {
namespace {

uint32_t prop32(const gpu::Node& node, std::string_view key, uint64_t fallback = 0) {
  return static_cast<uint32_t>(node.properties.get(key, fallback));
}

uint64_t fb_public_size(const gpu::Node& node) {
  uint64_t size = 0;
  for (const gpu::MemBank& bank : node.mem_banks) {
    if (bank.heap_type() == gpu::HeapType::kFbPublic) size += bank.size_in_bytes();
  }
  return size;
}

void fill_firmware(schema::GpuInfo::Builder out, const gpu::Node& node, const DrmDeviceInfo* drm) {
  if (drm != nullptr && !drm->firmware.empty()) {
    auto list = out.initFirmware(static_cast<unsigned>(drm->firmware.size()));
    for (unsigned i = 0; i < drm->firmware.size(); ++i) {
      list[i].setName(drm->firmware[i].first);
      list[i].setVersion(drm->firmware[i].second);
    }
    return;
  }
  // KFD prints the MEC firmware (fw_version) and SDMA instance 0's.
  const std::optional<uint64_t> mec = node.properties.find("fw_version");
  const std::optional<uint64_t> sdma = node.properties.find("sdma_fw_version");
  auto list = out.initFirmware((mec ? 1u : 0u) + (sdma ? 1u : 0u));
  unsigned i = 0;
  if (mec) {
    list[i].setName("mec");
    list[i++].setVersion(static_cast<uint32_t>(*mec));
  }
  if (sdma) {
    list[i].setName("sdma0");
    list[i].setVersion(static_cast<uint32_t>(*sdma));
  }
}

}  // namespace

std::string pci_location(const gpu::Node& node) {
  const uint64_t loc = node.properties.get("location_id");
  char text[32];
  std::snprintf(text, sizeof(text), "%04x:%02x:%02x.%x", prop32(node, "domain"),
                static_cast<unsigned>((loc >> 8) & 0xff), static_cast<unsigned>((loc >> 3) & 0x1f),
                static_cast<unsigned>(loc & 0x7));
  return text;
}

void fill_gpu_info(schema::GpuInfo::Builder out, const gpu::Node& node, const DrmDeviceInfo* drm) {
  out.setNodeId(node.index);
  out.setGpuId(node.gpu_id);
  auto target = gpu::resolve_target(node);
  out.setGfxTarget(target.ok() ? target->name : "gfx" + std::to_string(node.gfx_target_version()));
  out.setGfxTargetVersion(node.gfx_target_version());
  out.setVendorId(prop32(node, "vendor_id"));
  out.setDeviceId(prop32(node, "device_id"));
  out.setRevisionId(prop32(node, "revision_id"));
  out.setVramBytes(node.vram_size());
  out.setHostVisibleVramBytes(fb_public_size(node));
  const uint32_t simd_per_cu = prop32(node, "simd_per_cu");
  out.setComputeUnits(simd_per_cu != 0 ? prop32(node, "simd_count") / simd_per_cu : 0);
  out.setXccCount(node.num_xcc());
  out.setWaveSize(prop32(node, "wave_front_size"));
  out.setSdmaEngines(prop32(node, "num_sdma_engines"));
  out.setSdmaXgmiEngines(prop32(node, "num_sdma_xgmi_engines"));
  out.setDrmRenderMinor(node.drm_render_minor());
  out.setPciLocation(pci_location(node));
  out.setUniqueId(node.properties.get("unique_id"));
  if (drm != nullptr) {
    out.setMarketingName(drm->marketing_name);
    out.setFamily(drm->family);
    if (drm->pci_rev_id != 0) out.setRevisionId(drm->pci_rev_id);
    if (drm->vis_vram_size != 0) out.setHostVisibleVramBytes(drm->vis_vram_size);
    out.setGttBytes(drm->gtt_size);
    out.setChipRevision(drm->chip_rev);
    out.setChipExternalRevision(drm->chip_external_rev);
    out.setVramBitWidth(drm->vram_bit_width);
  }
  fill_firmware(out, node, drm);
}

void fill_gpu_infos(schema::Header::Builder header, const gpu::Topology& topology, DrmQuery query) {
  const std::vector<const gpu::Node*> nodes = topology.gpu_nodes();
  auto list = header.initGpus(static_cast<unsigned>(nodes.size()));
  for (unsigned i = 0; i < nodes.size(); ++i) {
    std::optional<DrmDeviceInfo> drm;
    if (query == DrmQuery::kRenderNodes) {
      auto r = query_drm_device_info_for_minor(nodes[i]->drm_render_minor());
      if (r.ok()) drm = std::move(r).value();
    }
    fill_gpu_info(list[i], *nodes[i], drm ? &*drm : nullptr);
  }
}

}  // namespace amdrr::kmd

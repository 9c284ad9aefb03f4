#include "capture/gpu_info.h"

#include <cstdio>

#include "lib/gpu/gpu_target.h"

namespace amdrr::capture {
namespace {

std::string pci_location(const gpu::Node& node) {
  // location_id is bus << 8 | device << 3 | function [S-TOPO].
  uint64_t loc = node.properties.get("location_id");
  char text[32];
  std::snprintf(text, sizeof(text), "%04x:%02x:%02x.%x",
                static_cast<unsigned>(node.properties.get("domain")),
                static_cast<unsigned>((loc >> 8) & 0xff), static_cast<unsigned>((loc >> 3) & 0x1f),
                static_cast<unsigned>(loc & 7));
  return text;
}

void fill_gpu(const gpu::Node& node, schema::GpuInfo::Builder g) {
  const auto& p = node.properties;
  g.setNodeId(node.index);
  g.setGpuId(node.gpu_id);
  auto target = gpu::resolve_target(node);
  g.setGfxTarget(target.ok() ? target->name : "gfx" + std::to_string(node.gfx_target_version()));
  g.setGfxTargetVersion(node.gfx_target_version());
  g.setVendorId(static_cast<uint32_t>(p.get("vendor_id")));
  g.setDeviceId(static_cast<uint32_t>(p.get("device_id")));
  g.setRevisionId(static_cast<uint32_t>(p.get("revision_id")));
  g.setMarketingName(node.name);
  g.setVramBytes(node.vram_size());
  uint64_t visible = 0;
  for (const auto& bank : node.mem_banks) {
    if (bank.heap_type() == gpu::HeapType::kFbPublic) visible += bank.size_in_bytes();
  }
  g.setHostVisibleVramBytes(visible);
  uint64_t simd_per_cu = p.get("simd_per_cu", 0);
  g.setComputeUnits(simd_per_cu ? static_cast<uint32_t>(p.get("simd_count") / simd_per_cu) : 0);
  g.setXccCount(node.num_xcc());
  g.setWaveSize(static_cast<uint32_t>(p.get("wave_front_size")));
  g.setSdmaEngines(static_cast<uint32_t>(p.get("num_sdma_engines")));
  g.setSdmaXgmiEngines(static_cast<uint32_t>(p.get("num_sdma_xgmi_engines")));
  g.setDrmRenderMinor(node.drm_render_minor());
  g.setPciLocation(pci_location(node));
  g.setUniqueId(p.get("unique_id"));
  // The topology reports the MEC and SDMA firmware (fw_version, sdma_fw_version).
  auto fw = g.initFirmware(2);
  fw[0].setName("mec");
  fw[0].setVersion(static_cast<uint32_t>(p.get("fw_version")));
  fw[1].setName("sdma");
  fw[1].setVersion(static_cast<uint32_t>(p.get("sdma_fw_version")));
}

}  // namespace

void fill_machine_info(kmd::Kmd& kmd, schema::Header::Builder header) {
  if (auto version = kmd.get_version(); version.ok()) {
    header.setKfdVersionMajor(version->major_version);
    header.setKfdVersionMinor(version->minor_version);
  }
  auto nodes = kmd.topology().gpu_nodes();
  auto gpus = header.initGpus(static_cast<unsigned>(nodes.size()));
  for (unsigned i = 0; i < nodes.size(); ++i) fill_gpu(*nodes[i], gpus[i]);
}

}  // namespace amdrr::capture

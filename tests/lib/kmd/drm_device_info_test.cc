// The libdrm_amdgpu query (errno paths here; the real render node only on a
// machine with an AMD GPU) and the topology -> trace-header GpuInfo converter,
// checked field by field on the emulated GPU's topology.
#include <capnp/message.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "lib/kmd/drm_device_info.h"
#include "lib/kmd/gpu_info_fill.h"
#include "lib/sim/profile.h"
#include "lib/sim/sim_kfd.h"
#include "tests/support/temp_dir.h"

namespace amdrr::kmd::testing {
namespace {

constexpr uint64_t kGiB = 1ull << 30;

std::unique_ptr<sim::SimKfd> sim_kfd(sim::SimProfile profile) {
  auto kfd = sim::SimKfd::create(profile);
  EXPECT_TRUE(kfd.ok()) << kfd.error();
  return kfd.ok() ? std::move(*kfd) : nullptr;
}

// --- the DRM query -----------------------------------------------------------

TEST(DrmDeviceInfoTest, MissingRenderNodeIsEnoent) {
  amdrr::testing::TempDir dir;
  auto info = query_drm_device_info_for_minor(128, dir.file("renderD"));
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error(), ENOENT);
}

TEST(DrmDeviceInfoTest, DefaultRenderNodeAbsentHereIsEnoent) {
  if (std::filesystem::exists("/dev/dri/renderD128")) {
    GTEST_SKIP() << "/dev/dri/renderD128 exists: covered by RealRenderNodes";
  }
  auto info = query_drm_device_info_for_minor(128);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error(), ENOENT);
}

TEST(DrmDeviceInfoTest, NegativeFdIsEbadf) {
  auto info = query_drm_device_info(-1);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error(), EBADF);
}

TEST(DrmDeviceInfoTest, NonDrmFdIsEnodev) {
  int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  auto info = query_drm_device_info(fd);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error(), ENODEV);
  // The fd stays the caller's and open.
  EXPECT_GE(::fcntl(fd, F_GETFD), 0);
  ::close(fd);
}

TEST(DrmDeviceInfoTest, ClosedFdIsEbadf) {
  int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ::close(fd);
  auto info = query_drm_device_info(fd);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error(), EBADF);
}

TEST(DrmDeviceInfoTest, FamilyNames) {
  EXPECT_EQ(family_name(141), "AI");  // gfx9: Vega, gfx90a, gfx942
  EXPECT_EQ(family_name(143), "NV");
  EXPECT_EQ(family_name(145), "GC_11_0_0");  // gfx1100
  EXPECT_EQ(family_name(152), "GC_12_0_0");
  EXPECT_EQ(family_name(0), "unknown:0");
  EXPECT_EQ(family_name(999), "unknown:999");
}

// On a machine with an AMD GPU: every GPU node's render node answers, and
// agrees with the topology.
TEST(DrmDeviceInfoTest, RealRenderNodes) {
  int kfd = ::open("/dev/kfd", O_RDWR | O_CLOEXEC);
  if (kfd < 0) GTEST_SKIP() << "no usable /dev/kfd: " << std::strerror(errno);
  ::close(kfd);
  auto topology = gpu::read_topology();
  ASSERT_TRUE(topology.ok()) << std::strerror(topology.error());
  for (const gpu::Node* node : topology->gpu_nodes()) {
    auto info = query_drm_device_info_for_minor(node->drm_render_minor());
    ASSERT_TRUE(info.ok()) << "renderD" << node->drm_render_minor() << ": "
                           << std::strerror(info.error());
    EXPECT_EQ(info->device_id, node->properties.get("device_id"));
    EXPECT_NE(info->family.rfind("unknown", 0), 0u) << info->family;
    EXPECT_GT(info->vram_size, 0u);
    EXPECT_GT(info->gtt_size, 0u);
    EXPECT_FALSE(info->firmware.empty());
    capnp::MallocMessageBuilder message;
    auto g = message.initRoot<schema::GpuInfo>();
    fill_gpu_info(g, *node, &*info);
    EXPECT_EQ(g.getFamily().cStr(), info->family);
    EXPECT_EQ(g.getFirmware().size(), info->firmware.size());
  }
}

// --- topology -> GpuInfo -----------------------------------------------------

TEST(GpuInfoFillTest, PciLocation) {
  gpu::Node node;
  node.properties.set("domain", 1);
  node.properties.set("location_id", (0xc3u << 8) | (0x1fu << 3) | 7u);
  EXPECT_EQ(pci_location(node), "0001:c3:1f.7");
  node.properties.set("domain", 0);
  node.properties.set("location_id", 0x0300);
  EXPECT_EQ(pci_location(node), "0000:03:00.0");
}

struct Expected {
  sim::SimTarget target;
  const char* gfx;
  uint32_t gfx_version, device_id, compute_units, sdma, sdma_xgmi;
  uint64_t vram;
};

class GpuInfoFillSimTest : public ::testing::TestWithParam<Expected> {};

TEST_P(GpuInfoFillSimTest, FillsEveryTopologyField) {
  const Expected& e = GetParam();
  auto kfd = sim_kfd({e.target, 2, false});
  ASSERT_NE(kfd, nullptr);
  const auto nodes = kfd->topology().gpu_nodes();
  ASSERT_EQ(nodes.size(), 2u);
  for (uint32_t i = 0; i < 2; ++i) {
    capnp::MallocMessageBuilder message;
    auto g = message.initRoot<schema::GpuInfo>();
    fill_gpu_info(g, *nodes[i], nullptr);
    SCOPED_TRACE(i);
    EXPECT_EQ(g.getNodeId(), i + 1);
    EXPECT_EQ(g.getGpuId(), sim::sim_gpu_id(i));
    EXPECT_STREQ(g.getGfxTarget().cStr(), e.gfx);
    EXPECT_EQ(g.getGfxTargetVersion(), e.gfx_version);
    EXPECT_EQ(g.getVendorId(), 0x1002u);
    EXPECT_EQ(g.getDeviceId(), e.device_id);
    EXPECT_EQ(g.getRevisionId(), 0u);  // KFD has no revision; DRM adds it
    EXPECT_EQ(g.getVramBytes(), e.vram);
    EXPECT_EQ(g.getHostVisibleVramBytes(), e.vram);  // large BAR: FB_PUBLIC
    EXPECT_EQ(g.getGttBytes(), 0u);                  // DRM only
    EXPECT_EQ(g.getComputeUnits(), e.compute_units);
    EXPECT_EQ(g.getXccCount(), 1u);
    EXPECT_EQ(g.getWaveSize(), 64u);
    EXPECT_EQ(g.getSdmaEngines(), e.sdma);
    EXPECT_EQ(g.getSdmaXgmiEngines(), e.sdma_xgmi);
    EXPECT_EQ(g.getDrmRenderMinor(), 128 + i);
    EXPECT_EQ(std::string(g.getPciLocation().cStr()), "0000:0" + std::to_string(i + 1) + ":00.0");
    EXPECT_EQ(g.getUniqueId(), 0xa3d0000000000000ull + i);
    EXPECT_STREQ(g.getMarketingName().cStr(), "");
    EXPECT_STREQ(g.getFamily().cStr(), "");
    auto fw = g.getFirmware();
    ASSERT_EQ(fw.size(), 2u);
    EXPECT_STREQ(fw[0].getName().cStr(), "mec");
    EXPECT_EQ(fw[0].getVersion(), 150u);
    EXPECT_STREQ(fw[1].getName().cStr(), "sdma0");
    EXPECT_EQ(fw[1].getVersion(), 20u);
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, GpuInfoFillSimTest,
                         ::testing::Values(Expected{sim::SimTarget::kGfx942, "gfx942", 90402,
                                                    0x74a1, 152 / 4, 2, 2, 24 * kGiB},
                                           Expected{sim::SimTarget::kGfx90a, "gfx90a", 90010,
                                                    0x740f, 416 / 4, 2, 3, 64 * kGiB}),
                         [](const auto& p) { return std::string(p.param.gfx); });

TEST(GpuInfoFillTest, SmallBarHasNoFbPublicVram) {
  auto kfd = sim_kfd({sim::SimTarget::kGfx942, 1, true});
  ASSERT_NE(kfd, nullptr);
  capnp::MallocMessageBuilder message;
  auto g = message.initRoot<schema::GpuInfo>();
  fill_gpu_info(g, *kfd->topology().gpu_nodes()[0], nullptr);
  EXPECT_EQ(g.getVramBytes(), 24 * kGiB);
  EXPECT_EQ(g.getHostVisibleVramBytes(), 0u);
}

TEST(GpuInfoFillTest, DrmInfoAddsWhatTopologyLacks) {
  auto kfd = sim_kfd({sim::SimTarget::kGfx942, 1, true});
  ASSERT_NE(kfd, nullptr);
  DrmDeviceInfo drm;
  drm.marketing_name = "AMD Instinct MI300X";
  drm.family_id = 141;
  drm.family = family_name(141);
  drm.pci_rev_id = 0xc1;
  drm.vis_vram_size = 256ull << 20;
  drm.gtt_size = 128 * kGiB;
  drm.chip_rev = 1;
  drm.chip_external_rev = 0x41;
  drm.vram_bit_width = 8192;
  drm.firmware = {{"mec", 151}, {"mec2", 151}, {"sdma0", 21}, {"sdma1", 21}};
  capnp::MallocMessageBuilder message;
  auto g = message.initRoot<schema::GpuInfo>();
  fill_gpu_info(g, *kfd->topology().gpu_nodes()[0], &drm);
  EXPECT_STREQ(g.getMarketingName().cStr(), "AMD Instinct MI300X");
  EXPECT_STREQ(g.getFamily().cStr(), "AI");
  EXPECT_EQ(g.getRevisionId(), 0xc1u);
  EXPECT_EQ(g.getVramBytes(), 24 * kGiB);  // topology's
  EXPECT_EQ(g.getHostVisibleVramBytes(), 256ull << 20);
  EXPECT_EQ(g.getGttBytes(), 128 * kGiB);
  EXPECT_EQ(g.getChipRevision(), 1u);
  EXPECT_EQ(g.getChipExternalRevision(), 0x41u);
  EXPECT_EQ(g.getVramBitWidth(), 8192u);
  auto fw = g.getFirmware();
  ASSERT_EQ(fw.size(), 4u);
  for (unsigned i = 0; i < 4; ++i) {
    EXPECT_EQ(fw[i].getName().cStr(), drm.firmware[i].first);
    EXPECT_EQ(fw[i].getVersion(), drm.firmware[i].second);
  }
  EXPECT_STREQ(g.getGfxTarget().cStr(), "gfx942");  // topology fields unchanged
  EXPECT_EQ(g.getComputeUnits(), 38u);
}

TEST(GpuInfoFillTest, HeaderListsEveryGpuInTopologyOrder) {
  auto kfd = sim_kfd({sim::SimTarget::kGfx90a, 4, false});
  ASSERT_NE(kfd, nullptr);
  capnp::MallocMessageBuilder message;
  auto header = message.initRoot<schema::Header>();
  fill_gpu_infos(header, kfd->topology(), DrmQuery::kNone);
  auto gpus = header.getGpus();
  ASSERT_EQ(gpus.size(), 4u);
  for (unsigned i = 0; i < 4; ++i) {
    EXPECT_EQ(gpus[i].getNodeId(), i + 1);
    EXPECT_EQ(gpus[i].getGpuId(), sim::sim_gpu_id(i));
    EXPECT_STREQ(gpus[i].getGfxTarget().cStr(), "gfx90a");
  }
}

TEST(GpuInfoFillTest, FailedRenderNodeQueryLeavesTopologyFields) {
  // The sim's render minors (128..) name no node here: the query fails and
  // the GPU is still described from topology.
  if (std::filesystem::exists("/dev/dri/renderD128")) {
    GTEST_SKIP() << "/dev/dri/renderD128 exists: it is a real GPU, not the sim's";
  }
  auto kfd = sim_kfd({sim::SimTarget::kGfx942, 1, false});
  ASSERT_NE(kfd, nullptr);
  capnp::MallocMessageBuilder message;
  auto header = message.initRoot<schema::Header>();
  fill_gpu_infos(header, kfd->topology(), DrmQuery::kRenderNodes);
  ASSERT_EQ(header.getGpus().size(), 1u);
  EXPECT_STREQ(header.getGpus()[0].getGfxTarget().cStr(), "gfx942");
  EXPECT_STREQ(header.getGpus()[0].getFamily().cStr(), "");
  EXPECT_EQ(header.getGpus()[0].getFirmware().size(), 2u);
}

}  // namespace
}  // namespace amdrr::kmd::testing

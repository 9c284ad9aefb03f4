#pragma once
// gfx_target_version as KFD prints it: major*10000 + minor*100 + stepping,
// while the ISA name prints minor and stepping in hex: 90402 -> gfx942,
// 90010 -> gfx90a, 110000 -> gfx1100 [S-DEV].

#include <cstdint>
#include <string>

namespace amdrr::gpu {

struct GfxVersion {
  uint32_t major = 0;
  uint32_t minor = 0;
  uint32_t stepping = 0;

  static GfxVersion from_target_version(uint32_t gfx_target_version) {
    return {gfx_target_version / 10000, (gfx_target_version / 100) % 100, gfx_target_version % 100};
  }
  uint32_t target_version() const { return major * 10000 + minor * 100 + stepping; }
  /// "gfx942", "gfx90a", "gfx1100".
  std::string name() const;
  friend auto operator<=>(const GfxVersion&, const GfxVersion&) = default;
};

}  // namespace amdrr::gpu

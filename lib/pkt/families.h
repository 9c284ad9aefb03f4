#pragma once
// Packet-layout families. A GPU target (lib/gpu) names one of each; the packet
// tables in lib/pkt are selected by them, never by comparing gfx versions.

#include <cstdint>

namespace amdrr::pkt {

/// Which PM4 packet layouts the command processor understands.
enum class Pm4Family : uint8_t {
  kGfx9,   // gfx90a, gfx942 (soc15d.h, kfd_pm4_headers_ai.h)
  kGfx11,  // gfx1100 (nvd.h); engines later
};

/// SDMA IP version; packet layouts and copy limits differ by version.
enum class SdmaVersion : uint8_t {
  kV4_4,  // gfx90a (4.4.0), gfx942 (4.4.2)
  kV5_2,  // gfx1030
  kV6_0,  // gfx1100
};

/// AQL is one layout everywhere (HSA); kept as an enum so targets name it alike.
enum class AqlFamily : uint8_t { kHsa1 };

}  // namespace amdrr::pkt

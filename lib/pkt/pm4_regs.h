#pragma once
// Names of the registers the driver writes with SET_SH_REG / SET_UCONFIG_REG,
// per family, as absolute dword addresses (SET_SH_REG offset = addr - 0x2C00).
// GFX9 from gc_9_4_3 (tinygrad regs.py + vega_offsets.py, base 0x2000); GFX11
// from gc_11_0_0 (base 0x1260); see reference section 3.4. UNVERIFIED: gfx90a
// (gc 9.4.2) uses the gc 9.4.3 offsets.

#include <array>
#include <optional>
#include <span>
#include <string_view>

#include "lib/pkt/desc.h"
#include "lib/pkt/families.h"

namespace amdrr::pkt::pm4 {

// Registers at the same address on GFX9 and GFX11; RSRC3 is the one that moves.
inline constexpr auto kComputeCommonRegs =
    std::to_array<RegName>({{0x2E00, "COMPUTE_DISPATCH_INITIATOR"},
                            {0x2E01, "COMPUTE_DIM_X"},
                            {0x2E02, "COMPUTE_DIM_Y"},
                            {0x2E03, "COMPUTE_DIM_Z"},
                            {0x2E04, "COMPUTE_START_X"},
                            {0x2E05, "COMPUTE_START_Y"},
                            {0x2E06, "COMPUTE_START_Z"},
                            {0x2E07, "COMPUTE_NUM_THREAD_X"},
                            {0x2E08, "COMPUTE_NUM_THREAD_Y"},
                            {0x2E09, "COMPUTE_NUM_THREAD_Z"},
                            {0x2E0A, "COMPUTE_PIPELINESTAT_ENABLE"},
                            {0x2E0B, "COMPUTE_PERFCOUNT_ENABLE"},
                            {0x2E0C, "COMPUTE_PGM_LO"},
                            {0x2E0D, "COMPUTE_PGM_HI"},
                            {0x2E0E, "COMPUTE_DISPATCH_PKT_ADDR_LO"},
                            {0x2E0F, "COMPUTE_DISPATCH_PKT_ADDR_HI"},
                            {0x2E10, "COMPUTE_DISPATCH_SCRATCH_BASE_LO"},
                            {0x2E11, "COMPUTE_DISPATCH_SCRATCH_BASE_HI"},
                            {0x2E12, "COMPUTE_PGM_RSRC1"},
                            {0x2E13, "COMPUTE_PGM_RSRC2"},
                            {0x2E14, "COMPUTE_VMID"},
                            {0x2E15, "COMPUTE_RESOURCE_LIMITS"},
                            {0x2E16, "COMPUTE_STATIC_THREAD_MGMT_SE0"},
                            {0x2E17, "COMPUTE_STATIC_THREAD_MGMT_SE1"},
                            {0x2E18, "COMPUTE_TMPRING_SIZE"},
                            {0x2E19, "COMPUTE_STATIC_THREAD_MGMT_SE2"},
                            {0x2E1A, "COMPUTE_STATIC_THREAD_MGMT_SE3"},
                            {0x2E1B, "COMPUTE_RESTART_X"},
                            {0x2E1C, "COMPUTE_RESTART_Y"},
                            {0x2E1D, "COMPUTE_RESTART_Z"},
                            {0x2E1E, "COMPUTE_THREAD_TRACE_ENABLE"},
                            {0x2E1F, "COMPUTE_MISC_RESERVED"},
                            {0x2E20, "COMPUTE_DISPATCH_ID"},
                            {0x2E40, "COMPUTE_USER_DATA_0"},
                            {0x2E41, "COMPUTE_USER_DATA_1"},
                            {0x2E42, "COMPUTE_USER_DATA_2"},
                            {0x2E43, "COMPUTE_USER_DATA_3"},
                            {0x2E44, "COMPUTE_USER_DATA_4"},
                            {0x2E45, "COMPUTE_USER_DATA_5"},
                            {0x2E46, "COMPUTE_USER_DATA_6"},
                            {0x2E47, "COMPUTE_USER_DATA_7"},
                            {0x2E48, "COMPUTE_USER_DATA_8"},
                            {0x2E49, "COMPUTE_USER_DATA_9"},
                            {0x2E4A, "COMPUTE_USER_DATA_10"},
                            {0x2E4B, "COMPUTE_USER_DATA_11"},
                            {0x2E4C, "COMPUTE_USER_DATA_12"},
                            {0x2E4D, "COMPUTE_USER_DATA_13"},
                            {0x2E4E, "COMPUTE_USER_DATA_14"},
                            {0x2E4F, "COMPUTE_USER_DATA_15"},
                            {0x2E7E, "COMPUTE_DISPATCH_END"}});
inline constexpr auto kGfx9ShRegs =
    concat(kComputeCommonRegs, std::to_array<RegName>({{0x2E2D, "COMPUTE_PGM_RSRC3"}}));
inline constexpr auto kGfx11ShRegs =
    concat(kComputeCommonRegs, std::to_array<RegName>({{0x2E28, "COMPUTE_PGM_RSRC3"}}));

inline constexpr auto kUconfigRegs = std::to_array<RegName>({{0xC200, "GRBM_GFX_INDEX"}});

/// Compile-time register address by name: `reg_addr(kGfx9ShRegs, "COMPUTE_PGM_LO")`.
consteval uint32_t reg_addr(std::span<const RegName> regs, std::string_view name) {
  for (const RegName& r : regs) {
    if (r.name == name) return r.addr;
  }
  throw "no such register";
}

/// Run-time lookups for the driver and `dump`; "" / nullopt when unknown.
std::string_view register_name(std::span<const RegName> regs, uint32_t addr);
std::optional<uint32_t> register_addr(std::span<const RegName> regs, std::string_view name);
std::span<const RegName> sh_registers(Pm4Family family);

}  // namespace amdrr::pkt::pm4

#pragma once
// SDMA packets, one entry each. v4.4 (gfx90a 4.4.0, gfx942 4.4.2) layouts are
// read in vega10_sdma_pkt_open.h; the v5 (navi10_sdma_pkt_open.h) and v6
// (sdma_v6_0_0_pkt_open.h) entries exist only where the layout differs. All
// from tinygrad a9069c177a9d extra/hip_gpu_driver/ (copies of Linux headers).
// UNVERIFIED: SDMA 4.4 packets equal vega10's (the kernel's sdma_v4_4_2.c
// builds them with the vega10 header).

#include <array>

#include "lib/pkt/desc.h"
#include "lib/pkt/pm4_enums.h"

namespace amdrr::pkt::sdma {

inline constexpr std::array<EnumName, 2> kFillSize{{{0, "BYTE"}, {2, "DWORD"}}};
inline constexpr std::array<EnumName, 2> kMemPoll{{{0, "REGISTER"}, {1, "MEMORY"}}};

constexpr Field op() {
  return {0, 0, 8, "OP", {}, Role::kOpcode};
}
constexpr Field sub_op(Role role = Role::kSubOp) {
  return {0, 8, 8, "SUB_OP", {}, role};
}

constexpr PacketDesc entry(Kind kind, std::string_view name, uint8_t opcode, int16_t sub,
                           uint32_t dwords, std::span<const Field> fields,
                           std::string_view source) {
  return PacketDesc{Engine::kSdma, kind,   name,   opcode,
                    sub,           dwords, dwords, SizeRule{static_cast<uint16_t>(dwords)},
                    fields,        {},     source};
}

// Burst NOP: COUNT following dwords belong to this NOP (amdgpu pads IBs so).
inline constexpr std::array<Field, 3> kNopFields{
    {op(), sub_op(Role::kData), {0, 16, 14, "COUNT", {}, Role::kCount}}};
inline constexpr PacketDesc kNop{Engine::kSdma,
                                 Kind::kSdmaNop,
                                 "NOP",
                                 0,
                                 -1,
                                 1,
                                 1 + 0x3FFF,
                                 SizeRule{1, 0, 16, 14},
                                 kNopFields,
                                 "DATA",
                                 "vega10_sdma_pkt_open.h"};

template <uint8_t kCountWidth>
inline constexpr std::array<Field, 12> kCopyLinearFields{{
    op(),
    sub_op(),
    {0, 16, 1, "ENCRYPT"},
    {0, 18, 1, "TMZ"},
    {0, 27, 1, "BROADCAST"},
    {1, 0, kCountWidth, "COUNT"},  // bytes - 1
    {2, 16, 2, "DST_SW"},
    {2, 24, 2, "SRC_SW"},
    {3, 0, 32, "SRC_ADDR_LO"},
    {4, 0, 32, "SRC_ADDR_HI"},
    {5, 0, 32, "DST_ADDR_LO"},
    {6, 0, 32, "DST_ADDR_HI"},
}};
inline constexpr PacketDesc kCopyLinearV4 = entry(Kind::kSdmaCopyLinear, "COPY_LINEAR", 1, 0, 7,
                                                  kCopyLinearFields<22>, "vega10_sdma_pkt_open.h");
// v6: COUNT grows to 30 bits. UNVERIFIED: the v6-only header bits (CPV [19],
// BACKWARDS [25], cache policies in dw2) are not described yet.
inline constexpr PacketDesc kCopyLinearV6 = entry(Kind::kSdmaCopyLinear, "COPY_LINEAR", 1, 0, 7,
                                                  kCopyLinearFields<30>, "sdma_v6_0_0_pkt_open.h");

template <uint8_t kCountWidth>
inline constexpr std::array<Field, 8> kConstantFillFields{{
    op(),
    sub_op(Role::kData),
    {0, 16, 2, "SW"},
    {0, 30, 2, "FILLSIZE", kFillSize},  // values from kfdtest (UNVERIFIED path)
    {1, 0, 32, "DST_ADDR_LO"},
    {2, 0, 32, "DST_ADDR_HI"},
    {3, 0, 32, "SRC_DATA"},
    {4, 0, kCountWidth, "COUNT"},  // bytes - 1
}};
inline constexpr PacketDesc kConstantFillV4 =
    entry(Kind::kSdmaConstantFill, "CONSTANT_FILL", 11, -1, 5, kConstantFillFields<22>,
          "vega10_sdma_pkt_open.h");
inline constexpr PacketDesc kConstantFillV6 =
    entry(Kind::kSdmaConstantFill, "CONSTANT_FILL", 11, -1, 5, kConstantFillFields<30>,
          "sdma_v6_0_0_pkt_open.h");

inline constexpr std::array<Field, 8> kWriteUntiledFields{{
    op(),
    sub_op(),
    {0, 16, 1, "ENCRYPT"},
    {0, 18, 1, "TMZ"},
    {1, 0, 32, "DST_ADDR_LO"},
    {2, 0, 32, "DST_ADDR_HI"},
    {3, 0, 20, "COUNT", {}, Role::kCount},  // data dwords - 1
    {3, 24, 2, "SW"},
}};
inline constexpr PacketDesc kWriteUntiled{Engine::kSdma,
                                          Kind::kSdmaWriteUntiled,
                                          "WRITE_UNTILED",
                                          2,
                                          0,
                                          5,
                                          5 + 0xFFFFF,
                                          SizeRule{5, 3, 0, 20},
                                          kWriteUntiledFields,
                                          "DATA",
                                          "vega10_sdma_pkt_open.h"};

inline constexpr std::array<Field, 5> kFenceV4Fields{{
    op(),
    sub_op(Role::kData),
    {1, 0, 32, "ADDR_LO"},
    {2, 0, 32, "ADDR_HI"},
    {3, 0, 32, "DATA"},
}};
inline constexpr PacketDesc kFenceV4 =
    entry(Kind::kSdmaFence, "FENCE", 5, -1, 4, kFenceV4Fields, "vega10_sdma_pkt_open.h");
inline constexpr auto kFenceV5Fields = concat(kFenceV4Fields, std::array<Field, 5>{{
                                                                  {0, 16, 3, "MTYPE"},
                                                                  {0, 19, 1, "GCC"},
                                                                  {0, 20, 1, "SYS"},
                                                                  {0, 22, 1, "SNP"},
                                                                  {0, 23, 1, "GPA"},
                                                              }});
inline constexpr PacketDesc kFenceV5 =
    entry(Kind::kSdmaFence, "FENCE", 5, -1, 4, kFenceV5Fields, "navi10_sdma_pkt_open.h");
// UNVERIFIED: LLC_POLICY width (one bit assumed).
inline constexpr auto kFenceV6Fields = concat(kFenceV5Fields, std::array<Field, 2>{{
                                                                  {0, 26, 1, "LLC_POLICY"},
                                                                  {0, 28, 1, "CPV"},
                                                              }});
inline constexpr PacketDesc kFenceV6 =
    entry(Kind::kSdmaFence, "FENCE", 5, -1, 4, kFenceV6Fields, "sdma_v6_0_0_pkt_open.h");

inline constexpr std::array<Field, 3> kTrapFields{{
    op(),
    sub_op(Role::kData),
    {1, 0, 28, "INT_CONTEXT"},
}};
inline constexpr PacketDesc kTrap =
    entry(Kind::kSdmaTrap, "TRAP", 6, -1, 2, kTrapFields, "vega10_sdma_pkt_open.h");

inline constexpr std::array<Field, 11> kPollRegmemFields{{
    op(),
    sub_op(Role::kData),
    {0, 26, 1, "HDP_FLUSH"},
    {0, 28, 3, "FUNC", pm4::kCompareFunction},
    {0, 31, 1, "MEM_POLL", kMemPoll},
    {1, 0, 32, "ADDR_LO"},
    {2, 0, 32, "ADDR_HI"},
    {3, 0, 32, "VALUE"},
    {4, 0, 32, "MASK"},
    {5, 0, 16, "INTERVAL"},
    {5, 16, 12, "RETRY_COUNT"},  // 0xFFF = retry forever (mesa)
}};
inline constexpr PacketDesc kPollRegmem = entry(Kind::kSdmaPollRegmem, "POLL_REGMEM", 8, -1, 6,
                                                kPollRegmemFields, "vega10_sdma_pkt_open.h");

// WRITE_ADDR_LO keeps the whole dword; the address must be 8-byte aligned.
inline constexpr std::array<Field, 4> kTimestampFields{{
    op(),
    sub_op(),
    {1, 0, 32, "WRITE_ADDR_LO"},
    {2, 0, 32, "WRITE_ADDR_HI"},
}};
inline constexpr PacketDesc kTimestampGetGlobal =
    entry(Kind::kSdmaTimestampGetGlobal, "TIMESTAMP_GET_GLOBAL", 13, 2, 3, kTimestampFields,
          "vega10_sdma_pkt_open.h");

inline constexpr std::array<Field, 11> kAtomicFields{{
    op(),
    {0, 16, 1, "LOOP"},
    {0, 18, 1, "TMZ"},
    {0, 25, 7, "ATOMIC_OP", pm4::kTcOpAtomic},
    {1, 0, 32, "ADDR_LO"},
    {2, 0, 32, "ADDR_HI"},
    {3, 0, 32, "SRC_DATA_LO"},
    {4, 0, 32, "SRC_DATA_HI"},
    {5, 0, 32, "CMP_DATA_LO"},
    {6, 0, 32, "CMP_DATA_HI"},
    {7, 0, 13, "LOOP_INTERVAL"},
}};
inline constexpr PacketDesc kAtomic =
    entry(Kind::kSdmaAtomic, "ATOMIC", 10, -1, 8, kAtomicFields, "vega10_sdma_pkt_open.h");

inline constexpr std::array<Field, 8> kIndirectFields{{
    op(),
    sub_op(Role::kData),
    {0, 16, 4, "VMID"},
    {1, 0, 32, "IB_BASE_LO"},
    {2, 0, 32, "IB_BASE_HI"},
    {3, 0, 20, "IB_SIZE"},
    {4, 0, 32, "CSA_ADDR_LO"},
    {5, 0, 32, "CSA_ADDR_HI"},
}};
inline constexpr PacketDesc kIndirect =
    entry(Kind::kSdmaIndirect, "INDIRECT", 4, -1, 6, kIndirectFields, "vega10_sdma_pkt_open.h");

// SDMA ops the hardware has (reference §4.1) whose layouts, or other sub-ops
// of which, no entry above describes: reported as "unsupported by the
// emulator". UNVERIFIED: which sub-ops of these ops exist per version.
inline constexpr std::array<EnumName, 10> kUndescribedOps{{
    {1, "COPY"},
    {2, "WRITE"},
    {7, "SEM"},
    {9, "COND_EXE"},
    {12, "PTEPDE"},
    {13, "TIMESTAMP"},
    {14, "SRBM_WRITE"},
    {15, "PRE_EXE"},
    {16, "DUMMY_TRAP_OR_GPUVM_INV"},
    {17, "GCR_REQ"},
}};

}  // namespace amdrr::pkt::sdma

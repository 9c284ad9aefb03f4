#pragma once
// AQL (HSA) packets: 64 bytes = 16 dwords each, one layout everywhere. Offsets
// from ROCR hsa.h / hsa_ext_amd.h via tinygrad autogen/hsa.py (a9069c177a9d);
// the PM4-IB vendor packet from ROCR amd_aql_queue.cpp and tinygrad ops_amd.py
// (_pm4_pkt). Field names are hsa.h's, upper-cased.

#include <array>

#include "lib/pkt/desc.h"

namespace amdrr::pkt::aql {

inline constexpr uint32_t kPacketDwords = 16;

inline constexpr std::array<EnumName, 6> kPacketType{{{0, "VENDOR_SPECIFIC"},
                                                      {1, "INVALID"},
                                                      {2, "KERNEL_DISPATCH"},
                                                      {3, "BARRIER_AND"},
                                                      {4, "AGENT_DISPATCH"},
                                                      {5, "BARRIER_OR"}}};
inline constexpr std::array<EnumName, 3> kFenceScope{{{0, "NONE"}, {1, "AGENT"}, {2, "SYSTEM"}}};
inline constexpr std::array<EnumName, 3> kAmdFormat{
    {{1, "PM4_IB"}, {2, "BARRIER_VALUE"}, {3, "AIE_ERT"}}};

inline constexpr uint8_t kTypeVendorSpecific = 0;
inline constexpr uint8_t kTypeInvalid = 1;
inline constexpr uint8_t kTypeKernelDispatch = 2;
inline constexpr uint8_t kTypeBarrierAnd = 3;
inline constexpr uint8_t kTypeAgentDispatch = 4;
inline constexpr uint8_t kTypeBarrierOr = 5;
inline constexpr uint8_t kAmdFormatPm4Ib = 1;
inline constexpr uint8_t kAmdFormatBarrierValue = 2;

// hsa_packet_header_t: TYPE [7:0], BARRIER [8], SCACQUIRE [10:9], SCRELEASE [12:11].
inline constexpr std::array<Field, 4> kHeader{{
    {0, 0, 8, "TYPE", kPacketType, Role::kOpcode},
    {0, 8, 1, "BARRIER"},
    {0, 9, 2, "SCACQUIRE_FENCE_SCOPE", kFenceScope},
    {0, 11, 2, "SCRELEASE_FENCE_SCOPE", kFenceScope},
}};
inline constexpr std::array<Field, 2> kCompletionSignal{{
    {14, 0, 32, "COMPLETION_SIGNAL_LO"},
    {15, 0, 32, "COMPLETION_SIGNAL_HI"},
}};

constexpr PacketDesc entry(Kind kind, std::string_view name, uint8_t type, int16_t format,
                           std::span<const Field> fields, std::string_view source) {
  return PacketDesc{Engine::kAql,  kind,
                    name,          type,
                    format,        kPacketDwords,
                    kPacketDwords, SizeRule{kPacketDwords},
                    fields,        {},
                    source};
}

inline constexpr auto kKernelDispatchFields =
    concat(concat(kHeader, std::array<Field, 17>{{
                               {0, 16, 2, "SETUP_DIMENSIONS"},
                               {0, 18, 14, "SETUP_RESERVED"},
                               {1, 0, 16, "WORKGROUP_SIZE_X"},
                               {1, 16, 16, "WORKGROUP_SIZE_Y"},
                               {2, 0, 16, "WORKGROUP_SIZE_Z"},
                               {2, 16, 16, "RESERVED0"},
                               {3, 0, 32, "GRID_SIZE_X"},  // work-items, not groups
                               {4, 0, 32, "GRID_SIZE_Y"},
                               {5, 0, 32, "GRID_SIZE_Z"},
                               {6, 0, 32, "PRIVATE_SEGMENT_SIZE"},
                               {7, 0, 32, "GROUP_SEGMENT_SIZE"},
                               {8, 0, 32, "KERNEL_OBJECT_LO"},
                               {9, 0, 32, "KERNEL_OBJECT_HI"},
                               {10, 0, 32, "KERNARG_ADDRESS_LO"},
                               {11, 0, 32, "KERNARG_ADDRESS_HI"},
                               {12, 0, 32, "RESERVED2_LO"},
                               {13, 0, 32, "RESERVED2_HI"},
                           }}),
           kCompletionSignal);
inline constexpr PacketDesc kKernelDispatch =
    entry(Kind::kAqlKernelDispatch, "KERNEL_DISPATCH", kTypeKernelDispatch, -1,
          kKernelDispatchFields, "hsa.h hsa_kernel_dispatch_packet_t");

// Barrier-AND and barrier-OR share one layout: five dependent signals.
inline constexpr auto kBarrierFields = concat(concat(kHeader, std::array<Field, 14>{{
                                                                  {0, 16, 16, "RESERVED0"},
                                                                  {1, 0, 32, "RESERVED1"},
                                                                  {2, 0, 32, "DEP_SIGNAL0_LO"},
                                                                  {3, 0, 32, "DEP_SIGNAL0_HI"},
                                                                  {4, 0, 32, "DEP_SIGNAL1_LO"},
                                                                  {5, 0, 32, "DEP_SIGNAL1_HI"},
                                                                  {6, 0, 32, "DEP_SIGNAL2_LO"},
                                                                  {7, 0, 32, "DEP_SIGNAL2_HI"},
                                                                  {8, 0, 32, "DEP_SIGNAL3_LO"},
                                                                  {9, 0, 32, "DEP_SIGNAL3_HI"},
                                                                  {10, 0, 32, "DEP_SIGNAL4_LO"},
                                                                  {11, 0, 32, "DEP_SIGNAL4_HI"},
                                                                  {12, 0, 32, "RESERVED2_LO"},
                                                                  {13, 0, 32, "RESERVED2_HI"},
                                                              }}),
                                              kCompletionSignal);
inline constexpr PacketDesc kBarrierAnd =
    entry(Kind::kAqlBarrierAnd, "BARRIER_AND", kTypeBarrierAnd, -1, kBarrierFields,
          "hsa.h hsa_barrier_and_packet_t");
inline constexpr PacketDesc kBarrierOr = entry(Kind::kAqlBarrierOr, "BARRIER_OR", kTypeBarrierOr,
                                               -1, kBarrierFields, "hsa.h hsa_barrier_or_packet_t");

// amd_aql_pm4_ib: dw1..4 hold a complete PM4 INDIRECT_BUFFER packet (decode
// them with the PM4 table); DW_CNT_REMAIN is 10 in ROCR and tinygrad.
inline constexpr auto kVendorPm4IbFields =
    concat(concat(kHeader, std::array<Field, 15>{{
                               {0, 16, 8, "AMD_FORMAT", kAmdFormat, Role::kSubOp},
                               {0, 24, 8, "RESERVED"},
                               {1, 0, 32, "IB_JUMP_CMD0"},
                               {2, 0, 32, "IB_JUMP_CMD1"},
                               {3, 0, 32, "IB_JUMP_CMD2"},
                               {4, 0, 32, "IB_JUMP_CMD3"},
                               {5, 0, 32, "DW_CNT_REMAIN"},
                               {6, 0, 32, "RESERVED0"},
                               {7, 0, 32, "RESERVED1"},
                               {8, 0, 32, "RESERVED2"},
                               {9, 0, 32, "RESERVED3"},
                               {10, 0, 32, "RESERVED4"},
                               {11, 0, 32, "RESERVED5"},
                               {12, 0, 32, "RESERVED6"},
                               {13, 0, 32, "RESERVED7"},
                           }}),
           kCompletionSignal);
inline constexpr PacketDesc kVendorPm4Ib =
    entry(Kind::kAqlVendorPm4Ib, "AMD_AQL_FORMAT_PM4_IB", kTypeVendorSpecific, kAmdFormatPm4Ib,
          kVendorPm4IbFields, "ROCR amd_aql_pm4_ib; tinygrad ops_amd.py _pm4_pkt");

}  // namespace amdrr::pkt::aql

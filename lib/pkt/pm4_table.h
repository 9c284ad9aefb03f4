#pragma once
// PM4 type-3 packets the compute engines use, one entry each. GFX9 layouts are
// from soc15d.h and kfd_pm4_headers_ai.h; GFX11 entries exist only where the
// layout differs (nvd.h). Sources: tinygrad a9069c177a9d extra/hip_gpu_driver/
// (copies of the Linux headers) and tinygrad/runtime/autogen/am/pm4_soc15.py.

#include <array>

#include "lib/pkt/desc.h"
#include "lib/pkt/pm4_enums.h"

namespace amdrr::pkt::pm4 {

inline constexpr uint32_t kShRegBase = 0x2C00;       // PACKET3_SET_SH_REG_START
inline constexpr uint32_t kShRegEnd = 0x3000;        // exclusive
inline constexpr uint32_t kUconfigRegBase = 0xC000;  // PACKET3_SET_UCONFIG_REG_START
inline constexpr uint32_t kUconfigRegEnd = 0x10000;  // UNVERIFIED: soc15d.h names 0xC000-0xC3FF
inline constexpr uint32_t kNopPadCount = 0x3FFF;     // header-only NOP (mesa PKT3_NOP_PAD)
inline constexpr uint32_t kMaxPacketDwords = 2 + 0x3FFF;

// Type-3 header: [31:30]=3, [29:16] COUNT = body dwords - 1, [15:8] IT_OPCODE,
// [1] SHADER_TYPE, [0] PREDICATE (soc15d.h PACKET3 / PACKET3_COMPUTE).
inline constexpr std::array<Field, 5> kHeader{{
    {0, 0, 1, "PREDICATE"},
    {0, 1, 1, "SHADER_TYPE", kShaderType},
    {0, 8, 8, "IT_OPCODE", {}, Role::kOpcode},
    {0, 16, 14, "COUNT", {}, Role::kCount},
    {0, 30, 2, "TYPE", {}, Role::kFixed, 3},
}};
inline constexpr SizeRule kHeaderSize{2, 0, 16, 14};

constexpr PacketDesc type3(Kind kind, std::string_view name, uint8_t opcode, uint32_t min_dw,
                           uint32_t max_dw, std::span<const Field> fields,
                           std::string_view payload = {}, std::string_view source = {}) {
  return PacketDesc{Engine::kPm4, kind,        name,   opcode,  -1,    min_dw,
                    max_dw,       kHeaderSize, fields, payload, source};
}

// Type-2 filler dword (soc15d.h CP_PACKET2 = 0x80000000).
inline constexpr std::array<Field, 2> kType2Fields{{
    {0, 0, 30, "PAD"},
    {0, 30, 2, "TYPE", {}, Role::kFixed, 2},
}};
inline constexpr PacketDesc kType2{Engine::kPm4, Kind::kPm4Type2Nop, "PACKET2", 0,         -1, 1, 1,
                                   SizeRule{1},  kType2Fields,       {},        "soc15d.h"};

inline constexpr auto kNopFields = concat(kHeader, std::array<Field, 0>{});
inline constexpr PacketDesc kNop =
    type3(Kind::kPm4Nop, "NOP", 0x10, 1, kMaxPacketDwords, kNopFields, "PAYLOAD", "soc15d.h");

inline constexpr auto kSetShRegFields = concat(kHeader, std::array<Field, 3>{{
                                                            {1, 0, 16, "REG_OFFSET"},
                                                            {1, 23, 5, "VMID_SHIFT"},
                                                            {1, 28, 4, "INDEX"},
                                                        }});
inline constexpr PacketDesc kSetShReg =
    type3(Kind::kPm4SetShReg, "SET_SH_REG", 0x76, 3, kMaxPacketDwords, kSetShRegFields, "REG_DATA",
          "soc15d.h, pm4_soc15.py");

inline constexpr auto kSetUconfigRegFields =
    concat(kHeader, std::array<Field, 1>{{{1, 0, 16, "REG_OFFSET"}}});
inline constexpr PacketDesc kSetUconfigReg =
    type3(Kind::kPm4SetUconfigReg, "SET_UCONFIG_REG", 0x79, 3, kMaxPacketDwords,
          kSetUconfigRegFields, "REG_DATA", "soc15d.h");

// dw2 is a memory address (bits [31:2]) or a register offset [17:0] by DST_SEL;
// described as the whole dword so both forms round-trip.
inline constexpr auto kWriteDataFields =
    concat(kHeader, std::array<Field, 8>{{
                        {1, 8, 4, "DST_SEL", kWriteDataDstSel},
                        {1, 16, 1, "ADDR_INCR"},
                        {1, 19, 1, "RESUME_VF"},
                        {1, 20, 1, "WR_CONFIRM"},
                        {1, 25, 2, "CACHE_POLICY", kCachePolicy},
                        {1, 30, 2, "ENGINE_SEL", kEngineSel},
                        {2, 0, 32, "DST_ADDR_LO"},
                        {3, 0, 32, "DST_ADDR_HI"},
                    }});
inline constexpr PacketDesc kWriteData =
    type3(Kind::kPm4WriteData, "WRITE_DATA", 0x37, 5, kMaxPacketDwords, kWriteDataFields, "DATA",
          "kfd_pm4_headers_ai.h, pm4_soc15.py");

// Memory form: dw2/3 = poll address. Register form: dw2 = register, dw3 =
// second register (OPERATION=WR_WAIT_WR_REG).
inline constexpr auto kWaitRegMemFields =
    concat(kHeader, std::array<Field, 13>{{
                        {1, 0, 3, "FUNCTION", kCompareFunction},
                        {1, 4, 2, "MEM_SPACE", kMemSpace},
                        {1, 6, 2, "OPERATION", kWaitOperation},
                        {1, 8, 2, "ENGINE", kEngineSel},
                        {1, 22, 2, "MES_INTR_PIPE"},
                        {1, 24, 1, "MES_ACTION"},
                        {1, 25, 2, "CACHE_POLICY", kCachePolicy},
                        {2, 0, 32, "POLL_ADDRESS_LO"},
                        {3, 0, 32, "POLL_ADDRESS_HI"},
                        {4, 0, 32, "REFERENCE"},
                        {5, 0, 32, "MASK"},
                        {6, 0, 16, "POLL_INTERVAL"},
                        {6, 31, 1, "OPTIMIZE_ACE_OFFLOAD_MODE"},
                    }});
inline constexpr PacketDesc kWaitRegMem = type3(Kind::kPm4WaitRegMem, "WAIT_REG_MEM", 0x3C, 7, 7,
                                                kWaitRegMemFields, {}, "soc15d.h, pm4_soc15.py");

inline constexpr std::array<Field, 8> kReleaseMemTail{{
    {2, 16, 2, "DST_SEL", kReleaseDstSel},
    {2, 24, 3, "INT_SEL", kReleaseIntSel},
    {2, 29, 3, "DATA_SEL", kReleaseDataSel},
    {3, 0, 32, "ADDRESS_LO"},
    {4, 0, 32, "ADDRESS_HI"},
    {5, 0, 32, "DATA_LO"},
    {6, 0, 32, "DATA_HI"},
    {7, 0, 32, "INT_CTXID"},
}};
inline constexpr auto kReleaseMemGfx9Fields =
    concat(concat(kHeader, std::array<Field, 12>{{
                               {1, 0, 6, "EVENT_TYPE", kEventType},
                               {1, 8, 4, "EVENT_INDEX", kReleaseEventIndex},
                               {1, 12, 1, "TCL1_VOL_ACTION_ENA"},
                               {1, 13, 1, "TC_VOL_ACTION_ENA"},
                               {1, 15, 1, "TC_WB_ACTION_ENA"},
                               {1, 16, 1, "TCL1_ACTION_ENA"},
                               {1, 17, 1, "TC_ACTION_ENA"},
                               {1, 19, 1, "TC_NC_ACTION_ENA"},
                               {1, 20, 1, "TC_WC_ACTION_ENA"},
                               {1, 21, 1, "TC_MD_ACTION_ENA"},
                               {1, 25, 2, "CACHE_POLICY", kCachePolicy},
                               // soc15d.h EOP_EXEC is bit 28; the bitfields of
                               // kfd_pm4_headers_ai.h put pq_exe_status at 29.
                               // UNVERIFIED which one the MEC reads.
                               {1, 28, 1, "EXEC"},
                           }}),
           kReleaseMemTail);
inline constexpr PacketDesc kReleaseMemGfx9 =
    type3(Kind::kPm4ReleaseMem, "RELEASE_MEM", 0x49, 8, 8, kReleaseMemGfx9Fields, {},
          "kfd_pm4_headers_ai.h pm4_mec_release_mem");

// nvd.h: GCR bits replace the TC actions. GL2_RANGE is one bit there although
// the comment speaks of a range (UNVERIFIED width).
inline constexpr auto kReleaseMemGfx11Fields =
    concat(concat(kHeader, std::array<Field, 14>{{
                               {1, 0, 6, "EVENT_TYPE", kEventType},
                               {1, 8, 4, "EVENT_INDEX", kReleaseEventIndex},
                               {1, 12, 1, "GCR_GLM_WB"},
                               {1, 13, 1, "GCR_GLM_INV"},
                               {1, 14, 1, "GCR_GLV_INV"},
                               {1, 15, 1, "GCR_GL1_INV"},
                               {1, 16, 1, "GCR_GL2_US"},
                               {1, 17, 1, "GCR_GL2_RANGE"},
                               {1, 19, 1, "GCR_GL2_DISCARD"},
                               {1, 20, 1, "GCR_GL2_INV"},
                               {1, 21, 1, "GCR_GL2_WB"},
                               {1, 22, 1, "GCR_SEQ"},
                               {1, 25, 2, "CACHE_POLICY", kCachePolicy},
                               {1, 28, 1, "EXECUTE"},
                           }}),
           kReleaseMemTail);
inline constexpr PacketDesc kReleaseMemGfx11 =
    type3(Kind::kPm4ReleaseMem, "RELEASE_MEM", 0x49, 8, 8, kReleaseMemGfx11Fields, {}, "nvd.h");

inline constexpr std::array<Field, 5> kAcquireMemRange{{
    {2, 0, 32, "COHER_SIZE"},
    {3, 0, 8, "COHER_SIZE_HI"},
    {4, 0, 32, "COHER_BASE_LO"},
    {5, 0, 24, "COHER_BASE_HI"},
    {6, 0, 16, "POLL_INTERVAL"},
}};
inline constexpr auto kAcquireMemGfx9Fields =
    concat(concat(kHeader, std::array<Field, 14>{{
                               {1, 3, 1, "TC_NC_ACTION_ENA"},
                               {1, 4, 1, "TC_WC_ACTION_ENA"},
                               {1, 5, 1, "TC_INV_METADATA_ACTION_ENA"},
                               {1, 15, 1, "TCL1_VOL_ACTION_ENA"},
                               {1, 18, 1, "TC_WB_ACTION_ENA"},
                               {1, 22, 1, "TCL1_ACTION_ENA"},
                               {1, 23, 1, "TC_ACTION_ENA"},
                               {1, 25, 1, "CB_ACTION_ENA"},
                               {1, 26, 1, "DB_ACTION_ENA"},
                               {1, 27, 1, "SH_KCACHE_ACTION_ENA"},
                               {1, 28, 1, "SH_KCACHE_VOL_ACTION_ENA"},
                               {1, 29, 1, "SH_ICACHE_ACTION_ENA"},
                               {1, 30, 1, "SH_KCACHE_WB_ACTION_ENA"},
                               {1, 31, 1, "ENGINE_SEL"},
                           }}),
           kAcquireMemRange);
inline constexpr PacketDesc kAcquireMemGfx9 =
    type3(Kind::kPm4AcquireMem, "ACQUIRE_MEM", 0x58, 7, 7, kAcquireMemGfx9Fields, {},
          "soc15d.h CP_COHER_CNTL");

inline constexpr auto kAcquireMemGfx11Fields =
    concat(concat(concat(kHeader, std::array<Field, 2>{{
                                      {1, 0, 31, "COHER_CNTL"},
                                      {1, 31, 1, "ENGINE_SEL"},
                                  }}),
                  kAcquireMemRange),
           std::array<Field, 15>{{
               {7, 0, 2, "GCR_GLI_INV"},
               {7, 2, 2, "GCR_GL1_RANGE"},
               {7, 4, 1, "GCR_GLM_WB"},
               {7, 5, 1, "GCR_GLM_INV"},
               {7, 6, 1, "GCR_GLK_WB"},
               {7, 7, 1, "GCR_GLK_INV"},
               {7, 8, 1, "GCR_GLV_INV"},
               {7, 9, 1, "GCR_GL1_INV"},
               {7, 10, 1, "GCR_GL2_US"},
               {7, 11, 2, "GCR_GL2_RANGE"},
               {7, 13, 1, "GCR_GL2_DISCARD"},
               {7, 14, 1, "GCR_GL2_INV"},
               {7, 15, 1, "GCR_GL2_WB"},
               {7, 16, 2, "GCR_SEQ"},
               {7, 18, 1, "GCR_RANGE_IS_PA"},
           }});
inline constexpr PacketDesc kAcquireMemGfx11 = type3(
    Kind::kPm4AcquireMem, "ACQUIRE_MEM", 0x58, 8, 8, kAcquireMemGfx11Fields, {}, "nvd.h GCR_CNTL");

// COUNT=0 for plain events; events that write memory add an address (dw2/3).
inline constexpr auto kEventWriteFields =
    concat(kHeader, std::array<Field, 5>{{
                        {1, 0, 6, "EVENT_TYPE", kEventType},
                        {1, 8, 4, "EVENT_INDEX", kEventWriteIndex},
                        {1, 31, 1, "OFFLOAD_ENABLE"},
                        {2, 0, 32, "ADDRESS_LO"},
                        {3, 0, 32, "ADDRESS_HI"},
                    }});
inline constexpr PacketDesc kEventWrite = type3(Kind::kPm4EventWrite, "EVENT_WRITE", 0x46, 2, 4,
                                                kEventWriteFields, {}, "soc15d.h, pm4_soc15.py");

inline constexpr auto kCopyDataFields =
    concat(kHeader, std::array<Field, 12>{{
                        {1, 0, 4, "SRC_SEL", kCopySrcSel},
                        {1, 8, 4, "DST_SEL", kCopyDstSel},
                        {1, 13, 2, "SRC_CACHE_POLICY", kCachePolicy},
                        {1, 16, 1, "COUNT_SEL", kCountSel},
                        {1, 20, 1, "WR_CONFIRM"},
                        {1, 25, 2, "DST_CACHE_POLICY", kCachePolicy},
                        {1, 29, 1, "PQ_EXE_STATUS"},
                        {1, 30, 2, "ENGINE_SEL", kEngineSel},  // from mesa sid.h via the reference
                        {2, 0, 32, "SRC_ADDR_LO"},
                        {3, 0, 32, "SRC_ADDR_HI"},
                        {4, 0, 32, "DST_ADDR_LO"},
                        {5, 0, 32, "DST_ADDR_HI"},
                    }});
inline constexpr PacketDesc kCopyData =
    type3(Kind::kPm4CopyData, "COPY_DATA", 0x40, 6, 6, kCopyDataFields, {}, "pm4_soc15.py");

// BYTE_COUNT is [20:0] on GFX9 (soc15d.h comment) and [25:0] on GFX10+ (nvd.h).
template <uint8_t kByteCountWidth>
inline constexpr auto kDmaDataFields = concat(kHeader,
                                              std::array<Field, 16>{{
                                                  {1, 0, 1, "ENGINE_SEL", kEngineSel},
                                                  {1, 13, 2, "SRC_CACHE_POLICY", kCachePolicy},
                                                  {1, 20, 2, "DST_SEL", kDmaDstSel},
                                                  {1, 25, 2, "DST_CACHE_POLICY", kCachePolicy},
                                                  {1, 29, 2, "SRC_SEL", kDmaSrcSel},
                                                  {1, 31, 1, "CP_SYNC"},
                                                  {2, 0, 32, "SRC_ADDR_LO_OR_DATA"},
                                                  {3, 0, 32, "SRC_ADDR_HI"},
                                                  {4, 0, 32, "DST_ADDR_LO"},
                                                  {5, 0, 32, "DST_ADDR_HI"},
                                                  {6, 0, kByteCountWidth, "BYTE_COUNT"},
                                                  {6, 26, 1, "SAS"},
                                                  {6, 27, 1, "DAS"},
                                                  {6, 28, 1, "SAIC"},
                                                  {6, 29, 1, "DAIC"},
                                                  {6, 30, 1, "RAW_WAIT"},
                                              }});
inline constexpr PacketDesc kDmaDataGfx9 =
    type3(Kind::kPm4DmaData, "DMA_DATA", 0x50, 7, 7, kDmaDataFields<21>, {}, "soc15d.h");
inline constexpr PacketDesc kDmaDataGfx11 =
    type3(Kind::kPm4DmaData, "DMA_DATA", 0x50, 7, 7, kDmaDataFields<26>, {}, "nvd.h");

inline constexpr auto kAtomicMemFields = concat(
    kHeader, std::array<Field, 11>{{
                 {1, 0, 7, "ATOMIC", kTcOpAtomic},  // mesa: [6:0]; KFD header: [5:0]
                 {1, 8, 4, "COMMAND", kAtomicCommand},
                 {1, 25, 2, "CACHE_POLICY", kCachePolicy},
                 {1, 30, 2, "ENGINE_SEL", kEngineSel},  // UNVERIFIED: reference says "PFP = bit 30"
                 {2, 0, 32, "ADDR_LO"},
                 {3, 0, 32, "ADDR_HI"},
                 {4, 0, 32, "SRC_DATA_LO"},
                 {5, 0, 32, "SRC_DATA_HI"},
                 {6, 0, 32, "CMP_DATA_LO"},
                 {7, 0, 32, "CMP_DATA_HI"},
                 {8, 0, 13, "LOOP_INTERVAL"},
             }});
inline constexpr PacketDesc kAtomicMem = type3(Kind::kPm4AtomicMem, "ATOMIC_MEM", 0x1E, 9, 9,
                                               kAtomicMemFields, {}, "pm4_soc15.py, mesa sid.h");

inline constexpr auto kIndirectBufferFields =
    concat(kHeader, std::array<Field, 9>{{
                        {1, 0, 32, "IB_BASE_LO"},
                        {2, 0, 32, "IB_BASE_HI"},
                        {3, 0, 20, "IB_SIZE"},
                        {3, 20, 1, "CHAIN"},
                        {3, 21, 1, "OFFLOAD_POLLING"},
                        {3, 23, 1, "VALID"},
                        {3, 24, 4, "VMID"},
                        {3, 28, 2, "CACHE_POLICY", kCachePolicy},
                        {3, 31, 1, "PRIV"},
                    }});
inline constexpr PacketDesc kIndirectBuffer =
    type3(Kind::kPm4IndirectBuffer, "INDIRECT_BUFFER", 0x3F, 4, 4, kIndirectBufferFields, {},
          "pm4_soc15.py");

inline constexpr auto kDispatchDirectFields = concat(kHeader, std::array<Field, 4>{{
                                                                  {1, 0, 32, "DIM_X"},
                                                                  {2, 0, 32, "DIM_Y"},
                                                                  {3, 0, 32, "DIM_Z"},
                                                                  {4, 0, 32, "DISPATCH_INITIATOR"},
                                                              }});
inline constexpr PacketDesc kDispatchDirect =
    type3(Kind::kPm4DispatchDirect, "DISPATCH_DIRECT", 0x15, 5, 5, kDispatchDirectFields, {},
          "soc15d.h; layout per tinygrad ops_amd.py");

// Opcodes the hardware has (soc15d.h / nvd.h / mesa sid.h, see the reference
// §3.2) that no entry above describes. The emulator reports these as
// "unsupported by the emulator", any other opcode as a bad packet.
inline constexpr std::array<EnumName, 21> kUndescribedOpcodes{{
    {0x11, "SET_BASE"},         {0x16, "DISPATCH_INDIRECT"}, {0x1D, "ATOMIC_GDS"},
    {0x22, "COND_EXEC"},        {0x23, "PRED_EXEC"},         {0x39, "MEM_SEMAPHORE"},
    {0x42, "PFP_SYNC_ME"},      {0x45, "COND_WRITE"},        {0x59, "REWIND"},
    {0x5E, "LOAD_UCONFIG_REG"}, {0x5F, "LOAD_SH_REG"},       {0x68, "SET_CONFIG_REG"},
    {0x69, "SET_CONTEXT_REG"},  {0x77, "SET_SH_REG_OFFSET"}, {0x7A, "SET_UCONFIG_REG_INDEX"},
    {0x98, "INVALIDATE_TLBS"},  {0x9B, "SET_SH_REG_INDEX"},  {0xA0, "SET_RESOURCES"},
    {0xA2, "MAP_QUEUES"},       {0xA3, "UNMAP_QUEUES"},      {0xA4, "QUERY_STATUS"},
}};

}  // namespace amdrr::pkt::pm4

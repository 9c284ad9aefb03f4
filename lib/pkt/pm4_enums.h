#pragma once
// Value names of PM4 fields, so `dump` can print meaning. Spellings follow
// kfd_pm4_headers_ai.h / soc15d.h / nvd.h (tinygrad a9069c177a9d copies).

#include <array>

#include "lib/pkt/desc.h"

namespace amdrr::pkt::pm4 {

inline constexpr std::array<EnumName, 2> kShaderType{{{0, "GRAPHICS"}, {1, "COMPUTE"}}};

inline constexpr std::array<EnumName, 4> kCachePolicy{
    {{0, "LRU"}, {1, "STREAM"}, {2, "NOA"}, {3, "BYPASS"}}};

inline constexpr std::array<EnumName, 3> kEngineSel{{{0, "ME"}, {1, "PFP"}, {2, "CE"}}};

inline constexpr std::array<EnumName, 5> kWriteDataDstSel{
    {{0, "MEM_MAPPED_REGISTER"},
     {2, "TC_L2"},
     {3, "GDS"},
     {5, "MEMORY"},
     {6, "MEMORY_MAPPED_ADC_PERSISTENT_STATE"}}};

inline constexpr std::array<EnumName, 7> kCompareFunction{{{0, "ALWAYS_PASS"},
                                                           {1, "LESS_THAN"},
                                                           {2, "LESS_THAN_EQUAL"},
                                                           {3, "EQUAL"},
                                                           {4, "NOT_EQUAL"},
                                                           {5, "GREATER_THAN_EQUAL"},
                                                           {6, "GREATER_THAN"}}};

inline constexpr std::array<EnumName, 2> kMemSpace{{{0, "REGISTER_SPACE"}, {1, "MEMORY_SPACE"}}};

inline constexpr std::array<EnumName, 3> kWaitOperation{
    {{0, "WAIT_REG_MEM"}, {1, "WR_WAIT_WR_REG"}, {3, "WAIT_MEM_PREEMPTABLE"}}};

// VGT event types used by compute (soc_9.py / soc_11.py agree on these).
inline constexpr std::array<EnumName, 11> kEventType{{{4, "CACHE_FLUSH_TS"},
                                                      {6, "CACHE_FLUSH"},
                                                      {7, "CS_PARTIAL_FLUSH"},
                                                      {20, "CACHE_FLUSH_AND_INV_TS_EVENT"},
                                                      {22, "CACHE_FLUSH_AND_INV_EVENT"},
                                                      {35, "CS_CONTEXT_DONE"},
                                                      {38, "SQ_NON_EVENT"},
                                                      {40, "BOTTOM_OF_PIPE_TS"},
                                                      {45, "FLUSH_AND_INV_CB_DATA_TS"},
                                                      {47, "CS_DONE"},
                                                      {53, "THREAD_TRACE_MARKER"}}};

inline constexpr std::array<EnumName, 6> kEventWriteIndex{{{0, "OTHER"},
                                                           {1, "ZPASS_DONE"},
                                                           {2, "SAMPLE_PIPELINESTAT"},
                                                           {3, "SAMPLE_STREAMOUTSTAT"},
                                                           {4, "CS_PARTIAL_FLUSH"},
                                                           {5, "END_OF_PIPE"}}};

inline constexpr std::array<EnumName, 2> kReleaseEventIndex{
    {{5, "END_OF_PIPE"}, {6, "SHADER_DONE"}}};

inline constexpr std::array<EnumName, 4> kReleaseDstSel{{{0, "MEMORY_CONTROLLER"},
                                                         {1, "TC_L2"},
                                                         {2, "QUEUE_WRITE_POINTER_REGISTER"},
                                                         {3, "QUEUE_WRITE_POINTER_POLL_MASK_BIT"}}};

inline constexpr std::array<EnumName, 7> kReleaseIntSel{
    {{0, "NONE"},
     {1, "SEND_INTERRUPT_ONLY"},
     {2, "SEND_INTERRUPT_AFTER_WRITE_CONFIRM"},
     {3, "SEND_DATA_AFTER_WRITE_CONFIRM"},
     {4, "UNCONDITIONALLY_SEND_INT_CTXID"},
     {5, "CONDITIONALLY_SEND_INT_CTXID_BASED_ON_32_BIT_COMPARE"},
     {6, "CONDITIONALLY_SEND_INT_CTXID_BASED_ON_64_BIT_COMPARE"}}};

inline constexpr std::array<EnumName, 6> kReleaseDataSel{{{0, "NONE"},
                                                          {1, "SEND_32_BIT_LOW"},
                                                          {2, "SEND_64_BIT_DATA"},
                                                          {3, "SEND_GPU_CLOCK_COUNTER"},
                                                          {4, "SEND_CP_PERFCOUNTER_HI_LO"},
                                                          {5, "STORE_GDS_DATA_TO_MEMORY"}}};

inline constexpr std::array<EnumName, 10> kCopySrcSel{{{0, "MEM_MAPPED_REGISTER"},
                                                       {1, "MEMORY"},
                                                       {2, "TC_L2"},
                                                       {3, "GDS"},
                                                       {4, "PERFCOUNTERS"},
                                                       {5, "IMMEDIATE_DATA"},
                                                       {6, "ATOMIC_RETURN_DATA"},
                                                       {7, "GDS_ATOMIC_RETURN_DATA0"},
                                                       {8, "GDS_ATOMIC_RETURN_DATA1"},
                                                       {9, "GPU_CLOCK_COUNT"}}};

inline constexpr std::array<EnumName, 6> kCopyDstSel{{{0, "MEM_MAPPED_REGISTER"},
                                                      {2, "TC_L2"},
                                                      {3, "GDS"},
                                                      {4, "PERFCOUNTERS"},
                                                      {5, "MEMORY"},
                                                      {6, "MEM_MAPPED_REG_DC"}}};

inline constexpr std::array<EnumName, 2> kCountSel{{{0, "32_BITS"}, {1, "64_BITS"}}};

inline constexpr std::array<EnumName, 3> kDmaDstSel{
    {{0, "DST_ADDR_USING_DAS"}, {1, "GDS"}, {3, "DST_ADDR_USING_L2"}}};

inline constexpr std::array<EnumName, 4> kDmaSrcSel{
    {{0, "SRC_ADDR_USING_SAS"}, {1, "GDS"}, {2, "DATA"}, {3, "SRC_ADDR_USING_L2"}}};

// 0 and 1 from pm4_soc15.py; 2 and 3 from the reference's reading of mesa
// (UNVERIFIED names).
inline constexpr std::array<EnumName, 4> kAtomicCommand{{{0, "SINGLE_PASS_ATOMIC"},
                                                         {1, "LOOP_UNTIL_COMPARE_SATISFIED"},
                                                         {2, "WRITE_CONFIRM"},
                                                         {3, "SEND_NO_RETURN"}}};

// TC_OP atomic opcodes, shared by PM4 ATOMIC_MEM and SDMA ATOMIC. Taken from
// the SOC21 enum; UNVERIFIED: GFX9 (soc15) uses the same encodings.
inline constexpr std::array<EnumName, 56> kTcOpAtomic{{
    {0x01, "FCMPSWAP_RTN_32"}, {0x07, "SWAP_RTN_32"},    {0x08, "CMPSWAP_RTN_32"},
    {0x0F, "ADD_RTN_32"},      {0x10, "SUB_RTN_32"},     {0x11, "SMIN_RTN_32"},
    {0x12, "UMIN_RTN_32"},     {0x13, "SMAX_RTN_32"},    {0x14, "UMAX_RTN_32"},
    {0x15, "AND_RTN_32"},      {0x16, "OR_RTN_32"},      {0x17, "XOR_RTN_32"},
    {0x18, "INC_RTN_32"},      {0x19, "DEC_RTN_32"},     {0x21, "FCMPSWAP_RTN_64"},
    {0x27, "SWAP_RTN_64"},     {0x28, "CMPSWAP_RTN_64"}, {0x2F, "ADD_RTN_64"},
    {0x30, "SUB_RTN_64"},      {0x31, "SMIN_RTN_64"},    {0x32, "UMIN_RTN_64"},
    {0x33, "SMAX_RTN_64"},     {0x34, "UMAX_RTN_64"},    {0x35, "AND_RTN_64"},
    {0x36, "OR_RTN_64"},       {0x37, "XOR_RTN_64"},     {0x38, "INC_RTN_64"},
    {0x39, "DEC_RTN_64"},      {0x41, "FCMPSWAP_32"},    {0x47, "SWAP_32"},
    {0x48, "CMPSWAP_32"},      {0x4F, "ADD_32"},         {0x50, "SUB_32"},
    {0x51, "SMIN_32"},         {0x52, "UMIN_32"},        {0x53, "SMAX_32"},
    {0x54, "UMAX_32"},         {0x55, "AND_32"},         {0x56, "OR_32"},
    {0x57, "XOR_32"},          {0x58, "INC_32"},         {0x59, "DEC_32"},
    {0x61, "FCMPSWAP_64"},     {0x67, "SWAP_64"},        {0x68, "CMPSWAP_64"},
    {0x6F, "ADD_64"},          {0x70, "SUB_64"},         {0x71, "SMIN_64"},
    {0x72, "UMIN_64"},         {0x73, "SMAX_64"},        {0x74, "UMAX_64"},
    {0x75, "AND_64"},          {0x76, "OR_64"},          {0x77, "XOR_64"},
    {0x78, "INC_64"},          {0x79, "DEC_64"},
}};

}  // namespace amdrr::pkt::pm4

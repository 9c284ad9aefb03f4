// Encodings checked against values stated in kernel headers, mesa, ROCR and
// tinygrad (see each comment), not against our own tables.

#include <gtest/gtest.h>

#include "lib/pkt/aql_build.h"
#include "lib/pkt/pm4_build.h"
#include "lib/pkt/pm4_regs.h"
#include "lib/pkt/sdma_build.h"

namespace amdrr::pkt {
namespace {

// soc15d.h: PACKET3(op, n) = 3 << 30 | (op & 0xFF) << 8 | (n & 0x3FFF) << 16.
constexpr uint32_t packet3(uint32_t op, uint32_t n) {
  return 3u << 30 | op << 8 | n << 16;
}

TEST(PktGolden, Pm4Headers) {
  std::vector<uint32_t> out;
  pm4::release_mem(out, pm4::ReleaseMemGfx9{});
  EXPECT_EQ(out[0], 0xC0064900u);  // PACKET3(PACKET3_RELEASE_MEM, 6) in gfx_v9_0.c
  EXPECT_EQ(out[0], packet3(0x49, 6));
  // EVENT_TYPE(CACHE_FLUSH_AND_INV_TS_EVENT) | EVENT_INDEX(5); DATA_SEL(1).
  EXPECT_EQ(out[1], 0x14u | 5u << 8);
  EXPECT_EQ(out[2], 1u << 29);

  out.clear();
  pm4::nop(out);
  EXPECT_EQ(out[0], 0xFFFF1000u);  // mesa PKT3_NOP_PAD: header-only NOP

  out.clear();
  pm4::indirect_buffer(out, {.addr = 0x12345678'9ABCDEF0, .size_dwords = 16});
  EXPECT_EQ(out, (std::vector<uint32_t>{packet3(0x3F, 2), 0x9ABCDEF0, 0x12345678,
                                        16u | 1u << 23}));  // INDIRECT_BUFFER_VALID

  out.clear();
  pm4::wait_reg_mem_memory(
      out, 0x1000, {.function = 3, .reference = 1, .mask = 0xFFFFFFFF, .poll_interval = 0x20});
  // WAIT_REG_MEM_FUNCTION(3) | WAIT_REG_MEM_MEM_SPACE(1)
  EXPECT_EQ(out, (std::vector<uint32_t>{packet3(0x3C, 5), 0x13, 0x1000, 0, 1, 0xFFFFFFFF, 0x20}));

  out.clear();
  pm4::AcquireMemGfx9 a;
  a.sh_icache_action = a.sh_kcache_action = a.tc_action = a.tcl1_action = a.tc_wb_action = true;
  pm4::acquire_mem(out, a);
  // soc15d.h CP_COHER_CNTL: ICACHE 29, KCACHE 27, TC 23, TCL1 22, TC_WB 18.
  EXPECT_EQ(out[0], packet3(0x58, 5));
  EXPECT_EQ(out[1], (1u << 29) | (1u << 27) | (1u << 23) | (1u << 22) | (1u << 18));

  out.clear();
  pm4::event_write(out, 7, 4);  // CS_PARTIAL_FLUSH, index 4
  EXPECT_EQ(out, (std::vector<uint32_t>{packet3(0x46, 0), 0x407}));

  out.clear();
  const uint32_t v[] = {0x100};
  pm4::set_sh_reg(out, pm4::reg_addr(pm4::kGfx9ShRegs, "COMPUTE_PGM_RSRC3"), v);
  EXPECT_EQ(out, (std::vector<uint32_t>{packet3(0x76, 1), 0x22D, 0x100}));  // reference 3.4
  static_assert(pm4::reg_addr(pm4::kGfx11ShRegs, "COMPUTE_PGM_RSRC3") == 0x2E28);
  static_assert(pm4::reg_addr(pm4::kGfx9ShRegs, "COMPUTE_USER_DATA_15") == 0x2E4F);
}

TEST(PktGolden, SdmaHeaders) {
  std::vector<uint32_t> out;
  sdma::copy_linear(out, SdmaVersion::kV4_4, 0x2000, 0x1000, 0x100);
  // SDMA_OP_COPY=1, SDMA_SUBOP_COPY_LINEAR=0; COUNT = bytes - 1.
  EXPECT_EQ(out, (std::vector<uint32_t>{1, 0xFF, 0, 0x1000, 0, 0x2000, 0}));
  out.clear();
  sdma::fence(out, SdmaVersion::kV4_4, 0x3000, 9);
  EXPECT_EQ(out, (std::vector<uint32_t>{5, 0x3000, 0, 9}));  // SDMA_OP_FENCE
  out.clear();
  sdma::trap(out, 3);
  EXPECT_EQ(out, (std::vector<uint32_t>{6, 3}));  // SDMA_OP_TRAP
  out.clear();
  sdma::timestamp_get_global(out, 0x8);
  EXPECT_EQ(out[0], 13u | 2u << 8);  // SDMA_OP_TIMESTAMP, SUBOP_TIMESTAMP_GET_GLOBAL
  out.clear();
  sdma::poll_regmem(out, {.addr = 0x40, .value = 0, .func = 3});
  EXPECT_EQ(out[0], 8u | 3u << 28 | 1u << 31);  // FUNC [30:28], MEM_POLL [31]
  EXPECT_EQ(out[5], 10u | 0xFFFu << 16);
  out.clear();
  sdma::nop(out, 7);
  EXPECT_EQ(out[0], 7u << 16);  // burst NOP as amdgpu pads IBs
}

TEST(PktGolden, AqlHeaders) {
  aql::KernelDispatch k;
  k.dimensions = 3;
  // TYPE 2 | BARRIER << 8 | SYSTEM << 9 | SYSTEM << 11, setup in the high half.
  EXPECT_EQ(aql::kernel_dispatch(k)[0], 0x2u | 1u << 8 | 2u << 9 | 2u << 11 | 3u << 16);
  // tinygrad _pm4_pkt: AQL_HDR | VENDOR_SPECIFIC | 1 << 16, IB, then 10.
  auto ib = aql::pm4_ib({}, 0x1234'5600, 20);
  EXPECT_EQ(ib[0], 0x1500u | 1u << 16);
  EXPECT_EQ(ib[1], 0xC0023F00u);
  EXPECT_EQ(ib[2], 0x12345600u);
  EXPECT_EQ(ib[3], 0u);
  EXPECT_EQ(ib[4], 20u | 1u << 23);
  EXPECT_EQ(ib[5], 10u);
}

}  // namespace
}  // namespace amdrr::pkt

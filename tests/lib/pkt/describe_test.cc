// describe() prints names, enum meanings, merged addresses and register names.

#include <gtest/gtest.h>

#include "lib/pkt/decode.h"
#include "lib/pkt/describe.h"
#include "lib/pkt/pm4_build.h"
#include "lib/pkt/pm4_regs.h"
#include "lib/pkt/sdma_build.h"
#include "lib/pkt/tables.h"

namespace amdrr::pkt {
namespace {

std::string first(const PacketTable& t, const std::vector<uint32_t>& dw) {
  return describe(decode_one(t, dw, 0), t);
}

bool has(const std::string& s, std::string_view part) {
  return s.find(part) != s.npos;
}

TEST(PktDescribe, ReleaseMemFieldsAndEnums) {
  std::vector<uint32_t> out;
  pm4::ReleaseMemGfx9 r;
  r.addr = 0x1000;
  r.int_sel = 2;
  pm4::release_mem(out, r);
  const std::string s = first(pm4_table(Pm4Family::kGfx9), out);
  EXPECT_EQ(s.rfind("RELEASE_MEM ", 0), 0u) << s;
  EXPECT_TRUE(has(s, "EVENT_TYPE=0x14(CACHE_FLUSH_AND_INV_TS_EVENT)")) << s;
  EXPECT_TRUE(has(s, "EVENT_INDEX=0x5(END_OF_PIPE)")) << s;
  EXPECT_TRUE(has(s, "INT_SEL=0x2(SEND_INTERRUPT_AFTER_WRITE_CONFIRM)")) << s;
  EXPECT_TRUE(has(s, " ADDRESS=0x1000")) << s;
  EXPECT_FALSE(has(s, "IT_OPCODE")) << s;
}

TEST(PktDescribe, RegisterNamesPerFamily) {
  std::vector<uint32_t> out;
  const uint32_t v[] = {0xAA, 0xBB};
  pm4::set_sh_reg(out, 0x2E27, v);  // unnamed, then GFX11's RSRC3
  const std::string s9 = first(pm4_table(Pm4Family::kGfx9), out);
  const std::string s11 = first(pm4_table(Pm4Family::kGfx11), out);
  EXPECT_TRUE(has(s9, "REG_0x2e27=0xaa")) << s9;
  EXPECT_TRUE(has(s9, "REG_0x2e28=0xbb")) << s9;
  EXPECT_TRUE(has(s11, "COMPUTE_PGM_RSRC3=0xbb")) << s11;

  out.clear();
  const uint32_t pgm[] = {0x100, 0x2};
  pm4::set_sh_reg(out, pm4::reg_addr(pm4::kGfx9ShRegs, "COMPUTE_PGM_LO"), pgm);
  const std::string s = first(pm4_table(Pm4Family::kGfx9), out);
  EXPECT_TRUE(has(s, "COMPUTE_PGM_LO=0x100 COMPUTE_PGM_HI=0x2")) << s;
  EXPECT_EQ(pm4::register_addr(pm4::sh_registers(Pm4Family::kGfx11), "COMPUTE_USER_DATA_3"),
            0x2E43u);
}

TEST(PktDescribe, SdmaAndPayloads) {
  std::vector<uint32_t> out;
  sdma::poll_regmem(out, {.addr = 0x40, .value = 7, .func = 4});
  std::string s = first(sdma_table(SdmaVersion::kV4_4), out);
  EXPECT_TRUE(has(s, "POLL_REGMEM")) << s;
  EXPECT_TRUE(has(s, "FUNC=0x4(NOT_EQUAL)")) << s;
  EXPECT_TRUE(has(s, "MEM_POLL=0x1(MEMORY)")) << s;

  out.clear();
  const uint32_t data[] = {0xCAFE};
  sdma::write_untiled(out, 0x10, data);
  s = first(sdma_table(SdmaVersion::kV4_4), out);
  EXPECT_TRUE(has(s, "DATA[0]=0xcafe")) << s;
}

}  // namespace
}  // namespace amdrr::pkt

// Packets decoded as dump prints them, checked against the layouts in the
// reference (/work/shared/reference/amdgpu-interfaces.md §3.3, §4, §5): the
// dwords are built by hand from those tables and the expected fields written
// from them, not taken from the decoder's output.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "inspect/buffer_map.h"
#include "lib/pkt/decode.h"
#include "lib/pkt/describe.h"
#include "lib/pkt/tables.h"

namespace amdrr::inspect {
namespace {

std::string text(const pkt::PacketTable& table, const std::vector<uint32_t>& dwords,
                 const pkt::AddressNamer& namer = {}) {
  auto packets = pkt::decode_all(table, dwords);
  EXPECT_EQ(packets.size(), 1u);
  return packets.empty() ? "" : pkt::describe(packets[0], table, namer);
}

void expect_tokens(const std::string& line, const std::vector<std::string>& tokens) {
  for (const std::string& t : tokens) {
    EXPECT_NE(line.find(" " + t), std::string::npos) << "missing " << t << " in\n" << line;
  }
}

const pkt::PacketTable& pm4() {
  return pkt::pm4_table(pkt::Pm4Family::kGfx9);
}

TEST(PacketText, WaitRegMemNamesEveryField) {
  // COUNT=5; FUNCTION [2:0]=3 (==), MEM_SPACE [5:4]=1 (memory); dw2/3 address,
  // dw4 reference, dw5 mask, dw6 poll interval.
  std::string s = text(pm4(), {0xC0053C00, 0x13, 0x1000, 0x3000, 0x1, 0xFFFFFFFF, 0x4});
  EXPECT_EQ(s.rfind("WAIT_REG_MEM ", 0), 0u) << s;
  expect_tokens(s, {"FUNCTION=0x3(EQUAL)", "MEM_SPACE=0x1(MEMORY_SPACE)",
                    "OPERATION=0x0(WAIT_REG_MEM)", "ENGINE=0x0(ME)", "POLL_ADDRESS=0x300000001000",
                    "REFERENCE=0x1", "MASK=0xffffffff", "POLL_INTERVAL=0x4"});
}

TEST(PacketText, ReleaseMemEventDataAndInterruptSelects) {
  // dw1 EVENT_TYPE=0x14 (CACHE_FLUSH_AND_INV_TS), EVENT_INDEX=5 (end of pipe);
  // dw2 DATA_SEL [31:29]=3 (GPU clock), INT_SEL [26:24]=2, DST_SEL [17:16]=1 (TC/L2).
  std::string s = text(pm4(), {0xC0064900, 0x14 | (5u << 8), (3u << 29) | (2u << 24) | (1u << 16),
                               0x2000, 0x3000, 0x11, 0x22, 0x33});
  EXPECT_EQ(s.rfind("RELEASE_MEM ", 0), 0u) << s;
  expect_tokens(s, {"EVENT_TYPE=0x14(CACHE_FLUSH_AND_INV_TS_EVENT)", "EVENT_INDEX=0x5(END_OF_PIPE)",
                    "DST_SEL=0x1(TC_L2)", "INT_SEL=0x2(SEND_INTERRUPT_AFTER_WRITE_CONFIRM)",
                    "DATA_SEL=0x3(SEND_GPU_CLOCK_COUNTER)", "ADDRESS=0x300000002000",
                    "DATA=0x2200000011", "INT_CTXID=0x33"});
}

TEST(PacketText, DmaDataSourceDestinationAndCount) {
  // DMA_DATA (0x50), COUNT=5: dw1 SRC_SEL [30:29]=2 (data), DST_SEL [21:20]=0,
  // CP_SYNC [31]; dw2 data, dw4/5 destination, dw6 BYTE_COUNT [20:0].
  std::string s = text(pm4(), {0xC0055000, (2u << 29) | (1u << 31), 0xABCD, 0, 0x4000, 0x3000, 64});
  EXPECT_EQ(s.rfind("DMA_DATA ", 0), 0u) << s;
  expect_tokens(s, {"SRC_SEL=0x2(DATA)", "DST_SEL=0x0(DST_ADDR_USING_DAS)", "CP_SYNC=0x1",
                    "SRC_ADDR_LO_OR_DATA=0xabcd", "DST_ADDR=0x300000004000", "BYTE_COUNT=0x40"});
}

TEST(PacketText, SetShRegNamesTheRegisters) {
  // SET_SH_REG offset 0x20C = COMPUTE_PGM_LO (0x2E0C - 0x2C00), then PGM_HI.
  std::string s = text(pm4(), {0xC0027600, 0x20C, 0x17, 0x20});  // COUNT = body dwords - 1
  expect_tokens(s, {"COMPUTE_PGM_LO=0x17", "COMPUTE_PGM_HI=0x20"});
}

TEST(PacketText, UnknownOpcodeIsRawAndFlagged) {
  // Opcode 0x11 (SET_BASE) exists on the hardware but is not described.
  std::string s = text(pm4(), {0xC0011100, 0xAAAA, 0xBBBB});
  EXPECT_EQ(s.rfind("UNKNOWN", 0), 0u) << s;
  expect_tokens(s, {"DW[0]=0xc0011100", "DW[1]=0xaaaa", "DW[2]=0xbbbb"});
}

TEST(PacketText, SdmaCopyLinearAndFence) {
  const auto& sdma = pkt::sdma_table(pkt::SdmaVersion::kV4_4);
  // COPY_LINEAR: dw0 OP=1 SUB_OP=0; dw1 COUNT = bytes-1; dw3/4 src, dw5/6 dst.
  std::string copy = text(sdma, {0x1, 4095, 0, 0x1000, 0x3000, 0x2000, 0x3000});
  EXPECT_EQ(copy.rfind("COPY_LINEAR ", 0), 0u) << copy;
  expect_tokens(copy, {"COUNT=0xfff", "SRC_ADDR=0x300000001000", "DST_ADDR=0x300000002000"});
  // FENCE: dw0 OP=5; dw1/2 address; dw3 data.
  std::string fence = text(sdma, {0x5, 0x8, 0x3000, 0x1});
  expect_tokens(fence, {"ADDR=0x300000000008", "DATA=0x1"});
}

TEST(PacketText, AqlKernelDispatchFields) {
  // hsa_kernel_dispatch_packet_t: header type 2 [7:0], barrier [8], acquire
  // scope [10:9]=2, release scope [12:11]=2; setup dims [17:16]=1; grid at dw3.
  std::vector<uint32_t> p(16, 0);
  p[0] = 2 | (1u << 8) | (2u << 9) | (2u << 11) | (1u << 16);
  p[1] = 64;
  p[3] = 4096;
  p[8] = 0x1000;  // kernel object
  p[9] = 0x3000;
  p[10] = 0x2000;  // kernarg address
  p[11] = 0x3000;
  std::string s = text(pkt::aql_table(), p);
  EXPECT_EQ(s.rfind("KERNEL_DISPATCH ", 0), 0u) << s;
  expect_tokens(
      s, {"BARRIER=0x1", "SCACQUIRE_FENCE_SCOPE=0x2(SYSTEM)", "WORKGROUP_SIZE_X=0x40",
          "GRID_SIZE_X=0x1000", "KERNEL_OBJECT=0x300000001000", "KERNARG_ADDRESS=0x300000002000"});
}

TEST(PacketText, AddressesAreNamedByTheirBuffer) {
  BufferMap buffers;
  buffers.add(0x300000000000, 0x2000, 1, 0x4000, 2);
  buffers.name(0x300000000000, "kernargs");
  auto namer = [&](uint64_t va) { return buffers.describe(va); };
  std::string s = text(pm4(), {0xC0053C00, 0x13, 0x40, 0x3000, 0x1, 0xFFFFFFFF, 0x4}, namer);
  EXPECT_NE(s.find("POLL_ADDRESS=0x300000000040 [buf#0 \"kernargs\" +0x40]"), std::string::npos)
      << s;
}

}  // namespace
}  // namespace amdrr::inspect

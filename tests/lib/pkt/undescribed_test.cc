// Opcodes the hardware has but the tables do not describe: the emulator
// reports them as "unsupported", every other unknown header as a bad packet.
#include <gtest/gtest.h>

#include "lib/pkt/decode.h"
#include "lib/pkt/pm4_table.h"
#include "lib/pkt/sdma_table.h"
#include "lib/pkt/tables.h"

namespace amdrr::pkt {
namespace {

TEST(PktUndescribed, Pm4KnownOpcodesAreNamedUnknownOnesAreNot) {
  const PacketTable& t = pm4_table(Pm4Family::kGfx9);
  EXPECT_EQ(undescribed_packet(t, 0xC0002200u), "COND_EXEC");
  EXPECT_EQ(undescribed_packet(t, 0xC0011600u), "DISPATCH_INDIRECT");
  EXPECT_EQ(undescribed_packet(t, 0xC000EE00u), "");
  EXPECT_EQ(undescribed_packet(t, 0x00002200u), "");  // type 0: no opcode
}

TEST(PktUndescribed, NoUndescribedOpcodeHasAnEntry) {
  for (Pm4Family fam : {Pm4Family::kGfx9, Pm4Family::kGfx11}) {
    for (const EnumName& n : pm4::kUndescribedOpcodes) {
      for (const PacketDesc* d : pm4_table(fam).packets) EXPECT_NE(d->opcode, n.value) << n.name;
    }
  }
  // Each one decodes as unknown, so an engine reaches the lookup.
  for (const EnumName& n : pm4::kUndescribedOpcodes) {
    const uint32_t dw[2] = {0xC0000000u | (n.value << 8), 0};
    EXPECT_EQ(decode_one(pm4_table(Pm4Family::kGfx9), dw, 0).status, DecodeStatus::kUnknown);
  }
}

TEST(PktUndescribed, SdmaOpsAndSubOps) {
  const PacketTable& t = sdma_table(SdmaVersion::kV4_4);
  EXPECT_EQ(undescribed_packet(t, 0x00000101u), "COPY");  // COPY TILED
  EXPECT_EQ(undescribed_packet(t, 0x00000007u), "SEM");
  EXPECT_EQ(undescribed_packet(t, 0x000000EEu), "");
  EXPECT_EQ(undescribed_packet(aql_table(), 0), "");
}

}  // namespace
}  // namespace amdrr::pkt

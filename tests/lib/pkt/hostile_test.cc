// Hostile input: random dwords, truncated packets and huge counts must decode
// to flagged packets inside the buffer, never past it.

#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "lib/pkt/decode.h"
#include "lib/pkt/describe.h"
#include "lib/pkt/pm4_build.h"
#include "lib/pkt/sdma_build.h"
#include "tests/lib/pkt/all_tables.h"

namespace amdrr::pkt {
namespace {

// Every packet lies inside `in`, packets tile the input in order, and only the
// last one may be truncated.
void expect_sane(const PacketTable& t, std::span<const uint32_t> in) {
  auto all = decode_all(t, in);
  size_t offset = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const DecodedPacket& p = all[i];
    ASSERT_EQ(p.offset, offset);
    ASSERT_FALSE(p.dwords.empty());
    ASSERT_GE(p.dwords.data(), in.data());
    ASSERT_LE(p.dwords.data() + p.dwords.size(), in.data() + in.size());
    if (p.status == DecodeStatus::kTruncated) {
      EXPECT_EQ(i + 1, all.size());
      EXPECT_GT(p.declared_dwords, p.dwords.size());
    }
    if (p.desc != nullptr) {
      for (size_t f = 0; f < p.desc->fields.size(); ++f) {
        if (p.desc->fields[f].dword >= p.dwords.size()) {
          EXPECT_EQ((p.present >> f) & 1, 0u);
          EXPECT_EQ(p.values[f], 0u);
        }
      }
    }
    (void)describe(p, t);  // must not crash either
    offset = p.next_offset();
  }
  if (!all.empty() && all.back().status != DecodeStatus::kTruncated) {
    EXPECT_EQ(offset, in.size());
  }
}

TEST(PktHostile, RandomDwords) {
  std::mt19937 rng(99);
  for (const PacketTable* t : testing::all_tables()) {
    for (int iter = 0; iter < 300; ++iter) {
      std::vector<uint32_t> in(1 + rng() % 48);
      for (uint32_t& d : in) {
        // Bias towards plausible headers so decoding reaches deep paths.
        d = rng();
        if (rng() % 2)
          d = (d & 0xFFFF0000u) | (t->packets[rng() % t->packets.size()]->opcode
                                   << (t->engine == Engine::kPm4 ? 8 : 0));
        if (t->engine == Engine::kPm4 && rng() % 2) d |= 0xC0000000u;
      }
      // Copy into an exactly sized heap block so ASan would see an overrun.
      auto exact = std::make_unique<uint32_t[]>(in.size());
      std::copy(in.begin(), in.end(), exact.get());
      SCOPED_TRACE(std::string(t->name));
      expect_sane(*t, std::span<const uint32_t>(exact.get(), in.size()));
    }
  }
}

TEST(PktHostile, TruncatedPacketsOfEveryEntry) {
  std::vector<uint32_t> out;
  pm4::ReleaseMemGfx9 r;
  pm4::release_mem(out, r);
  for (size_t n = 1; n < out.size(); ++n) {
    auto p = decode_one(pm4_table(Pm4Family::kGfx9), std::span(out).first(n), 0);
    EXPECT_EQ(p.status, DecodeStatus::kTruncated);
    EXPECT_EQ(p.kind(), Kind::kPm4ReleaseMem);
    EXPECT_EQ(p.dwords.size(), n);
    EXPECT_EQ(p.declared_dwords, 8u);
    EXPECT_NE(describe(p, pm4_table(Pm4Family::kGfx9)).find("TRUNCATED RELEASE_MEM"),
              std::string::npos);
  }
  // SDMA WRITE_UNTILED whose count dword is missing altogether.
  out.clear();
  const uint32_t data[] = {1, 2};
  sdma::write_untiled(out, 0x1000, data);
  auto p = decode_one(sdma_table(SdmaVersion::kV4_4), std::span(out).first(3), 0);
  EXPECT_EQ(p.status, DecodeStatus::kTruncated);
  EXPECT_EQ(p.kind(), Kind::kSdmaWriteUntiled);
  EXPECT_EQ(p.dwords.size(), 3u);
  // AQL packet shorter than 64 bytes.
  std::vector<uint32_t> aql(10, 0);
  aql[0] = 2;
  p = decode_one(aql_table(), aql, 0);
  EXPECT_EQ(p.status, DecodeStatus::kTruncated);
}

TEST(PktHostile, HugeCountsAndUnknownOpcodes) {
  const PacketTable& t = pm4_table(Pm4Family::kGfx9);
  // SET_SH_REG claiming 0x3FFE+2 dwords in a 3-dword buffer.
  std::vector<uint32_t> in = {0xC0000000u | (0x3FFEu << 16) | (0x76u << 8), 0x200, 1};
  auto p = decode_one(t, in, 0);
  EXPECT_EQ(p.status, DecodeStatus::kTruncated);
  EXPECT_EQ(p.declared_dwords, 0x3FFEu + 2);
  EXPECT_EQ(p.dwords.size(), 3u);
  EXPECT_EQ(p.payload().size(), 1u);

  // Unknown opcode 0xEE with COUNT=1: skipped as a 3-dword unknown, then a NOP.
  in = {0xC001EE00u, 0xAAAA, 0xBBBB, 0xC0001000u, 0};
  auto all = decode_all(t, in);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].status, DecodeStatus::kUnknown);
  EXPECT_EQ(all[0].dwords.size(), 3u);
  EXPECT_EQ(all[1].kind(), Kind::kPm4Nop);
  EXPECT_NE(describe(all[0], t).find("UNKNOWN PACKET"), std::string::npos);

  // RELEASE_MEM with the wrong COUNT: decoded but flagged.
  in = {0xC0024900u, 0x14, 0, 0};
  p = decode_one(t, in, 0);
  EXPECT_EQ(p.status, DecodeStatus::kBadSize);
  EXPECT_EQ(p.kind(), Kind::kPm4ReleaseMem);

  // SDMA unknown op advances one dword; AQL INVALID type is unknown, 16 dwords.
  std::vector<uint32_t> s = {0xFF, 0x5, 0, 0, 0};
  all = decode_all(sdma_table(SdmaVersion::kV4_4), s);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].status, DecodeStatus::kUnknown);
  EXPECT_EQ(all[0].dwords.size(), 1u);
  EXPECT_EQ(all[1].kind(), Kind::kSdmaFence);
  std::vector<uint32_t> a(16, 0);
  a[0] = 1;
  p = decode_one(aql_table(), a, 0);
  EXPECT_EQ(p.status, DecodeStatus::kUnknown);
  EXPECT_EQ(p.dwords.size(), 16u);
}

}  // namespace
}  // namespace amdrr::pkt

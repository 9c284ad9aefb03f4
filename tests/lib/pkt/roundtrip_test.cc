// Every entry of every family: encode random field values from the table,
// decode, and compare every field and the dword count.

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

#include "lib/pkt/decode.h"
#include "lib/pkt/encoder.h"
#include "tests/lib/pkt/all_tables.h"

namespace amdrr::pkt {
namespace {

uint32_t pick_size(const PacketDesc& d, std::mt19937& rng) {
  if (d.min_dwords == d.max_dwords) return d.min_dwords;
  if (d.kind == Kind::kPm4EventWrite) return rng() % 2 ? 2 : 4;  // with or without address
  return d.min_dwords + rng() % std::min<uint32_t>(8, d.max_dwords - d.min_dwords + 1);
}

TEST(PktRoundTrip, EveryEntryOfEveryFamily) {
  std::mt19937 rng(1234);
  for (const PacketTable* table : testing::all_tables()) {
    for (const PacketDesc* d : table->packets) {
      for (int iter = 0; iter < 20; ++iter) {
        SCOPED_TRACE(std::string(table->name) + " " + std::string(d->name));
        const uint32_t total = pick_size(*d, rng);
        std::vector<uint32_t> out;
        Encoder e(out, *d, total);
        std::vector<uint32_t> want(d->fields.size(), 0);
        for (size_t i = 0; i < d->fields.size(); ++i) {
          const Field& f = d->fields[i];
          if (f.dword >= total) continue;
          if (f.role == Role::kData) e.set(f, rng() & f.mask());
          want[i] = f.extract(out[f.dword]);
        }
        for (uint32_t& w : e.payload()) w = rng();
        ASSERT_EQ(out.size(), total);

        const DecodedPacket p = decode_one(*table, out, 0);
        ASSERT_EQ(p.status, DecodeStatus::kOk);
        ASSERT_EQ(p.desc, d);
        EXPECT_EQ(p.dwords.size(), total);
        EXPECT_EQ(p.declared_dwords, total);
        // locate() reads the same values field by field, without decoding all.
        const PacketView v = locate(*table, out, 0);
        ASSERT_EQ(v.desc, d);
        EXPECT_EQ(v.dwords.size(), total);
        for (size_t i = 0; i < d->fields.size(); ++i) {
          EXPECT_EQ(p.values[i], want[i]) << d->fields[i].name;
          EXPECT_EQ((p.present >> i) & 1, d->fields[i].dword < total ? 1u : 0u);
          EXPECT_EQ(v.read(FieldId{d, static_cast<uint8_t>(i)}), want[i]) << d->fields[i].name;
        }
        EXPECT_TRUE(std::equal(p.payload().begin(), p.payload().end(), e.payload().begin(),
                               e.payload().end()));
      }
    }
  }
}

TEST(PktTables, FieldsAreDisjointAndNamedOnce) {
  for (const PacketTable* table : testing::all_tables()) {
    for (const PacketDesc* d : table->packets) {
      SCOPED_TRACE(std::string(table->name) + " " + std::string(d->name));
      EXPECT_LE(d->min_dwords, d->max_dwords);
      EXPECT_FALSE(d->source.empty());
      std::set<std::string_view> names;
      std::vector<uint32_t> used(d->max_dwords > 64 ? 64 : d->max_dwords, 0);
      for (const Field& f : d->fields) {
        EXPECT_TRUE(names.insert(f.name).second) << "duplicate " << f.name;
        ASSERT_LT(f.dword, used.size());
        const uint32_t bits = f.mask() << f.lo;
        EXPECT_EQ(used[f.dword] & bits, 0u) << "overlap at " << f.name;
        used[f.dword] |= bits;
      }
    }
  }
}

TEST(PktTables, OpcodesAreUniquePerFamily) {
  for (const PacketTable* table : testing::all_tables()) {
    std::set<std::pair<int, int>> seen;
    for (const PacketDesc* d : table->packets) {
      if (d->kind == Kind::kPm4Type2Nop) continue;
      EXPECT_TRUE(seen.insert({d->opcode, d->sub_op}).second) << table->name << " " << d->name;
    }
  }
}

}  // namespace
}  // namespace amdrr::pkt

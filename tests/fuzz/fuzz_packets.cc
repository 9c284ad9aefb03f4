// Fuzz target: the PM4, SDMA and AQL decoders and `describe` on arbitrary
// dwords. The first byte picks the table; the rest are the packets.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "lib/pkt/decode.h"
#include "lib/pkt/describe.h"
#include "lib/pkt/tables.h"

namespace pkt = amdrr::pkt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const pkt::PacketTable* tables[] = {
      &pkt::pm4_table(pkt::Pm4Family::kGfx9),    &pkt::pm4_table(pkt::Pm4Family::kGfx11),
      &pkt::sdma_table(pkt::SdmaVersion::kV4_4), &pkt::sdma_table(pkt::SdmaVersion::kV5_2),
      &pkt::sdma_table(pkt::SdmaVersion::kV6_0), &pkt::aql_table(),
  };
  const pkt::PacketTable& table = *tables[data[0] % std::size(tables)];
  std::vector<uint32_t> dwords((size - 1) / 4);
  if (!dwords.empty()) std::memcpy(dwords.data(), data + 1, dwords.size() * 4);
  for (const pkt::DecodedPacket& p : pkt::decode_all(table, dwords, 4096)) {
    (void)pkt::describe(p, table);
    (void)p.payload();
    if (!p.desc) (void)pkt::undescribed_packet(table, p.dwords.empty() ? 0 : p.dwords[0]);
  }
  return 0;
}

#pragma once
// Every family's table, for tests that must cover each entry of each family.

#include <vector>

#include "lib/pkt/tables.h"

namespace amdrr::pkt::testing {

inline std::vector<const PacketTable*> all_tables() {
  return {&pm4_table(Pm4Family::kGfx9),    &pm4_table(Pm4Family::kGfx11),
          &sdma_table(SdmaVersion::kV4_4), &sdma_table(SdmaVersion::kV5_2),
          &sdma_table(SdmaVersion::kV6_0), &aql_table()};
}

}  // namespace amdrr::pkt::testing

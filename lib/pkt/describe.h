#pragma once
// Renders a decoded packet as one line of text, field by field, from its
// table entry: what `amdrr dump` prints. Decoding never prints; this does.

#include <string>

#include "lib/pkt/decode.h"

namespace amdrr::pkt {

/// E.g. `RELEASE_MEM EVENT_TYPE=0x14(CACHE_FLUSH_AND_INV_TS_EVENT) ... ADDRESS=0x1000`.
/// `table` supplies register names for SET_SH_REG / SET_UCONFIG_REG.
std::string describe(const DecodedPacket& packet, const PacketTable& table);

/// The name of `value` in a field's enum table, or "" when it has none.
std::string_view enum_name(const Field& field, uint32_t value);

}  // namespace amdrr::pkt

#pragma once
// Renders a decoded packet as one line of text, field by field, from its
// table entry: what `amdrr dump` prints. Decoding never prints; this does.

#include <cstdint>
#include <functional>
#include <string>

#include "lib/pkt/decode.h"

namespace amdrr::pkt {

/// E.g. `RELEASE_MEM EVENT_TYPE=0x14(CACHE_FLUSH_AND_INV_TS_EVENT) ... ADDRESS=0x1000`.
/// `table` supplies register names for SET_SH_REG / SET_UCONFIG_REG.
/// `name_address`, when given, names each address (a _LO/_HI pair whose name
/// says ADDR, SIGNAL, OBJECT or IB_BASE): `ADDRESS=0x1000 [buf#3 "ring q0" +0x0]`
/// (Mesa's addr_callback).
using AddressNamer = std::function<std::string(uint64_t)>;
std::string describe(const DecodedPacket& packet, const PacketTable& table,
                     const AddressNamer& name_address = {});

/// True for a _LO/_HI pair base name that holds a GPU address.
bool is_address_name(std::string_view base);

/// The name of `value` in a field's enum table, or "" when it has none.
std::string_view enum_name(const Field& field, uint32_t value);

}  // namespace amdrr::pkt

#pragma once
// The packet tables of each family: the entries the decoder tries and the
// register names `describe` prints. Selected by family, never by gfx version.

#include "lib/pkt/desc.h"
#include "lib/pkt/families.h"

namespace amdrr::pkt {

const PacketTable& pm4_table(Pm4Family family);
const PacketTable& sdma_table(SdmaVersion version);
const PacketTable& aql_table(AqlFamily family = AqlFamily::kHsa1);

/// The entry of `kind` in `table`, or nullptr when the family has none.
const PacketDesc* find_kind(const PacketTable& table, Kind kind);

/// First dword of a packet's trailing variable payload (after its last field).
uint32_t payload_start(const PacketDesc& desc);

/// Name of the packet starting with `header` when the hardware has it but
/// `table` does not describe it (the emulator's "unsupported" outcome), or ""
/// when the opcode is unknown to the hardware too (a bad packet).
std::string_view undescribed_packet(const PacketTable& table, uint32_t header);

/// Largest byte count one COPY_LINEAR / CONSTANT_FILL may carry on `version`.
uint64_t sdma_copy_max_bytes(SdmaVersion version);

}  // namespace amdrr::pkt

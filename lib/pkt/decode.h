#pragma once
// Turns dwords into DecodedPackets using a family's table. No I/O, no
// allocation per packet, and hostile input is data: an unknown opcode or a
// size running past the buffer yields a flagged packet, never a read out of
// bounds.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "lib/pkt/desc.h"

namespace amdrr::pkt {

enum class DecodeStatus : uint8_t {
  kOk,
  kUnknown,    // no entry matches; `dwords` is what the engine would skip
  kTruncated,  // the packet runs past the end of the input; `dwords` is the rest
  kBadSize,    // the declared size is outside the entry's bounds (fields decoded)
};

/// A packet located and identified, its fields read only when asked: for
/// callers that need two or three fields of every packet (capture reads a
/// destination per doorbell). decode_one() is this plus every field.
struct PacketView {
  const PacketDesc* desc = nullptr;  // null when unknown
  DecodeStatus status = DecodeStatus::kUnknown;
  size_t offset = 0;                 // dword offset of the packet in the input
  uint32_t declared_dwords = 0;      // size the packet claims (may exceed dwords)
  std::span<const uint32_t> dwords;  // always inside the input

  Kind kind() const { return desc ? desc->kind : Kind::kUnknown; }
  bool ok() const { return status == DecodeStatus::kOk; }
  /// Offset just past this packet: where the engine continues.
  size_t next_offset() const { return offset + (dwords.empty() ? 1 : dwords.size()); }

  /// Field value by compile-time id, read from `dwords`; 0 when the field
  /// is absent (truncated). Accepts ids of a sibling entry (same kind, other
  /// family) by name.
  uint32_t read(FieldId id) const {
    // Inline for an id of this very entry (capture reads a few fields of
    // every submitted packet); a sibling's id goes by name.
    const Field& f = desc == id.desc ? id.field() : desc->fields[index_of(id)];
    return f.dword < dwords.size() ? f.extract(dwords[f.dword]) : 0;
  }
  uint64_t read64(FieldId lo, FieldId hi) const {
    return uint64_t{read(lo)} | (uint64_t{read(hi)} << 32);
  }
  /// Trailing variable dwords (SET_SH_REG values, WRITE_DATA data, ...).
  std::span<const uint32_t> payload() const;

 protected:
  int index_of(FieldId id) const;
};

struct DecodedPacket : PacketView {
  std::array<uint32_t, kMaxFields> values{};  // per desc->fields; 0 when absent
  uint64_t present = 0;                       // bit i: field i lies inside `dwords`

  /// Field value by compile-time id; 0 when the field is absent (truncated).
  /// Accepts ids of a sibling entry (same kind, other family) by name.
  uint32_t get(FieldId id) const;
  uint64_t get64(FieldId lo, FieldId hi) const;
  bool has(FieldId id) const;
};

/// Locates and identifies the packet starting at `in[offset]` (offset <
/// in.size()) without reading its fields.
PacketView locate(const PacketTable& table, std::span<const uint32_t> in, size_t offset);

/// Decodes the packet starting at `in[offset]` (offset < in.size()).
DecodedPacket decode_one(const PacketTable& table, std::span<const uint32_t> in, size_t offset);

/// Decodes packets until the input ends, a truncated packet, or `max_packets`.
std::vector<DecodedPacket> decode_all(const PacketTable& table, std::span<const uint32_t> in,
                                      size_t max_packets = SIZE_MAX);

}  // namespace amdrr::pkt

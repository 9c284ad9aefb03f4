#pragma once
// Writes one packet from its table entry. The typed builders are thin layers
// over this: they name fields by FieldId, so no builder knows a bit position.

#include <cstdint>
#include <span>
#include <vector>

#include "lib/pkt/desc.h"

namespace amdrr::pkt {

class Encoder {
 public:
  /// Appends `total_dwords` zero dwords to `out` (the entry's fixed size when
  /// 0) and fills the identity fields: type, opcode, sub-op and size count.
  Encoder(std::vector<uint32_t>& out, const PacketDesc& desc, uint32_t total_dwords = 0);
  /// Same, into caller memory of at least `total_dwords` dwords.
  Encoder(std::span<uint32_t> out, const PacketDesc& desc, uint32_t total_dwords = 0);

  /// Sets a field; a value wider than the field is a caller bug.
  Encoder& set(FieldId id, uint32_t value);
  Encoder& set(const Field& field, uint32_t value);
  /// Sets a 64-bit value split over a _LO / _HI field pair.
  Encoder& set64(FieldId lo, FieldId hi, uint64_t value);

  /// The packet's dwords, and the trailing payload after the last field.
  std::span<uint32_t> dwords() const { return {data_, total_}; }
  std::span<uint32_t> payload() const;
  const PacketDesc& desc() const { return desc_; }

 private:
  void init();
  const Field& resolve(FieldId id) const;

  const PacketDesc& desc_;
  uint32_t* data_;
  uint32_t total_;
};

}  // namespace amdrr::pkt

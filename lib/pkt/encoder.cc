#include "lib/pkt/encoder.h"

#include "lib/base/check.h"
#include "lib/pkt/tables.h"

namespace amdrr::pkt {
namespace {

uint32_t size_of(const PacketDesc& desc, uint32_t total) {
  uint32_t n = total == 0 ? desc.min_dwords : total;
  AMDRR_REQUIRE(n >= desc.min_dwords && n <= desc.max_dwords, "packet size outside its entry");
  return n;
}

uint32_t* grow(std::vector<uint32_t>& out, uint32_t n) {
  size_t start = out.size();
  out.resize(start + n, 0);
  return out.data() + start;
}

}  // namespace

Encoder::Encoder(std::vector<uint32_t>& out, const PacketDesc& desc, uint32_t total_dwords)
    : desc_(desc), total_(size_of(desc, total_dwords)) {
  data_ = grow(out, total_);
  init();
}

Encoder::Encoder(std::span<uint32_t> out, const PacketDesc& desc, uint32_t total_dwords)
    : desc_(desc), data_(out.data()), total_(size_of(desc, total_dwords)) {
  AMDRR_REQUIRE(out.size() >= total_, "output span too small for the packet");
  std::fill_n(data_, total_, 0u);
  init();
}

void Encoder::init() {
  for (const Field& f : desc_.fields) {
    switch (f.role) {
      case Role::kData:
        break;
      case Role::kFixed:
        set(f, f.fixed);
        break;
      case Role::kOpcode:
        set(f, desc_.opcode);
        break;
      case Role::kSubOp:
        set(f, static_cast<uint32_t>(desc_.sub_op < 0 ? 0 : desc_.sub_op));
        break;
      case Role::kCount:
        // Masked: a header-only PM4 NOP (1 dword) encodes COUNT 0x3FFF.
        set(f, (total_ - desc_.size.base) & f.mask());
        break;
    }
  }
}

const Field& Encoder::resolve(FieldId id) const {
  // Entries of one kind in different families share FieldIds where the field
  // has the same name at the same index; otherwise look the name up.
  const std::string_view name = id.field().name;
  if (id.index < desc_.fields.size() && desc_.fields[id.index].name == name) {
    return desc_.fields[id.index];
  }
  for (const Field& f : desc_.fields) {
    if (f.name == name) return f;
  }
  AMDRR_REQUIRE(false, "field does not belong to this packet");
  return desc_.fields[0];
}

Encoder& Encoder::set(FieldId id, uint32_t value) {
  return set(resolve(id), value);
}

Encoder& Encoder::set(const Field& field, uint32_t value) {
  AMDRR_REQUIRE(field.fits(value), "value does not fit its field");
  AMDRR_ASSERT(field.dword < total_, "field outside the packet");
  data_[field.dword] = field.insert(data_[field.dword], value);
  return *this;
}

Encoder& Encoder::set64(FieldId lo, FieldId hi, uint64_t value) {
  set(lo, static_cast<uint32_t>(value));
  return set(hi, static_cast<uint32_t>(value >> 32));
}

std::span<uint32_t> Encoder::payload() const {
  uint32_t start = payload_start(desc_);
  return start >= total_ ? std::span<uint32_t>{} : dwords().subspan(start);
}

}  // namespace amdrr::pkt

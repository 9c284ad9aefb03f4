#include "lib/pkt/decode.h"

#include "lib/base/check.h"
#include "lib/pkt/pm4_table.h"
#include "lib/pkt/tables.h"

namespace amdrr::pkt {
namespace {

const PacketDesc* find(const PacketTable& table, uint32_t opcode, uint32_t sub_op) {
  for (const PacketDesc* d : table.packets) {
    if (d->opcode == opcode && (d->sub_op < 0 || static_cast<uint32_t>(d->sub_op) == sub_op)) {
      return d;
    }
  }
  return nullptr;
}

struct Match {
  const PacketDesc* desc;
  uint64_t size;  // dwords the packet claims; 64-bit so no count can wrap
};

Match match_pm4(const PacketTable& table, uint32_t h) {
  const uint32_t type = h >> 30;
  const uint32_t count = (h >> 16) & 0x3FFF;
  if (type == 2) return {find_kind(table, Kind::kPm4Type2Nop), 1};
  if (type == 0) return {nullptr, uint64_t{count} + 2};  // register writes: not for compute
  if (type == 1) return {nullptr, 1};
  const uint32_t opcode = (h >> 8) & 0xFF;
  const PacketDesc* d = nullptr;
  for (const PacketDesc* e : table.packets) {
    if (e->kind != Kind::kPm4Type2Nop && e->opcode == opcode) d = e;
  }
  if (opcode == pm4::kNop.opcode && count == pm4::kNopPadCount) return {d, 1};
  return {d, uint64_t{count} + 2};
}

// SDMA and AQL: the entry is found from dw0; its size rule may read a count
// from a later dword, which might lie beyond the input.
Match match_by_rule(const PacketTable& table, std::span<const uint32_t> rest, uint32_t opcode,
                    uint32_t sub_op, bool* count_missing) {
  const PacketDesc* d = find(table, opcode, sub_op);
  if (d == nullptr) return {nullptr, table.engine == Engine::kAql ? 16u : 1u};
  const SizeRule& r = d->size;
  if (r.count_width == 0) return {d, r.base};
  if (r.count_dword >= rest.size()) {
    *count_missing = true;
    return {d, rest.size() + 1};  // unknown but longer than what we have
  }
  const Field count{r.count_dword, r.count_lo, r.count_width, "COUNT"};
  return {d, uint64_t{r.base} + count.extract(rest[r.count_dword])};
}

}  // namespace

PacketView locate(const PacketTable& table, std::span<const uint32_t> in, size_t offset) {
  AMDRR_REQUIRE(offset < in.size(), "decode_one past the end of its input");
  const std::span<const uint32_t> rest = in.subspan(offset);
  const uint32_t h = rest[0];
  bool count_missing = false;
  Match m{};
  switch (table.engine) {
    case Engine::kPm4:
      m = match_pm4(table, h);
      break;
    case Engine::kSdma:
      m = match_by_rule(table, rest, h & 0xFF, (h >> 8) & 0xFF, &count_missing);
      break;
    case Engine::kAql:
      m = match_by_rule(table, rest, h & 0xFF, (h >> 16) & 0xFF, &count_missing);
      break;
  }

  PacketView p;
  p.desc = m.desc;
  p.offset = offset;
  p.declared_dwords = m.size > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(m.size);
  const bool truncated = count_missing || m.size > rest.size();
  p.dwords = rest.first(truncated ? rest.size() : static_cast<size_t>(m.size));

  if (truncated) {
    p.status = DecodeStatus::kTruncated;
  } else if (m.desc == nullptr) {
    p.status = DecodeStatus::kUnknown;
  } else if (m.size < m.desc->min_dwords || m.size > m.desc->max_dwords) {
    p.status = DecodeStatus::kBadSize;
  } else {
    p.status = DecodeStatus::kOk;
  }
  return p;
}

DecodedPacket decode_one(const PacketTable& table, std::span<const uint32_t> in, size_t offset) {
  DecodedPacket p;
  static_cast<PacketView&>(p) = locate(table, in, offset);
  if (p.desc != nullptr) {
    const auto& fields = p.desc->fields;
    for (size_t i = 0; i < fields.size() && i < kMaxFields; ++i) {
      if (fields[i].dword < p.dwords.size()) {
        p.values[i] = fields[i].extract(p.dwords[fields[i].dword]);
        p.present |= uint64_t{1} << i;
      }
    }
  }
  return p;
}

std::vector<DecodedPacket> decode_all(const PacketTable& table, std::span<const uint32_t> in,
                                      size_t max_packets) {
  std::vector<DecodedPacket> out;
  size_t offset = 0;
  while (offset < in.size() && out.size() < max_packets) {
    out.push_back(decode_one(table, in, offset));
    if (out.back().status == DecodeStatus::kTruncated) break;
    offset = out.back().next_offset();
  }
  return out;
}

int PacketView::index_of(FieldId id) const {
  AMDRR_REQUIRE(desc != nullptr, "field read from an unknown packet");
  const std::string_view name = id.field().name;
  if (id.index < desc->fields.size()) {
    // Siblings built from one field list share the name's characters: a
    // pointer compare settles the common case without comparing strings.
    const std::string_view here = desc->fields[id.index].name;
    if ((here.data() == name.data() && here.size() == name.size()) || here == name) {
      return id.index;
    }
  }
  for (size_t i = 0; i < desc->fields.size(); ++i) {
    if (desc->fields[i].name == name) return static_cast<int>(i);
  }
  AMDRR_REQUIRE(false, "field does not belong to this packet");
  return 0;
}

uint32_t DecodedPacket::get(FieldId id) const {
  return values[index_of(id)];
}

uint64_t DecodedPacket::get64(FieldId lo, FieldId hi) const {
  return uint64_t{get(lo)} | (uint64_t{get(hi)} << 32);
}

bool DecodedPacket::has(FieldId id) const {
  return (present >> index_of(id)) & 1;
}

std::span<const uint32_t> PacketView::payload() const {
  if (desc == nullptr || desc->payload.empty()) return {};
  const uint32_t start = payload_start(*desc);
  return start >= dwords.size() ? std::span<const uint32_t>{} : dwords.subspan(start);
}

}  // namespace amdrr::pkt

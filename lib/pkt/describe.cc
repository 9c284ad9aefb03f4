#include "lib/pkt/describe.h"

#include <cinttypes>
#include <cstdio>

#include "lib/pkt/pm4_regs.h"
#include "lib/pkt/pm4_table.h"

namespace amdrr::pkt {
namespace {

constexpr size_t kMaxRawDwords = 16;  // of unknown packets and payloads

void append_hex(std::string& s, uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  s += buf;
}

std::string_view status_tag(DecodeStatus st) {
  switch (st) {
    case DecodeStatus::kOk:
      return "";
    case DecodeStatus::kUnknown:
      return "UNKNOWN ";
    case DecodeStatus::kTruncated:
      return "TRUNCATED ";
    case DecodeStatus::kBadSize:
      return "BAD_SIZE ";
  }
  return "";
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// A _LO field followed by its _HI twin (both full dwords) prints as one value.
bool is_lo_hi_pair(const Field& lo, const Field& hi) {
  if (!ends_with(lo.name, "_LO") || !ends_with(hi.name, "_HI")) return false;
  return lo.name.substr(0, lo.name.size() - 3) == hi.name.substr(0, hi.name.size() - 3) &&
         lo.width == 32 && lo.lo == 0;
}

void append_raw(std::string& s, std::span<const uint32_t> dwords, std::string_view label) {
  for (size_t i = 0; i < dwords.size() && i < kMaxRawDwords; ++i) {
    s += ' ';
    s += label;
    s += '[' + std::to_string(i) + "]=";
    append_hex(s, dwords[i]);
  }
  if (dwords.size() > kMaxRawDwords) s += " ...";
}

void append_registers(std::string& s, const DecodedPacket& p, const PacketTable& table) {
  const bool sh = p.kind() == Kind::kPm4SetShReg;
  const uint32_t base = sh ? pm4::kShRegBase : pm4::kUconfigRegBase;
  const auto regs = sh ? table.sh_regs : table.uconfig_regs;
  constexpr FieldId kShOffset = field_id(pm4::kSetShReg, "REG_OFFSET");
  constexpr FieldId kUconfigOffset = field_id(pm4::kSetUconfigReg, "REG_OFFSET");
  const uint32_t first = base + p.get(sh ? kShOffset : kUconfigOffset);
  const auto data = p.payload();
  for (size_t i = 0; i < data.size() && i < kMaxRawDwords; ++i) {
    const uint32_t addr = first + static_cast<uint32_t>(i);
    std::string_view name = pm4::register_name(regs, addr);
    s += ' ';
    if (name.empty()) {
      s += "REG_";
      append_hex(s, addr);
    } else {
      s += name;
    }
    s += '=';
    append_hex(s, data[i]);
  }
  if (data.size() > kMaxRawDwords) s += " ...";
}

}  // namespace

std::string_view enum_name(const Field& field, uint32_t value) {
  for (const EnumName& e : field.enums) {
    if (e.value == value) return e.name;
  }
  return {};
}

bool is_address_name(std::string_view base) {
  for (std::string_view word : {"ADDR", "SIGNAL", "OBJECT", "IB_BASE"}) {
    if (base.find(word) != std::string_view::npos) return true;
  }
  return false;
}

std::string describe(const DecodedPacket& p, const PacketTable& table,
                     const AddressNamer& name_address) {
  std::string s(status_tag(p.status));
  if (p.desc == nullptr) {
    s += "PACKET";
    s += " dwords=" + std::to_string(p.dwords.size());
    append_raw(s, p.dwords, "DW");
    return s;
  }
  s += p.desc->name;
  if (p.status != DecodeStatus::kOk) {
    s += " declared=" + std::to_string(p.declared_dwords) +
         " have=" + std::to_string(p.dwords.size());
  }
  const auto& fields = p.desc->fields;
  for (size_t i = 0; i < fields.size(); ++i) {
    const Field& f = fields[i];
    if (f.role == Role::kOpcode || f.role == Role::kFixed) continue;  // the name says it
    const bool have = (p.present >> i) & 1;
    s += ' ';
    if (i + 1 < fields.size() && is_lo_hi_pair(f, fields[i + 1])) {
      const std::string_view base = f.name.substr(0, f.name.size() - 3);
      s += base;
      s += '=';
      const bool have_hi = (p.present >> (i + 1)) & 1;
      if (have && have_hi) {
        const uint64_t value = uint64_t{p.values[i]} | (uint64_t{p.values[i + 1]} << 32);
        append_hex(s, value);
        if (name_address && value != 0 && is_address_name(base)) {
          s.append(" [").append(name_address(value)).append("]");
        }
      } else {
        s += '?';
      }
      ++i;
      continue;
    }
    s += f.name;
    s += '=';
    if (!have) {
      s += '?';
      continue;
    }
    append_hex(s, p.values[i]);
    if (std::string_view e = enum_name(f, p.values[i]); !e.empty()) {
      s += '(';
      s += e;
      s += ')';
    }
  }
  if (p.kind() == Kind::kPm4SetShReg || p.kind() == Kind::kPm4SetUconfigReg) {
    append_registers(s, p, table);
  } else if (!p.desc->payload.empty()) {
    append_raw(s, p.payload(), p.desc->payload);
  }
  return s;
}

}  // namespace amdrr::pkt

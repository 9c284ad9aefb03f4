#include "inspect/record_text.h"

#include <cinttypes>
#include <cstdio>

namespace amdrr::inspect {
namespace {

constexpr unsigned kMaxListItems = 16;

bool contains(std::string_view s, std::string_view word) {
  return s.find(word) != std::string_view::npos;
}

}  // namespace

bool is_hex_field(std::string_view name) {
  for (std::string_view w :
       {"handle", "Handle", "flags", "Flags", "ffset", "gpuId", "GpuId", "mask", "Mask", "hash",
        "detail", "uniqueId", "deviceId", "vendorId", "TriggerData", "lo", "hi"}) {
    if (name == w || contains(name, w)) return true;
  }
  return false;
}

namespace {

bool is_default(capnp::DynamicValue::Reader v) {
  switch (v.getType()) {
    case capnp::DynamicValue::VOID:
      return true;
    case capnp::DynamicValue::BOOL:
      return !v.as<bool>();
    case capnp::DynamicValue::INT:
      return v.as<int64_t>() == 0;
    case capnp::DynamicValue::UINT:
      return v.as<uint64_t>() == 0;
    case capnp::DynamicValue::FLOAT:
      return v.as<double>() == 0;
    case capnp::DynamicValue::TEXT:
      return v.as<capnp::Text>().size() == 0;
    case capnp::DynamicValue::DATA:
      return v.as<capnp::Data>().size() == 0;
    case capnp::DynamicValue::LIST:
      return v.as<capnp::DynamicList>().size() == 0;
    case capnp::DynamicValue::ENUM:
      return v.as<capnp::DynamicEnum>().getRaw() == 0;
    default:
      return false;
  }
}

void append_value(std::string& s, capnp::DynamicValue::Reader v, std::string_view field,
                  const BufferMap* buffers) {
  char buf[32];
  switch (v.getType()) {
    case capnp::DynamicValue::VOID:
      s += "void";
      return;
    case capnp::DynamicValue::BOOL:
      s += v.as<bool>() ? "true" : "false";
      return;
    case capnp::DynamicValue::INT:
      s += std::to_string(v.as<int64_t>());
      return;
    case capnp::DynamicValue::UINT: {
      const uint64_t u = v.as<uint64_t>();
      if (is_address_field(field)) {
        s += BufferMap::hex(u);
        if (buffers != nullptr && u != 0) s.append(" [").append(buffers->describe(u)).append("]");
      } else if (is_hex_field(field)) {
        std::snprintf(buf, sizeof buf, "0x%" PRIx64, u);
        s += buf;
      } else {
        s += std::to_string(u);
      }
      return;
    }
    case capnp::DynamicValue::FLOAT:
      s += std::to_string(v.as<double>());
      return;
    case capnp::DynamicValue::TEXT:
      s.append("\"").append(v.as<capnp::Text>().cStr()).append("\"");
      return;
    case capnp::DynamicValue::DATA:
      s.append("<").append(std::to_string(v.as<capnp::Data>().size())).append(" bytes>");
      return;
    case capnp::DynamicValue::LIST: {
      auto list = v.as<capnp::DynamicList>();
      s += '[';
      for (unsigned i = 0; i < list.size() && i < kMaxListItems; ++i) {
        if (i > 0) s += ", ";
        append_value(s, list[i], field, buffers);
      }
      if (list.size() > kMaxListItems) s.append(", ... ").append(std::to_string(list.size()));
      s += ']';
      return;
    }
    case capnp::DynamicValue::ENUM: {
      auto e = v.as<capnp::DynamicEnum>();
      KJ_IF_MAYBE (en, e.getEnumerant()) {
        s += en->getProto().getName().cStr();
      } else {
        s += std::to_string(e.getRaw());
      }
      return;
    }
    case capnp::DynamicValue::STRUCT:
      s += struct_text(v.as<capnp::DynamicStruct>(), buffers);
      return;
    default:
      s += "?";
      return;
  }
}

}  // namespace

bool is_address_field(std::string_view name) {
  return name == "va" || name == "addr" || name == "addrOut" || contains(name, "Addr") ||
         (name.size() > 2 && name.substr(name.size() - 2) == "Va");
}

std::string struct_text(capnp::DynamicStruct::Reader value, const BufferMap* buffers,
                        bool all_fields) {
  std::string s = "(";
  bool first = true;
  auto add = [&](capnp::StructSchema::Field f, bool always) {
    auto v = value.get(f);
    if (!always && is_default(v)) return;
    if (!first) s += ", ";
    first = false;
    std::string_view name = f.getProto().getName().cStr();
    s += name;
    if (v.getType() == capnp::DynamicValue::VOID) return;
    s += '=';
    append_value(s, v, name, buffers);
  };
  for (auto f : value.getSchema().getNonUnionFields()) {
    add(f, all_fields && f.getProto().isSlot());
  }
  KJ_IF_MAYBE (active, value.which()) {
    add(*active, true);
  }
  s += ')';
  return s;
}

}  // namespace amdrr::inspect

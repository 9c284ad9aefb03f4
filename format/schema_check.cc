#include "format/schema_check.h"

#include <mutex>
#include <unordered_map>
#include <vector>

namespace amdrr::format {
namespace {

/// The fields of a struct that hold pointers (or groups, which may), found
/// once per schema: walking every field's descriptor per record costs more
/// than the check itself.
struct PointerFields {
  std::vector<capnp::StructSchema::Field> always;  // outside the union
};

bool may_hold_pointers(const capnp::StructSchema::Field& field) {
  if (!field.getProto().isSlot()) return true;  // a group
  const capnp::Type t = field.getType();
  return t.isStruct() || t.isList() || t.isText() || t.isData();
}

const PointerFields& pointer_fields(const capnp::StructSchema& schema) {
  static std::mutex mu;
  static std::unordered_map<uint64_t, PointerFields> cache;
  std::lock_guard lock(mu);
  auto [it, inserted] = cache.try_emplace(schema.getProto().getId());
  if (inserted) {
    for (auto field : schema.getNonUnionFields()) {
      if (may_hold_pointers(field)) it->second.always.push_back(field);
    }
  }
  return it->second;
}

void check_value(const capnp::DynamicValue::Reader& value);

bool present(const capnp::DynamicStruct::Reader& s, const capnp::StructSchema::Field& field) {
  return !field.getProto().isSlot() || s.has(field);
}

void check_struct(capnp::DynamicStruct::Reader s) {
  const PointerFields& fields = pointer_fields(s.getSchema());
  for (const auto& field : fields.always) {
    if (present(s, field)) check_value(s.get(field));
  }
  KJ_IF_MAYBE (active, s.which()) {
    if (may_hold_pointers(*active) && present(s, *active)) check_value(s.get(*active));
  }
}

void check_value(const capnp::DynamicValue::Reader& value) {
  switch (value.getType()) {
    case capnp::DynamicValue::STRUCT:
      check_struct(value.as<capnp::DynamicStruct>());
      break;
    case capnp::DynamicValue::LIST: {
      auto list = value.as<capnp::DynamicList>();
      const capnp::Type element = list.getSchema().getElementType();
      // Lists of plain values were checked by reading the list itself.
      if (element.isStruct() || element.isList() || element.isText() || element.isData()) {
        for (auto item : list) check_value(item);
      }
      break;
    }
    default:
      break;  // text, data, enums, numbers: reading them was the check
  }
}

}  // namespace

void check_against_schema(capnp::DynamicStruct::Reader message) {
  check_struct(message);
}

}  // namespace amdrr::format

#include "format/schema_check.h"

namespace amdrr::format {
namespace {

void check_value(const capnp::DynamicValue::Reader& value);

void check_struct(capnp::DynamicStruct::Reader s) {
  for (capnp::StructSchema::Field field : s.getSchema().getNonUnionFields()) {
    if (field.getProto().isSlot() && !field.getType().isStruct() && !field.getType().isList() &&
        !field.getType().isText() && !field.getType().isData()) {
      continue;  // plain data: nothing to mismatch
    }
    if (field.getProto().isSlot() && !s.has(field)) continue;
    check_value(s.get(field));
  }
  KJ_IF_MAYBE (active, s.which()) {
    if (!active->getProto().isSlot() || s.has(*active)) check_value(s.get(*active));
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

#include "format/capnp_layout.h"

#include "format/trace.capnp.h"
#include "lib/base/check.h"

namespace amdrr::format::capnp_layout {
namespace {

capnp::schema::Field::Slot::Reader slot_of(capnp::StructSchema s, const char* field) {
  const auto proto = s.getFieldByName(field).getProto();
  AMDRR_REQUIRE(proto.isSlot(), "a hand-laid field must be a slot, not a group");
  return proto.getSlot();
}

// Bytes a data field of this type takes (0: not a data field).
uint32_t width_of(capnp::schema::Type::Reader type) {
  switch (type.which()) {
    case capnp::schema::Type::INT8:
    case capnp::schema::Type::UINT8:
      return 1;
    case capnp::schema::Type::INT16:
    case capnp::schema::Type::UINT16:
    case capnp::schema::Type::ENUM:
      return 2;
    case capnp::schema::Type::INT32:
    case capnp::schema::Type::UINT32:
    case capnp::schema::Type::FLOAT32:
      return 4;
    case capnp::schema::Type::INT64:
    case capnp::schema::Type::UINT64:
    case capnp::schema::Type::FLOAT64:
      return 8;
    default:
      return 0;
  }
}

}  // namespace

Shape shape_of(capnp::StructSchema s) {
  const auto node = s.getProto().getStruct();
  return {node.getDataWordCount(), node.getPointerCount()};
}

uint32_t data_byte(capnp::StructSchema s, const char* field) {
  const auto slot = slot_of(s, field);
  const uint32_t width = width_of(slot.getType());
  AMDRR_REQUIRE(width != 0, "not a fixed-width data field");
  // A non-zero default is stored XORed: the hand-laid encoders assume none.
  AMDRR_REQUIRE(!slot.getHadExplicitDefault(), "hand-laid fields must default to zero");
  return slot.getOffset() * width;
}

uint32_t bool_bit(capnp::StructSchema s, const char* field) {
  const auto slot = slot_of(s, field);
  AMDRR_REQUIRE(slot.getType().isBool(), "not a Bool field");
  AMDRR_REQUIRE(!slot.getHadExplicitDefault(), "hand-laid fields must default to zero");
  return slot.getOffset();
}

uint32_t pointer_slot(capnp::StructSchema s, const char* field) {
  return slot_of(s, field).getOffset();
}

uint64_t struct_pointer(size_t from, size_t to, Shape shape) {
  const auto offset = static_cast<uint32_t>(to - from - 1);
  return uint64_t{offset << 2} | uint64_t{shape.data_words} << 32 | uint64_t{shape.pointers} << 48;
}

uint64_t list_pointer(size_t from, size_t to, uint32_t element_code, uint64_t count) {
  const auto offset = static_cast<uint32_t>(to - from - 1);
  return uint64_t{offset << 2 | 1} | uint64_t{element_code} << 32 | count << 35;
}

RecordArm record_arm(const char* arm_name) {
  const auto record = capnp::Schema::from<schema::Record>();
  RecordArm a;
  a.record = shape_of(record);
  a.time_at = data_byte(record, "timeNs");
  a.thread_at = data_byte(record, "thread");
  a.which_at = record.getProto().getStruct().getDiscriminantOffset() * 2;
  const auto field = record.getFieldByName(arm_name);
  a.which = field.getProto().getDiscriminantValue();
  a.arm_slot = field.getProto().getSlot().getOffset();
  a.arm = shape_of(field.getType().asStruct());
  return a;
}

size_t MessageWriter::begin_record(const RecordArm& arm, uint64_t time_ns, uint32_t thread) {
  const size_t root = alloc(1);
  const size_t record = new_struct(root, arm.record);
  put(word(record) + arm.time_at, time_ns);
  put(word(record) + arm.thread_at, thread);
  put(word(record) + arm.which_at, arm.which);
  return new_struct(record + arm.record.data_words + arm.arm_slot, arm.arm);
}

}  // namespace amdrr::format::capnp_layout

#include "format/schema_check.h"

#include <capnp/any.h>
#include <capnp/list.h>
#include <kj/debug.h>

#include <deque>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace amdrr::format {
namespace {

// What a pointer slot must hold, and how to check what it points to: a plan
// built once per struct type from the schema, then walked per message over
// raw pointer slots. Reading a slot through AnyPointer::getAs<T> runs the
// same kind checks as the generated getter of a T field; walking the
// schema's descriptors per record through reflection cost ~12,000 host
// instructions a record, most of a replay.
struct StructPlan;

struct PointerCheck {
  enum class Kind : uint8_t { kStruct, kText, kData, kList, kAnything };
  Kind kind = Kind::kAnything;
  const StructPlan* plan = nullptr;  // kStruct, and kList of structs
  // kList: how the list itself is read, and its elements when they are pointers.
  capnp::schema::Type::Which element = capnp::schema::Type::VOID;
  const PointerCheck* element_check = nullptr;
};

struct Slot {
  uint32_t index = 0;  // in the pointer section
  const PointerCheck* check = nullptr;
};

struct Member {
  std::vector<Slot> slots;
  std::vector<const StructPlan*> groups;  // groups share their parent's sections
};

struct StructPlan {
  Member always;  // fields outside the union
  bool has_union = false;
  uint32_t discriminant_offset = 0;  // in 16-bit units of the data section
  std::vector<Member> members;       // by discriminant value
};

class Plans {
 public:
  const StructPlan& of(capnp::StructSchema schema) {
    std::lock_guard lock(mutex_);
    return *plan(schema);
  }

 private:
  const StructPlan* plan(capnp::StructSchema schema) {
    auto [it, inserted] = plans_.try_emplace(schema.getProto().getId());
    if (!inserted) return &it->second;
    StructPlan* p = &it->second;  // in the map before its fields: types may recurse
    const auto proto = schema.getProto().getStruct();
    p->has_union = proto.getDiscriminantCount() > 0;
    p->discriminant_offset = proto.getDiscriminantOffset();
    for (auto field : schema.getFields()) {
      const uint16_t value = field.getProto().getDiscriminantValue();
      Member* member = &p->always;
      if (value != capnp::schema::Field::NO_DISCRIMINANT) {
        if (p->members.size() <= value) p->members.resize(value + 1u);
        member = &p->members[value];
      }
      if (field.getProto().isGroup()) {
        member->groups.push_back(plan(field.getType().asStruct()));
        continue;
      }
      if (const PointerCheck* check = pointer_check(field.getType())) {
        member->slots.push_back({field.getProto().getSlot().getOffset(), check});
      }
    }
    return p;
  }

  // nullptr for a type stored in the data section.
  const PointerCheck* pointer_check(capnp::Type type) {
    using W = capnp::schema::Type;
    PointerCheck c;
    switch (type.which()) {
      case W::STRUCT:
        c.kind = PointerCheck::Kind::kStruct;
        c.plan = plan(type.asStruct());
        break;
      case W::TEXT:
        c.kind = PointerCheck::Kind::kText;
        break;
      case W::DATA:
        c.kind = PointerCheck::Kind::kData;
        break;
      case W::LIST: {
        const capnp::Type element = type.asList().getElementType();
        c.kind = PointerCheck::Kind::kList;
        c.element = element.which();
        if (element.isStruct()) {
          c.plan = plan(element.asStruct());
        } else {
          c.element_check = pointer_check(element);
        }
        break;
      }
      case W::ANY_POINTER:
      case W::INTERFACE:
        c.kind = PointerCheck::Kind::kAnything;
        break;
      default:
        return nullptr;
    }
    checks_.push_back(c);
    return &checks_.back();
  }

  std::mutex mutex_;
  std::unordered_map<uint64_t, StructPlan> plans_;  // node-based: pointers stay valid
  std::deque<PointerCheck> checks_;
};

void check_struct(capnp::AnyStruct::Reader s, const StructPlan& plan);
void check_pointer(capnp::AnyPointer::Reader p, const PointerCheck& check);

template <typename T>
void read_list(capnp::AnyPointer::Reader p) {
  p.getAs<capnp::List<T>>();
}

void check_list(capnp::AnyPointer::Reader p, const PointerCheck& c) {
  using W = capnp::schema::Type;
  switch (c.element) {
    case W::VOID:
      return read_list<capnp::Void>(p);
    case W::BOOL:
      return read_list<bool>(p);
    case W::INT8:
    case W::UINT8:
      return read_list<uint8_t>(p);
    case W::INT16:
    case W::UINT16:
    case W::ENUM:
      return read_list<uint16_t>(p);
    case W::INT32:
    case W::UINT32:
    case W::FLOAT32:
      return read_list<uint32_t>(p);
    case W::INT64:
    case W::UINT64:
    case W::FLOAT64:
      return read_list<uint64_t>(p);
    case W::STRUCT: {
      // As a List(Struct) getter reads it: any encoding but a bit list.
      const auto list = p.getAs<capnp::AnyList>();
      KJ_REQUIRE(list.getElementSize() != capnp::ElementSize::BIT,
                 "Found bit list where struct list was expected");
      for (auto item : list.as<capnp::List<capnp::AnyStruct>>()) check_struct(item, *c.plan);
      return;
    }
    default:  // a list of pointers (text, data, lists, any): the same check for all
      read_list<capnp::Text>(p);
      for (auto item : p.getAs<capnp::AnyList>().as<capnp::List<capnp::AnyPointer>>()) {
        check_pointer(item, *c.element_check);
      }
      return;
  }
}

void check_pointer(capnp::AnyPointer::Reader p, const PointerCheck& c) {
  if (p.isNull()) return;  // reads as the field's default
  switch (c.kind) {
    case PointerCheck::Kind::kStruct:
      return check_struct(p.getAs<capnp::AnyStruct>(), *c.plan);
    case PointerCheck::Kind::kText:
      p.getAs<capnp::Text>();
      return;
    case PointerCheck::Kind::kData:
      p.getAs<capnp::Data>();
      return;
    case PointerCheck::Kind::kList:
      return check_list(p, c);
    case PointerCheck::Kind::kAnything:
      return;
  }
}

void check_member(capnp::AnyStruct::Reader s, const Member& member) {
  const auto pointers = s.getPointerSection();
  for (const Slot& slot : member.slots) {
    // A slot past the section: written by an older schema, reads as default.
    if (slot.index < pointers.size()) check_pointer(pointers[slot.index], *slot.check);
  }
  for (const StructPlan* group : member.groups) check_struct(s, *group);
}

void check_struct(capnp::AnyStruct::Reader s, const StructPlan& plan) {
  check_member(s, plan.always);
  if (!plan.has_union) return;
  const auto data = s.getDataSection();
  const size_t at = size_t{plan.discriminant_offset} * 2;
  const uint16_t which = at + 2 <= data.size() ? static_cast<uint16_t>(data[at] | data[at + 1] << 8)
                                               : 0;  // past the section: the first member
  // An unknown member (a newer schema, or hostile) has nothing to check:
  // readers see `which()` outside their cases.
  if (which < plan.members.size()) check_member(s, plan.members[which]);
}

Plans& plans() {
  static Plans* all = new Plans;  // never destroyed: readers may outlive static destructors
  return *all;
}

}  // namespace

void check_against_schema(capnp::AnyStruct::Reader message, capnp::StructSchema schema) {
  // One message type per reader, read again and again: no lock, no lookup.
  thread_local capnp::StructSchema last_schema;
  thread_local const StructPlan* last_plan = nullptr;
  if (last_plan == nullptr || schema != last_schema) {
    last_plan = &plans().of(schema);
    last_schema = schema;
  }
  check_struct(message, *last_plan);
}

}  // namespace amdrr::format

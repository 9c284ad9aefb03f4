#pragma once
// Checks a message against its schema: every pointer (in the active union
// member, recursively) holds the kind its field declares, read as the
// generated getter would, which throws kj::Exception when a pointer has the
// wrong kind (a struct where text or a list is declared). Bounds checks
// alone do not catch that, and a tool's getter would then throw where no one
// expects it.

#include <capnp/any.h>
#include <capnp/schema.h>

namespace amdrr::format {

/// Throws kj::Exception when a pointer of `message`, a `schema` struct, does
/// not match the schema.
void check_against_schema(capnp::AnyStruct::Reader message, capnp::StructSchema schema);

template <typename Reader>
void check_against_schema(Reader message) {
  using Struct = typename Reader::Reads;
  check_against_schema(capnp::AnyStruct::Reader(message), capnp::Schema::from<Struct>());
}

}  // namespace amdrr::format

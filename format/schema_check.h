#pragma once
// Checks a message against its schema: every pointer field (in the active
// union member, recursively) is read through Cap'n Proto's reflection, which
// throws kj::Exception when a pointer has the wrong kind (a struct where text
// or a list is declared). Bounds checks alone do not catch that, and a tool's
// getter would then throw where no one expects it.

#include <capnp/dynamic.h>

namespace amdrr::format {

/// Throws kj::Exception when a pointer of `message` does not match the schema.
void check_against_schema(capnp::DynamicStruct::Reader message);

}  // namespace amdrr::format

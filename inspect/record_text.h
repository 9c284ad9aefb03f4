#pragma once
// Any schema struct as one line of `name=value` text, driven by the schema
// itself (capnp reflection), so a field added to the schema shows up without
// touching this file. Addresses print in hex with the buffer they fall into;
// handles, flags and ids in hex; fields at their default are left out.

#include <capnp/dynamic.h>

#include <string>

#include "inspect/buffer_map.h"

namespace amdrr::inspect {

/// `(vaAddr=0x2000_0000_0000 [buf#0 "vram" +0x0], size=4096, ...)`.
/// `buffers` may be null (no annotation).
/// `all_fields` prints the top level's fields even at their default (a Kmd
/// call's arguments, where 0 means something).
std::string struct_text(capnp::DynamicStruct::Reader value, const BufferMap* buffers,
                        bool all_fields = false);

/// True for field names holding a GPU/CPU virtual address.
bool is_address_field(std::string_view name);
/// True for fields better read in hex (handles, flags, offsets, ids, masks).
bool is_hex_field(std::string_view name);

}  // namespace amdrr::inspect

#pragma once
// `amdrr dump`: every record in order, one line (doorbells: one line per
// packet) each, packets decoded field by field from lib/pkt's descriptions,
// addresses named by the buffer they fall into; or JSON Lines (--json), one
// object per record with the schema's field names (capnp's JSON codec).
// Code objects are listed at the end with each kernel's disassembly and the
// dispatches that ran it.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "format/trace_reader.h"

namespace amdrr::inspect {

struct DumpOptions {
  std::optional<uint32_t> queue;             // only records of this queue id
  std::vector<std::string> kinds;            // only these record kinds ("doorbell", ...)
  std::optional<uint64_t> first_submission;  // doorbells numbered 0, 1, ... in trace order
  std::optional<uint64_t> last_submission;   // inclusive
  std::string label;                         // only records after an annotation with it
  bool json = false;
  bool disassemble = true;
};

struct DumpSummary {
  uint64_t records = 0;  // read
  uint64_t printed = 0;
};

/// Writes the dump of `reader`'s records (after the header, which it prints
/// first) to `out`. Never fails on the trace's contents: damage is reported
/// in the output and by reader.end().
DumpSummary dump_trace(format::TraceReader& reader, const DumpOptions& options, std::ostream& out);

/// True when `kind` names a record kind of the schema.
bool is_record_kind(const std::string& kind);

}  // namespace amdrr::inspect

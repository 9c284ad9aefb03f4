#pragma once
// `amdrr redact`: a copy of a trace without the program's data. Memory
// contents become a deterministic pattern of the same size, except what the
// GPU work itself is made of: queue memory (rings, read/write pointers, EOP,
// context save), indirect buffers, kernel argument segments (their scalar
// arguments included: a size argument decides whether a kernel faults),
// code objects' images, and 8-byte words that hold an address inside a
// recorded buffer (pointers, signal handles).
// Observations (hashes and bytes the program read back) are dropped; the
// command line, environment and host name are dropped; annotations are
// dropped unless their label is kept.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace amdrr::inspect {

struct RedactOptions {
  std::vector<std::string> keep_labels;
  bool keep_code = true;  // code objects and their images (replay needs them)
};

struct RedactSummary {
  uint64_t records_in = 0, records_out = 0;
  uint64_t writes_redacted = 0, bytes_redacted = 0;
  uint64_t writes_kept = 0, bytes_kept = 0;  // queue memory and code
  uint64_t pointers_kept = 0;                // 8-byte addresses left in redacted writes
  uint64_t observations_dropped = 0;
  uint64_t annotations_kept = 0, annotations_dropped = 0;
  uint64_t code_objects = 0;
  bool source_damaged = false;
  std::string error;  // set when redaction failed (nothing usable written)
};

/// The pattern that replaces `size` bytes written at `va` (a function of the
/// address only, so the same write redacts the same way).
void redaction_pattern(uint64_t va, uint8_t* bytes, size_t size);

RedactSummary redact_trace(const std::string& in, const std::string& out,
                           const RedactOptions& options);

/// What the redacted trace can still show and what it cannot.
void print_redact_summary(const RedactSummary& summary, std::ostream& out);

}  // namespace amdrr::inspect

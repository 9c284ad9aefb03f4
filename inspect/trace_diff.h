#pragma once
// `amdrr diff`: two traces side by side, record by record (blob records are
// storage and compared through the references to them), packet by packet
// and byte by byte in recorded memory. Reports the first point where they
// part ways, then every difference counted by kind. What always differs
// between two runs (times, handles, gpu ids, mmap offsets, durations, the
// environment) is ignored unless `strict`.

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "format/trace_reader.h"

namespace amdrr::inspect {

struct DiffOptions {
  bool strict = false;
  size_t max_listed = 20;  // differences listed in full after the first
};

struct Difference {
  uint64_t record_a = 0;
  uint64_t record_b = 0;
  std::string kind;    // summary key: "doorbell.packets", "memWrite.content", ...
  std::string where;   // "doorbell q0 packet 3 FENCE (+0x2c) DATA"
  std::string a_text;  // the value in a
  std::string b_text;  // the value in b
};

struct DiffResult {
  std::vector<Difference> listed;           // first max_listed + 1 differences
  std::map<std::string, uint64_t> by_kind;  // every difference
  uint64_t total = 0;
  uint64_t records_a = 0, records_b = 0;  // compared (blobs excluded)
  bool same() const { return total == 0; }
};

DiffResult diff_traces(format::TraceReader& a, format::TraceReader& b, const DiffOptions& options);
void print_diff(const DiffResult& result, std::ostream& out);

}  // namespace amdrr::inspect

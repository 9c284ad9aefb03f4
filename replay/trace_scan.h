#pragma once
// scan_trace: the pass over a trace before anything is replayed. It finds
// every range the trace maps at a fixed address (to reserve them first),
// counts records and submissions (for progress and bisect), and refuses
// what replay cannot or must not do — unknown record kinds, XNACK, and
// anything past ReplayLimits — before a single call reaches the GPU.

#include <cstdint>
#include <string>
#include <vector>

#include "format/trace_reader.h"
#include "replay/address_space.h"
#include "replay/replay_options.h"

namespace amdrr::replay {

struct TraceScan {
  std::vector<VaRange> fixed_ranges;  // CPU mappings at fixed addresses, USERPTR memory
  uint64_t records = 0;
  uint64_t submissions = 0;
  uint64_t recorded_ns = 0;  // time of the last record
};

/// Reads `reader` to the end. False with a message (naming the record, and
/// for a limit the flag that raises it) when the trace cannot be replayed.
bool scan_trace(format::TraceReader& reader, const ReplayLimits& limits, TraceScan* scan,
                std::string* error);

}  // namespace amdrr::replay

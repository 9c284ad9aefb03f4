#pragma once
// minimize: delta debugging (ddmin) over a trace's submissions, then over
// the packets inside the submissions left, keeping the failure (the same
// predicates as bisect). Every candidate is a valid trace written by
// trace_rewrite: calls, allocations and CPU writes stay; removed
// submissions and packets become NOPs so ring positions do not shift.

#include <cstdint>
#include <functional>
#include <string>

#include "replay/bisect.h"

namespace amdrr::replay {

struct MinimizeProgress {
  const char* phase = "";  // "submissions" or "packets"
  uint64_t kept = 0;       // submissions (or packets) in the smallest failing candidate
  uint64_t total = 0;      // at the start of the phase
  int replays = 0;
};

struct MinimizeOptions {
  Predicate until;
  ReplayTraceOptions replay;
  std::string output;
  std::string work_dir;  // scratch traces ("" = a fresh directory under $TMPDIR)
  bool packets = true;   // also minimize the packets of the submissions left
  // A candidate counts as failing only with the whole trace's failure
  // (ReplayResult::failure): a smaller trace that fails some other way
  // (another fault, the culprit packet gone) is another bug. Off: any
  // failure the predicate accepts. `cmd:` predicates judge for themselves.
  bool same_failure = true;
  std::function<void(const MinimizeProgress&)> progress;
};

struct TraceSize {
  uint64_t submissions = 0;
  uint64_t packets = 0;  // non-NOP packets
  uint64_t bytes = 0;    // file size
};

struct MinimizeResult {
  bool reproduced = false;  // the whole trace is bad, so there was something to keep
  std::string error;
  TraceSize before;
  TraceSize after;
  int replays = 0;
  int other_failures = 0;  // candidates left out for failing some other way
  ReplayResult failing;    // the replay of the minimized trace
};

MinimizeResult minimize(const std::string& trace, const MinimizeOptions& options);

}  // namespace amdrr::replay

#pragma once
// trace_rewrite: writes a valid trace holding a chosen subset of another's
// submissions. Everything that is not a submission (Kmd calls: allocations,
// mappings, queue and event creation; CPU writes; code objects) stays, so
// kept packets still find the memory and queues they use. A removed
// submission's ring space becomes NOPs folded into the next kept submission
// of its queue, so ring positions do not shift; the waits and observations
// that followed it go with it. Optionally the trace is cut after one
// submission. Every queue is drained (a wait until it has read every packet
// rung) before the program destroys it and at the end of the output, so a
// fault or hang in the last packets is seen by any replay of the output.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "format/trace_reader.h"
#include "replay/trace_submissions.h"

namespace amdrr::replay {

struct RewritePlan {
  /// Per submission (index into TraceSubmissions::submissions): kept or not.
  /// Empty: every submission is kept.
  std::vector<bool> keep;
  /// Keep nothing recorded after submission `cut_after` and the records that
  /// followed it before the next submission.
  std::optional<size_t> cut_after;
  /// New packet dwords of a kept submission, the same length as the recorded
  /// ones (e.g. some packets NOP-filled, or a fault injected by a test).
  std::map<size_t, std::vector<uint32_t>> packets;
  /// Add a wait until the queue's read pointer reaches its last write
  /// pointer before each queue destruction and at the end (what a replay of
  /// a cut trace needs to see its last packets run).
  bool drain = true;
  /// Also wait for each submission's queue to read it before going on (the
  /// reference run of a differential replay: no two submissions overlap).
  bool serialize = false;
  /// Leave out the calls after the last kept submission that release
  /// memory (munmap, unmap, free), so it is still there when a replay ends.
  bool keep_memory = false;
};

struct RewriteStats {
  uint64_t submissions = 0;  // doorbells of the output holding a non-NOP packet
  uint64_t packets = 0;      // non-NOP packets in them
  uint64_t records = 0;
};

/// Reads `reader` from the start and writes `out`. False with a message if
/// the trace cannot be read or a replacement has the wrong length.
bool rewrite_trace(format::TraceReader& reader, const TraceSubmissions& submissions,
                   const RewritePlan& plan, const std::string& out, RewriteStats* stats,
                   std::string* error);

}  // namespace amdrr::replay

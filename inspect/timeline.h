#pragma once
// The timeline of a trace: one track per GPU queue, a span per submission
// from its doorbell to its completion, CPU waits, labels and faults. Rendered
// as Chrome trace-event JSON (Perfetto, chrome://tracing) and as a
// self-contained HTML page with an SVG drawing.
//
// Completion: the end of the first recorded wait after the doorbell that
// watched an address the submission's packets write (RELEASE_MEM, SDMA
// FENCE, AQL completion signal, WRITE_DATA), or, for KFD event waits, a
// submission that raises an interrupt; else the first wait after it. A
// submission no wait matched (ordered behind another queue by GPU-side
// waits) ends no later than the last wait after it, else at its queue's
// destruction. Where the trace kept the GPU timestamps a submission's
// packets wrote (ObservedMemory isTimestamp with its bytes) and a
// GET_CLOCK_COUNTERS call pairs the clocks, its span runs on GPU time
// instead (gpu_clock.h). UNVERIFIED: how close a wait's end is to the GPU's
// completion on hardware.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "format/trace_reader.h"

namespace amdrr::inspect {

struct TimelineTrack {
  std::string name;  // "gpu 0x4000 q0 sdma", "CPU waits", "labels", "faults"
  uint32_t gpu_id = 0;
};

struct TimelineSpan {
  size_t track = 0;
  std::string name;  // "submission 3: COPY_LINEAR, FENCE x3, TRAP"
  uint64_t start_ns = 0;
  uint64_t end_ns = 0;
  uint64_t record = 0;
  std::string end_reason;  // "wait on 0x... (#48)", "fault", "next record", ...
};

struct TimelineEvent {
  size_t track = 0;
  std::string name;
  uint64_t ns = 0;
  uint64_t record = 0;
};

struct Timeline {
  std::vector<TimelineTrack> tracks;
  std::vector<TimelineSpan> spans;
  std::vector<TimelineEvent> instants;
  uint64_t end_ns = 0;
};

/// Reads every record of `reader`.
Timeline build_timeline(format::TraceReader& reader);

void write_trace_event_json(const Timeline& timeline, std::ostream& out);
void write_timeline_html(const Timeline& timeline, const std::string& title, std::ostream& out);

/// Escapes text for JSON strings and for XML/HTML.
std::string json_escape(std::string_view s);
std::string xml_escape(std::string_view s);

}  // namespace amdrr::inspect

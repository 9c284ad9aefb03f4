#pragma once
// `amdrr report`: a Markdown block to paste into a bug report — machine,
// kernel / KFD / firmware versions, what the workload did (counts by queue
// and kind), how it ended (clean, fault with its VA and buffer, hang with the
// waiting packet), and the commands to replay, bisect and minimize it.

#include <iosfwd>
#include <string>

#include "format/trace_reader.h"

namespace amdrr::inspect {

/// `trace_path` is how the commands name the trace.
void write_report(format::TraceReader& reader, const std::string& trace_path, std::ostream& out);

}  // namespace amdrr::inspect

#include "cli/timeline_command.h"

#include <fstream>
#include <ostream>

#include "cli/exit_codes.h"
#include "inspect/timeline.h"

namespace amdrr::cli {

CLI::App* add_timeline_command(CLI::App& app, TimelineCommandOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "timeline",
      "Write a trace's timeline: one track per GPU queue, a span per submission from doorbell "
      "to completion, CPU waits, labels and faults");
  cmd->add_option("trace", options.trace, "the trace file (.amdrr)")->required();
  cmd->add_option("-o,--output", options.json,
                  "Chrome trace-event JSON (open in ui.perfetto.dev or chrome://tracing)");
  cmd->add_option("--html", options.html, "a self-contained HTML/SVG page of the same timeline");
  return cmd;
}

int run_timeline(const TimelineCommandOptions& options, std::ostream& out, std::ostream& err) {
  if (options.json.empty() && options.html.empty()) {
    err << "amdrr timeline: say where to write it: -o t.json and/or --html t.html\n";
    return kExitUsage;
  }
  std::string error;
  auto reader = format::TraceReader::open(options.trace, &error);
  if (!reader) {
    err << "amdrr timeline: " << error << "\n";
    return kExitUsage;
  }
  inspect::Timeline timeline = inspect::build_timeline(*reader);
  auto write = [&](const std::string& path, auto render) {
    std::ofstream file(path);
    render(file);
    file.close();
    if (!file) {
      err << "amdrr timeline: cannot write " << path << "\n";
      return false;
    }
    out << "wrote " << path << "\n";
    return true;
  };
  if (!options.json.empty() && !write(options.json, [&](std::ostream& o) {
        inspect::write_trace_event_json(timeline, o);
      })) {
    return kExitUsage;
  }
  if (!options.html.empty() && !write(options.html, [&](std::ostream& o) {
        inspect::write_timeline_html(timeline, "amdrr timeline: " + options.trace, o);
      })) {
    return kExitUsage;
  }
  out << timeline.tracks.size() << " tracks, " << timeline.spans.size() << " spans, "
      << timeline.instants.size() << " events\n";
  if (reader->end() != format::TraceEnd::kClean) {
    err << "amdrr timeline: trace " << format::trace_end_name(reader->end()) << ": "
        << reader->end_message() << "\n";
    return kExitDamagedTrace;
  }
  return kExitOk;
}

}  // namespace amdrr::cli

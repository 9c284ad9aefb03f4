#pragma once
// `amdrr timeline t.amdrr -o t.json [--html t.html]`: Chrome trace-event /
// Perfetto JSON, and a self-contained HTML/SVG page of the same timeline.

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>

namespace amdrr::cli {

struct TimelineCommandOptions {
  std::string trace;
  std::string json;
  std::string html;
};

CLI::App* add_timeline_command(CLI::App& app, TimelineCommandOptions& options);
int run_timeline(const TimelineCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace amdrr::cli

#include "cli/diff_command.h"

#include <ostream>

#include "cli/exit_codes.h"

namespace amdrr::cli {

CLI::App* add_diff_command(CLI::App& app, DiffCommandOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "diff",
      "Compare two traces record by record, packet by packet and in recorded memory: the "
      "first point where they part ways, then all differences by kind");
  cmd->add_option("a", options.a, "the first trace (e.g. the good run)")->required();
  cmd->add_option("b", options.b, "the second trace (e.g. the bad run)")->required();
  cmd->add_flag("--strict", options.diff.strict,
                "also compare what always differs between runs (times, handles, gpu ids, "
                "offsets, durations, environment)");
  cmd->add_option("--max-listed", options.diff.max_listed, "differences listed in full")
      ->capture_default_str();
  cmd->footer("Exit status: 0 same; 1 different; 2 a trace cannot be read.");
  return cmd;
}

int run_diff(const DiffCommandOptions& options, std::ostream& out, std::ostream& err) {
  std::string error;
  auto a = format::TraceReader::open(options.a, &error);
  if (!a) {
    err << "amdrr diff: " << error << "\n";
    return kExitUsage;
  }
  auto b = format::TraceReader::open(options.b, &error);
  if (!b) {
    err << "amdrr diff: " << error << "\n";
    return kExitUsage;
  }
  inspect::DiffResult result = inspect::diff_traces(*a, *b, options.diff);
  inspect::print_diff(result, out);
  for (auto* r : {a.get(), b.get()}) {
    if (r->end() != format::TraceEnd::kClean) {
      err << "amdrr diff: " << (r == a.get() ? options.a : options.b) << " "
          << format::trace_end_name(r->end()) << ": " << r->end_message() << "\n";
    }
  }
  return result.same() ? kExitOk : 1;
}

}  // namespace amdrr::cli

#include "cli/report_command.h"

#include <ostream>

#include "cli/exit_codes.h"
#include "inspect/report.h"

namespace amdrr::cli {

CLI::App* add_report_command(CLI::App& app, ReportCommandOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Print a Markdown summary to paste into a bug report: machine, versions, workload, how "
      "it ended, and the commands to replay, bisect and minimize it");
  cmd->add_option("trace", options.trace, "the trace file (.amdrr)")->required();
  return cmd;
}

int run_report(const ReportCommandOptions& options, std::ostream& out, std::ostream& err) {
  std::string error;
  auto reader = format::TraceReader::open(options.trace, &error);
  if (!reader) {
    err << "amdrr report: " << error << "\n";
    return kExitUsage;
  }
  inspect::write_report(*reader, options.trace, out);
  return kExitOk;
}

}  // namespace amdrr::cli

#include "cli/redact_command.h"

#include <ostream>

#include "cli/exit_codes.h"

namespace amdrr::cli {

CLI::App* add_redact_command(CLI::App& app, RedactCommandOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "redact",
      "Write a copy of a trace without the program's data, command line and environment, to "
      "share it; says what the copy can still show");
  cmd->add_option("trace", options.trace, "the trace file (.amdrr)")->required();
  cmd->add_option("-o,--output", options.output, "the redacted copy")->required();
  cmd->add_option("--keep-label", options.redact.keep_labels,
                  "keep annotations with this label (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  cmd->add_flag("--drop-code", options.drop_code,
                "also drop code objects and replace their images (kernels will not replay)");
  return cmd;
}

int run_redact(const RedactCommandOptions& options, std::ostream& out, std::ostream& err) {
  if (options.output == options.trace) {
    err << "amdrr redact: the copy must not overwrite the trace\n";
    return kExitUsage;
  }
  inspect::RedactOptions redact = options.redact;
  redact.keep_code = !options.drop_code;
  inspect::RedactSummary summary = inspect::redact_trace(options.trace, options.output, redact);
  if (!summary.error.empty()) {
    err << "amdrr redact: " << summary.error << "\n";
    return kExitUsage;
  }
  inspect::print_redact_summary(summary, out);
  return summary.source_damaged ? kExitDamagedTrace : kExitOk;
}

}  // namespace amdrr::cli

#include "cli/replay_command.h"

#include <ostream>

#include "replay/replay_trace.h"

namespace amdrr::cli {

CLI::App* add_replay_command(CLI::App& app, ReplayCommandOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Re-execute a trace on the emulated GPU and check it behaves as recorded.\n"
      "Exit codes: 0 replayed and matched, 1 diverged, 2 GPU fault, 3 hang,\n"
      "125 cannot replay here (so `git bisect run amdrr replay t.amdrr` skips).");
  cmd->add_option("trace", options.trace, "The trace (.amdrr)")->required();
  cmd->add_option("--seed", options.seed, "The emulated GPU's scheduling seed (default: recorded)");
  cmd->add_option("--timeout-ms", options.timeout_ms, "Timeout of each wait, in ms")
      ->capture_default_str();
  return cmd;
}

int run_replay(const ReplayCommandOptions& options, std::ostream& out, std::ostream& err) {
  replay::ReplayTraceOptions replay_options;
  replay_options.seed = options.seed;
  replay_options.timeout_ms = options.timeout_ms;
  replay::ReplayResult result = replay::replay_trace(options.trace, replay_options);
  if (result.verdict == replay::Verdict::kSame) {
    out << "replay: same (" << result.records_replayed << " records)\n";
  } else {
    out << "replay: " << replay::verdict_name(result.verdict) << " at record " << result.record
        << " (" << (result.kind.empty() ? "-" : result.kind) << "): " << result.message << "\n";
  }
  (void)err;
  return replay::verdict_exit_code(result.verdict);
}

}  // namespace amdrr::cli

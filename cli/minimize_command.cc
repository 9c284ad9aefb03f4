#include "cli/minimize_command.h"

#include <ostream>

#include "cli/bisect_command.h"
#include "cli/exit_codes.h"
#include "cli/format_units.h"
#include "replay/minimize.h"

namespace amdrr::cli {

CLI::App* add_minimize_command(CLI::App& app, MinimizeCommandOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "minimize",
      "Shrink a failing trace to the submissions and packets that still make it fail\n"
      "(delta debugging; removed work becomes NOPs so ring positions hold).\n"
      "Exit codes: 0 minimized, 1 the whole trace is not bad, 2 bad arguments or\n"
      "unreadable trace, 125 a replay could not tell.");
  cmd->add_option("trace", options.trace, "The trace (.amdrr)")->required();
  cmd->add_option("-o,--output", options.output, "The minimized trace")->required();
  cmd->add_option("--until", options.until, kUntilHelp)->required();
  cmd->add_flag("--submissions-only", options.submissions_only,
                "Do not minimize the packets inside the submissions left");
  cmd->add_flag("--any-failure", options.any_failure,
                "Keep candidates that fail the predicate some other way than the whole trace\n"
                "(by default a smaller trace must fail alike: same fault, same differing bytes)");
  cmd->add_option("--work-dir", options.work_dir, "Keep scratch traces in this directory");
  cmd->add_option("--seed", options.seed, "The emulated GPU's scheduling seed (default: recorded)");
  cmd->add_option("--timeout-ms", options.timeout_ms, "Timeout of each wait, in ms")
      ->capture_default_str();
  return cmd;
}

namespace {

void draw(std::ostream& err, const replay::MinimizeProgress& p, bool bar, uint64_t* last_kept) {
  if (!bar) {
    // One line per improvement, so a log stays short.
    if (p.kept >= *last_kept) return;
    *last_kept = p.kept;
    err << "minimize: " << p.kept << " of " << p.total << " " << p.phase << " (" << p.replays
        << " replays)\n";
    return;
  }
  constexpr int kWidth = 30;
  const int filled = p.total ? static_cast<int>(kWidth * (p.total - p.kept) / p.total) : 0;
  err << "\rminimize " << p.phase << " [" << std::string(filled, '#')
      << std::string(kWidth - filled, '.') << "] " << p.kept << "/" << p.total << ", " << p.replays
      << " replays   " << std::flush;
}

}  // namespace

int run_minimize(const MinimizeCommandOptions& options, std::ostream& out, std::ostream& err,
                 bool progress_bar) {
  auto until = replay::Predicate::parse(options.until);
  if (!until) {
    err << "amdrr minimize: --until must be diverge, fault, hang or cmd:COMMAND, not '"
        << options.until << "'\n";
    return kExitUsage;
  }
  replay::MinimizeOptions m;
  m.until = *until;
  m.replay.seed = options.seed;
  m.replay.timeout_ms = options.timeout_ms;
  m.output = options.output;
  m.work_dir = options.work_dir;
  m.packets = !options.submissions_only;
  m.same_failure = !options.any_failure;
  uint64_t last_kept = UINT64_MAX;
  const char* phase = "";
  m.progress = [&](const replay::MinimizeProgress& p) {
    if (std::string_view(p.phase) != phase) last_kept = UINT64_MAX, phase = p.phase;
    draw(err, p, progress_bar, &last_kept);
  };
  replay::MinimizeResult r = replay::minimize(options.trace, m);
  if (progress_bar) err << "\n";
  if (!r.error.empty()) {
    err << "amdrr minimize: " << r.error << "\n";
    return r.replays > 0 ? kExitCannotTest : kExitUsage;
  }
  if (!r.reproduced) {
    out << "minimize: the whole trace is not bad under --until " << until->name() << ": "
        << replay::verdict_name(r.failing.verdict) << "\n";
    return 1;
  }
  out << "minimize: " << options.output << " still fails ("
      << replay::verdict_name(r.failing.verdict) << ": " << r.failing.message << ")\n"
      << "  submissions " << r.before.submissions << " -> " << r.after.submissions << "\n"
      << "  packets     " << r.before.packets << " -> " << r.after.packets << "\n"
      << "  bytes       " << bytes_text(r.before.bytes) << " -> " << bytes_text(r.after.bytes)
      << "\n"
      << "  replays     " << r.replays << "\n";
  if (r.other_failures > 0) {
    out << "  " << r.other_failures
        << " smaller candidates failed some other way and were not kept (--any-failure keeps "
           "them)\n";
  }
  return kExitOk;
}

}  // namespace amdrr::cli

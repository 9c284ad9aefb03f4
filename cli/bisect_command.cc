#include "cli/bisect_command.h"

#include <cmath>
#include <ostream>
#include <vector>

#include "cli/exit_codes.h"
#include "replay/bisect.h"

namespace amdrr::cli {

const char* const kUntilHelp =
    "What makes a replay bad: diverge (differs from the recording), fault (GPU VM\n"
    "fault or exception), hang (a wait times out), or cmd:'COMMAND' (run by sh -c\n"
    "after each replay: exit 0 good, 125 cannot tell, anything else bad; it sees\n"
    "AMDRR_BISECT_EXIT (the replay's exit code), AMDRR_BISECT_VERDICT,\n"
    "AMDRR_BISECT_MESSAGE, AMDRR_BISECT_TRACE (the trace replayed) and\n"
    "AMDRR_BISECT_SUBMISSIONS (submissions in it))";

CLI::App* add_bisect_command(CLI::App& app, BisectCommandOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "bisect",
      "Find the first submission at which a replay goes bad, with O(log N) replays of\n"
      "drained prefixes (the trace cut after submission k, then waited to idle).\n"
      "--until diverge also compares all GPU-visible memory of each prefix with a\n"
      "serialized reference run (differential replay).\n"
      "Exit codes: 0 culprit found, 1 the whole trace is not bad, 2 bad arguments or\n"
      "unreadable trace, 125 a replay could not tell.");
  cmd->add_option("trace", options.trace, "The trace (.amdrr)")->required();
  cmd->add_option("--until", options.until, kUntilHelp)->required();
  cmd->add_option("-o,--output", options.output, "Write the shortest failing prefix here");
  cmd->add_option("--work-dir", options.work_dir, "Keep the prefixes replayed in this directory");
  cmd->add_option("--seed", options.seed, "The emulated GPU's scheduling seed (default: recorded)");
  cmd->add_option("--timeout-ms", options.timeout_ms, "Timeout of each wait, in ms")
      ->capture_default_str();
  return cmd;
}

namespace {

// The culprit's packet lines, the middle of a long submission elided.
std::string shortened(const std::string& lines) {
  constexpr size_t kEnds = 8;
  std::vector<std::string> all;
  size_t start = 0;
  for (size_t nl; (nl = lines.find('\n', start)) != std::string::npos; start = nl + 1) {
    all.push_back(lines.substr(start, nl + 1 - start));
  }
  if (all.size() <= 2 * kEnds + 1) return lines;
  std::string out;
  for (size_t i = 0; i < kEnds; ++i) out += all[i];
  out += "  ... " + std::to_string(all.size() - 2 * kEnds) + " more packets\n";
  for (size_t i = all.size() - kEnds; i < all.size(); ++i) out += all[i];
  return out;
}

}  // namespace

int run_bisect(const BisectCommandOptions& options, std::ostream& out, std::ostream& err) {
  auto until = replay::Predicate::parse(options.until);
  if (!until) {
    err << "amdrr bisect: --until must be diverge, fault, hang or cmd:COMMAND, not '"
        << options.until << "'\n";
    return kExitUsage;
  }
  replay::BisectOptions bisect_options;
  bisect_options.until = *until;
  bisect_options.replay.seed = options.seed;
  bisect_options.replay.timeout_ms = options.timeout_ms;
  bisect_options.output = options.output;
  bisect_options.work_dir = options.work_dir;
  bisect_options.progress = [&err](const std::string& line) { err << line << "\n" << std::flush; };
  replay::BisectResult r = replay::bisect(options.trace, bisect_options);
  if (!r.found) {
    if (!r.error.empty()) {
      err << "amdrr bisect: " << r.error << "\n";
      return r.replays > 0 || r.error.rfind("cannot tell", 0) == 0 ? kExitCannotTest : kExitUsage;
    }
    out << "bisect: the whole trace (" << r.submissions << " submissions) is not bad under --until "
        << until->name() << ": " << replay::verdict_name(r.failing.verdict) << " after "
        << r.replays << " replay(s)\n";
    return 1;
  }
  out << "bisect: first bad submission: " << r.culprit + 1 << " of " << r.submissions << " (record "
      << r.culprit_record << ", " << r.queue << ")\n"
      << shortened(r.packets) << "verdict: " << replay::verdict_name(r.failing.verdict) << ": "
      << r.failing.message << (r.by_memory ? " (differential replay)" : "") << "\n"
      << "replays: " << r.replays << " (log2 of " << r.submissions
      << " submissions = " << std::log2(static_cast<double>(r.submissions)) << ")\n";
  if (!options.output.empty() && r.error.empty()) {
    out << "wrote the shortest failing prefix (submissions 1.." << r.culprit + 1 << ") to "
        << options.output << "\n";
  }
  if (!r.error.empty()) {
    err << "amdrr bisect: " << r.error << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace amdrr::cli

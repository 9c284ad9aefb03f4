#pragma once
// `amdrr minimize t.amdrr -o min.amdrr --until ...`: delta debugging over
// submissions, then packets, keeping the failure; reports the reduction
// (submissions, packets, bytes) and the replays it took, with a progress bar
// on a terminal. Exit codes: 0 minimized, 1 the whole trace is not bad,
// 2 bad arguments or an unreadable trace, 125 a replay could not tell.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace amdrr::cli {

struct MinimizeCommandOptions {
  std::string trace;
  std::string output;
  std::string until;
  std::string work_dir;
  bool submissions_only = false;
  bool any_failure = false;
  std::optional<uint64_t> seed;
  uint64_t timeout_ms = 2000;
};

CLI::App* add_minimize_command(CLI::App& app, MinimizeCommandOptions& options);

/// `progress_bar`: redraw one line on `err` (a terminal) instead of
/// printing a line per improvement.
int run_minimize(const MinimizeCommandOptions& options, std::ostream& out, std::ostream& err,
                 bool progress_bar);

}  // namespace amdrr::cli

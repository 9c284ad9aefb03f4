#pragma once
// `amdrr replay t.amdrr`: re-executes a trace on the emulated GPU and prints
// a one-line verdict. Exit codes (for `git bisect run`): 0 replayed and
// matched, 1 diverged, 2 GPU fault, 3 hang, 125 cannot replay here.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace amdrr::cli {

struct ReplayCommandOptions {
  std::string trace;
  std::optional<uint64_t> seed;
  uint64_t timeout_ms = 10000;
};

CLI::App* add_replay_command(CLI::App& app, ReplayCommandOptions& options);

/// Replays, prints the verdict to `out` (details of a failure to `err`);
/// returns the exit code.
int run_replay(const ReplayCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace amdrr::cli

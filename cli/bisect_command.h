#pragma once
// `amdrr bisect t.amdrr --until {diverge|fault|hang|cmd:'...'} [-o prefix.amdrr]`:
// the first submission at which the predicate holds, found with O(log N)
// replays of drained prefixes. Prints the culprit submission decoded and the
// replays it took; progress goes to stderr. Exit codes: 0 culprit found,
// 1 the predicate does not hold for the whole trace, 2 bad arguments or an
// unreadable trace, 125 a replay could not tell (cannot replay here).

#include <CLI/CLI.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace amdrr::cli {

struct BisectCommandOptions {
  std::string trace;
  std::string until;
  std::string output;
  std::string work_dir;
  std::optional<uint64_t> seed;
  uint64_t timeout_ms = 2000;
};

CLI::App* add_bisect_command(CLI::App& app, BisectCommandOptions& options);

int run_bisect(const BisectCommandOptions& options, std::ostream& out, std::ostream& err);

/// The `--until` help shared by bisect and minimize.
extern const char* const kUntilHelp;

}  // namespace amdrr::cli

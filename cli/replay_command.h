#pragma once
// `amdrr replay t.amdrr`: re-executes a trace (on the emulated GPU, or
// /dev/kfd with AMDRR_BACKEND=kfd), checks it behaves as recorded and
// prints the verdict; where it differs, the submission's packets decoded,
// the buffer and the first differing bytes. Exit codes (for `git bisect
// run` and reboot-driven harnesses): 0 replayed and matched, 1 diverged,
// 2 GPU fault, 3 hang, 125 cannot replay here.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "replay/replay_options.h"

namespace amdrr::cli {

struct ReplayCommandOptions {
  std::string trace;
  std::optional<uint64_t> seed;
  std::optional<uint64_t> timeout_ms;
  bool serialize = false;
  std::optional<uint64_t> until;
  std::string from_label;
  uint64_t repeat = 1;
  bool force = false;
  bool no_reexec = false;  // set in the re-executed process (and tests)
  replay::ReplayLimits limits;
};

CLI::App* add_replay_command(CLI::App& app, ReplayCommandOptions& options);

/// Replays, prints the verdict to `out` (details of a failure too, a
/// progress bar on stderr when it is a terminal); returns the exit code.
/// When a recorded range collides, re-executes itself without address-space
/// randomisation once (unless `no_reexec`).
int run_replay(const ReplayCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace amdrr::cli

#pragma once
// The verdict of one replay: how it ended and, when it did not match, where
// (record number, submission number, record kind) and what differed.
// Divergence, faults and hangs are results, not exceptions. This is the
// Replayer's whole output: `amdrr replay` prints it, bisect and minimize
// read it.

#include <cstdint>
#include <string>

namespace amdrr::replay {

enum class Verdict : uint8_t {
  kSame,          // replayed to the end, everything compared matched
  kDiverged,      // a compared value or a call's outcome differs
  kGpuFault,      // a VM fault or hardware exception during the replay
  kHang,          // a wait did not end within the timeout
  kCannotReplay,  // unsupported or hostile trace, or this machine cannot do it
};

const char* verdict_name(Verdict verdict);
/// `amdrr replay` exit codes: 0 same, 1 diverged, 2 GPU fault, 3 hang,
/// 125 cannot replay (so `git bisect run` skips).
int verdict_exit_code(Verdict verdict);

struct ReplayResult {
  Verdict verdict = Verdict::kSame;
  uint64_t record = 0;  // record number where it stopped (or the last one)
  std::string kind;     // record kind there ("doorbell", "kmdCall mmap", ...)
  std::string message;  // one line: what differed / why it stopped; empty when same
  /// Further lines for a person: the submission's packets decoded, the
  /// buffer, the first differing bytes. Empty when there is nothing more.
  std::string details;
  /// What failed and how, without where in the trace it was noticed
  /// (submission and record numbers): two replays that fail alike have the
  /// same `failure`, whatever was left out around it. minimize keeps it, so
  /// a smaller trace failing some other way is not taken for the same bug.
  /// Empty when same.
  std::string failure;

  /// Submissions (doorbells) are numbered from 0 in trace order.
  /// `submissions` were rung; when it is > 0, `submission` is the last one
  /// rung when the replay stopped (the one a divergence is reported after).
  uint64_t submissions = 0;
  uint64_t submission = 0;
  uint64_t records_replayed = 0;
  uint64_t records_total = 0;  // records in the trace (0 if not scanned)
  uint64_t observations_checked = 0;
  uint64_t waits_checked = 0;
  bool stopped_early = false;  // ReplayOptions::until_submission was reached
  /// A recorded address range is taken in this process: a re-execution
  /// without address-space randomisation may succeed (replay_command does).
  bool address_collision = false;

  int exit_code() const { return verdict_exit_code(verdict); }
};

}  // namespace amdrr::replay

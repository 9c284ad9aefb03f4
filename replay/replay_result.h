#pragma once
// The verdict of one replay: how it ended and, when it did not match, where
// (record number, record kind) and what differed. Divergence, faults and
// hangs are results, not exceptions.

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
  std::string message;  // what differed / why it stopped; empty when same
  uint64_t records_replayed = 0;
};

}  // namespace amdrr::replay

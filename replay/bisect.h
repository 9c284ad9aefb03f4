#pragma once
// bisect: finds the first submission of a trace at which a predicate holds
// (the replay diverges, faults, hangs, or a user command says "bad"), with
// O(log N) replays of drained prefixes written by trace_rewrite. A prefix
// cut after submission k keeps every call and CPU write recorded before
// submission k + 1, then waits until every queue has read its packets.
// Divergence is seen by a replay only where the trace has observations; bisect
// then narrows it by differential replay: each drained prefix replayed as
// asked and serialized (the reference run), all GPU-visible memory compared.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "replay/replay_result.h"
#include "replay/replay_trace.h"
#include "replay/trace_rewrite.h"
#include "replay/trace_submissions.h"

namespace amdrr::replay {

/// What makes a replay "bad".
struct Predicate {
  enum class Kind : uint8_t { kDiverge, kFault, kHang, kCommand };
  Kind kind = Kind::kFault;
  std::string command;  // kCommand: run by /bin/sh -c

  /// "diverge", "fault", "hang" or "cmd:COMMAND"; nullopt otherwise.
  static std::optional<Predicate> parse(const std::string& text);
  std::string name() const;
};

/// Environment of a `cmd:` predicate's command; its exit status decides as
/// `git bisect run` does: 0 good, 125 cannot tell, anything else bad.
inline constexpr const char* kEnvExit = "AMDRR_BISECT_EXIT";                // replay's exit code
inline constexpr const char* kEnvVerdict = "AMDRR_BISECT_VERDICT";          // "same", "hang", ...
inline constexpr const char* kEnvMessage = "AMDRR_BISECT_MESSAGE";          // replay's message
inline constexpr const char* kEnvTrace = "AMDRR_BISECT_TRACE";              // the trace replayed
inline constexpr const char* kEnvSubmissions = "AMDRR_BISECT_SUBMISSIONS";  // kept in it

enum class Outcome : uint8_t { kGood, kBad, kSkip };

/// One test of the predicate: a rewritten trace replayed, then judged.
class PredicateRunner {
 public:
  PredicateRunner(Predicate predicate, ReplayTraceOptions replay, std::string work_dir);

  /// Replays `trace` (holding `submissions` submissions) and judges it.
  Outcome test(const std::string& trace, uint64_t submissions, ReplayResult* result);
  int replays() const { return replays_; }
  const std::string& work_dir() const { return work_dir_; }

 private:
  Outcome run_command(const std::string& trace, uint64_t submissions, const ReplayResult& r);

  Predicate predicate_;
  ReplayTraceOptions replay_;
  std::string work_dir_;
  int replays_ = 0;
};

struct BisectOptions {
  Predicate until;
  ReplayTraceOptions replay;
  std::string output;        // where the shortest failing prefix goes ("" = nowhere)
  std::string work_dir;      // scratch traces ("" = a fresh directory under $TMPDIR)
  bool differential = true;  // diverge: also compare memory with a serialized run
  std::function<void(const std::string&)> progress;  // one line per replay
};

struct BisectResult {
  bool found = false;
  std::string error;   // set when bisect could not run (unreadable trace, skip, ...)
  size_t culprit = 0;  // index of the first bad submission (number culprit + 1)
  size_t submissions = 0;
  int replays = 0;
  ReplayResult failing;    // the replay of the shortest failing prefix
  bool by_memory = false;  // found by differential replay (failing.message says where)
  std::string queue;       // "SDMA queue 1 (gpu 0x4000)"
  std::string packets;     // the culprit's packets, one described per line
  uint64_t culprit_record = 0;
};

BisectResult bisect(const std::string& trace, const BisectOptions& options);

/// Scratch directory for rewritten traces; removed by the destructor.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& requested);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool owned_ = false;
};

}  // namespace amdrr::replay

#pragma once
// What one replay is asked to do: how long waits may take, where to stop,
// what to verify, and the limits that protect the replayer from a hostile
// trace. The Replayer's whole input besides the trace and the backend.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace amdrr::replay {

/// Bounds on what a trace may ask for. A trace past one stops the replay
/// with kCannotReplay and a message naming the limit and the `amdrr replay`
/// flag that raises it (limits.h).
struct ReplayLimits {
  uint64_t max_alloc_bytes = uint64_t{16} << 30;        // one allocation
  uint64_t max_total_alloc_bytes = uint64_t{64} << 30;  // live at once
  uint64_t max_queues = 256;                            // live at once
  uint64_t max_buffers = 1u << 20;                      // live at once
  uint64_t max_record_bytes = uint64_t{16} << 20;       // one serialized record
  uint64_t max_blob_bytes = uint64_t{4} << 30;          // one blob read back
  uint64_t max_seconds = 3600;                          // the whole replay, wall clock
};

/// How the replay times each wait when no fixed timeout is given: the
/// recorded duration times `multiple` times the backend's slowdown against
/// the recording one, never under `floor_ms`.
struct WaitTimeout {
  std::optional<uint64_t> fixed_ms;  // --timeout: every wait, as given
  uint64_t floor_ms = 5000;
  uint64_t multiple = 20;
  double slowdown = 1.0;  // replay backend ÷ recording backend speed
  /// The timeout of a wait recorded as taking `recorded_ns`.
  uint64_t for_wait(uint64_t recorded_ns, bool recorded_timed_out) const;
};

struct ReplayOptions {
  WaitTimeout timeout;
  /// Wait until the GPU is idle after each submission: a failure that
  /// disappears under it is a race.
  bool serialize = false;
  /// Stop (verdict same, stopped_early) once submission N has run and the
  /// records up to the next submission have been replayed.
  std::optional<uint64_t> until_submission;
  /// Verify (observed memory, waited values) only from the first annotation
  /// with this label on; everything before is replayed without comparing.
  std::string from_label;
  ReplayLimits limits;
  /// When limits.max_seconds runs out; unset: that long after the replay
  /// starts. replay_trace sets it to give the backend the same instant.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// The backend reserves a host-visible BO's address itself at ALLOC
  /// (LinuxKfd): the replay hands its reservation of that range over first.
  bool backend_reserves_bo_va = false;
  /// A satisfied CPU wait must have seen exactly the recorded value, not only
  /// met its condition: true only where both runs are the same pure function
  /// of the trace (a deterministic capture replayed on the deterministic
  /// emulated GPU); elsewhere how far past its condition a wait saw is timing.
  bool exact_wait_values = false;
  /// Called now and then with (records replayed, records in the trace).
  std::function<void(uint64_t, uint64_t)> progress;
};

}  // namespace amdrr::replay

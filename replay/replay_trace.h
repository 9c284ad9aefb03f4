#pragma once
// replay_trace: one replay of a trace file, from opening the file to the
// verdict — what `amdrr replay` runs, and what bisect and minimize call.
// Scans the trace first (limits, unsupported records, fixed ranges),
// builds the backend (the emulated GPU from the trace's header, or
// /dev/kfd), checks the GPU targets, reserves the recorded ranges, replays.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "replay/address_space.h"
#include "replay/replay_backend.h"
#include "replay/replay_options.h"
#include "replay/replay_result.h"

namespace amdrr::replay {

struct ReplayTraceOptions : ReplayOptions {
  std::optional<uint64_t> seed;        // the emulated GPU's seed; unset: the recorded one
  std::optional<uint64_t> timeout_ms;  // every wait; unset: scaled from the recording
  /// "sim" or "kfd"; empty: AMDRR_BACKEND, else "sim".
  std::string backend;
  /// "deterministic" or "threaded" (emulated GPU); empty: AMDRR_SIM_MODE.
  std::string sim_mode;
  /// Replay even when the recorded gfx target differs from the device's.
  bool force = false;
  /// Makes the backend instead of `backend` (tests: LinuxKfd over fakes).
  BackendFactory backend_factory;
  /// Called once the replay ended, while its mappings are still there
  /// (bisect compares GPU-visible memory between two runs).
  std::function<void(const AddressSpace&)> inspect;
};

ReplayResult replay_trace(const std::string& path, const ReplayTraceOptions& options);

/// `repeat` replays of the same trace, each in a fresh backend; `failed`
/// counts those whose verdict was not kSame. Stops early on kCannotReplay
/// (it would be the same every time).
struct RepeatedReplay {
  std::vector<ReplayResult> results;
  uint64_t failed = 0;
};
RepeatedReplay replay_trace_repeated(const std::string& path, const ReplayTraceOptions& options,
                                     uint64_t repeat);

}  // namespace amdrr::replay

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

#include "format/trace_reader.h"
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

/// Decompressed frames a reader that reads the trace more than once keeps
/// (format::ReadLimits::max_kept_frame_bytes): the replay after its scan,
/// bisect and minimize writing each candidate. A 100,000-submission capture
/// is ~12 MiB of them; replay_bench's 20,000 submissions replay in
/// 0.022-0.024 s instead of 0.028-0.030 s with them kept.
inline constexpr uint64_t kKeptFrameBytes = 256u << 20;
/// ReadLimits for such a reader.
inline format::ReadLimits rereading_limits() {
  format::ReadLimits limits;
  limits.max_kept_frame_bytes = kKeptFrameBytes;
  return limits;
}

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

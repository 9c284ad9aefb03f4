#pragma once
// replay_trace: one replay of a trace file on the emulated GPU, from opening
// the file to the verdict. What `amdrr replay` runs.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "replay/address_space.h"
#include "replay/replay_result.h"

namespace amdrr::replay {

struct ReplayTraceOptions {
  std::optional<uint64_t> seed;  // the emulated GPU's seed; unset: the recorded one
  uint64_t timeout_ms = 10000;
  /// Called once the replay ended, while its mappings are still there
  /// (bisect compares GPU-visible memory between two runs).
  std::function<void(const AddressSpace&)> inspect;
};

ReplayResult replay_trace(const std::string& path, const ReplayTraceOptions& options);

}  // namespace amdrr::replay

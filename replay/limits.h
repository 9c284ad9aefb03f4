#pragma once
// The messages of ReplayLimits: which limit a trace went past, by how much,
// and the `amdrr replay` flag that raises it.

#include <chrono>
#include <cstdint>
#include <string>

#include "replay/replay_options.h"

namespace amdrr::replay {

enum class Limit : uint8_t {
  kAllocBytes,
  kTotalAllocBytes,
  kQueues,
  kBuffers,
  kRecordBytes,
  kBlobBytes,
  kSeconds,
};

uint64_t limit_value(const ReplayLimits& limits, Limit limit);
/// The command-line flag that raises `limit`, e.g. "--max-alloc".
const char* limit_flag(Limit limit);
/// "the trace asks for <what> (<value>), over the limit of <limit>; raise it
/// with --flag".
std::string limit_message(Limit limit, const std::string& what, uint64_t value,
                          const ReplayLimits& limits);

/// `seconds` after `start`, or the clock's last instant when that is past it
/// (--max-seconds 18446744073709551615 means no limit, not an overflow).
std::chrono::steady_clock::time_point deadline_after(std::chrono::steady_clock::time_point start,
                                                     uint64_t seconds);

}  // namespace amdrr::replay

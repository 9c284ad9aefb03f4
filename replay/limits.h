#pragma once
// The messages of ReplayLimits: which limit a trace went past, by how much,
// and the `amdrr replay` flag that raises it.

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

}  // namespace amdrr::replay

#include "replay/replay_options.h"

#include <algorithm>

namespace amdrr::replay {

uint64_t WaitTimeout::for_wait(uint64_t recorded_ns, bool recorded_timed_out) const {
  if (fixed_ms) return *fixed_ms;
  const double recorded_ms = static_cast<double>(recorded_ns) / 1e6 * slowdown;
  // A recorded timeout is expected again: waiting a multiple of it longer
  // only delays the same verdict.
  const double scaled = recorded_timed_out ? recorded_ms : recorded_ms * double(multiple);
  const double capped = std::min(scaled, 1e9);
  return std::max<uint64_t>(floor_ms, static_cast<uint64_t>(capped));
}

}  // namespace amdrr::replay

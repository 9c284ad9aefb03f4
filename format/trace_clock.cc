#include "format/trace_clock.h"

#include <time.h>

#include <algorithm>
#include <fstream>
#include <string>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace amdrr::format {
namespace {

constexpr uint64_t kMeasureNs = 10'000'000;  // the first rate: over 10 ms
constexpr uint64_t kWindowNs = 100'000'000;  // then re-anchored every 100 ms

uint64_t monotonic_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(t.tv_nsec);
}

uint64_t read_tsc() {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return 0;
#endif
}

}  // namespace

bool TraceClock::kernel_uses_tsc() {
#if defined(__x86_64__)
  std::ifstream f("/sys/devices/system/clocksource/clocksource0/current_clocksource");
  std::string source;
  return f >> source && source == "tsc";
#else
  return false;
#endif
}

TraceClock::TraceClock(bool use_tsc) : use_tsc_(use_tsc), start_ns_(monotonic_ns()) {
  if (use_tsc_) anchor_tsc_ = read_tsc();
}

uint64_t TraceClock::monotonic_since_start() {
  return monotonic_ns() - start_ns_;
}

uint64_t TraceClock::reanchor(uint64_t tsc) {
  const uint64_t ns = monotonic_since_start();
  const uint64_t elapsed_ns = ns - anchor_ns_;
  if (elapsed_ns >= kMeasureNs && tsc > anchor_tsc_) {
    ns_per_tick_ = static_cast<double>(elapsed_ns) / static_cast<double>(tsc - anchor_tsc_);
    window_ticks_ = static_cast<uint64_t>(static_cast<double>(kWindowNs) / ns_per_tick_);
    anchor_tsc_ = tsc;
    anchor_ns_ = ns;
  }
  return ns;
}

uint64_t TraceClock::now_ns() {
  uint64_t ns;
  if (!use_tsc_) {
    ns = monotonic_since_start();
  } else {
    const uint64_t tsc = read_tsc();
    const uint64_t ticks = tsc - anchor_tsc_;
    if (ns_per_tick_ == 0 || tsc < anchor_tsc_ || ticks > window_ticks_) {
      ns = reanchor(tsc);
    } else {
      ns = anchor_ns_ + static_cast<uint64_t>(static_cast<double>(ticks) * ns_per_tick_);
    }
  }
  last_ = std::max(last_, ns);
  return last_;
}

}  // namespace amdrr::format

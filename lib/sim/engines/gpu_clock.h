#pragma once
// The GPU clock. In deterministic mode a virtual counter that advances with
// work, so timestamps are a pure function of the packets and the seed; in
// threaded mode (host = true) the host's monotonic clock scaled to the
// counter's rate, so timestamps measure real time. Ticks are of the 100 MHz
// counter SimKfd reports (UNVERIFIED: the real rate is per board).
//
// Thread-safe in host mode (it keeps no state); the virtual counter is used
// only under the deterministic scheduler's lock.

#include <time.h>

#include <cstdint>

namespace amdrr::sim {

class GpuClock {
 public:
  /// Every packet costs a fixed number of ticks...
  static constexpr uint64_t kTicksPerPacket = 4;
  /// ... plus its data movement at 64 bytes per tick (6.4 GB/s at 100 MHz).
  static constexpr uint64_t kBytesPerTick = 64;

  /// Where the clock starts: not 0, which get_clock_counters reserves for
  /// "no such GPU" [S-CHR]. (A real counter has run since power-on.)
  static constexpr uint64_t kEpoch = uint64_t{1} << 20;

  /// The counter's rate, which SimKfd's get_clock_counters also uses.
  static constexpr uint64_t kHz = 100000000;

  explicit GpuClock(bool host = false) : host_(host) {}

  uint64_t now() const { return host_ ? host_ticks() : ticks_; }
  void packet() {
    if (!host_) ticks_ += kTicksPerPacket;
  }
  void data(uint64_t bytes_moved) {
    if (!host_) ticks_ += bytes_moved / kBytesPerTick;
  }

  /// CLOCK_MONOTONIC_RAW in ticks: what SimKfd reports without a virtual clock.
  static uint64_t host_ticks() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    const uint64_t ns =
        static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
    return ns / (1000000000ull / kHz);
  }

 private:
  const bool host_;
  uint64_t ticks_ = kEpoch;
};

}  // namespace amdrr::sim

#pragma once
// The GPU clock in deterministic mode: a virtual counter that advances with
// work, so timestamps are a pure function of the packets and the seed.
// Ticks are of the 100 MHz counter SimKfd reports (UNVERIFIED: the real
// rate is per board).

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

  uint64_t now() const { return ticks_; }
  void packet() { ticks_ += kTicksPerPacket; }
  void data(uint64_t bytes_moved) { ticks_ += bytes_moved / kBytesPerTick; }

 private:
  uint64_t ticks_ = kEpoch;
};

}  // namespace amdrr::sim

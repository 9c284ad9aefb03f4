#pragma once
// An engine's window on GPU memory: every access goes through the page table
// of the queue's GPU (SimKfd::gpu_read / gpu_write), faults come back as
// values, and every successful write is logged for capture/verification.

#include <cstdint>
#include <cstring>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "lib/sim/engines/engine_types.h"

namespace amdrr::sim {

class SimKfd;
class FaultInjector;

/// Written ranges of all engines, in execution order; adjacent writes of the
/// same queue coalesce. Unlocked for the deterministic scheduler (one thread
/// under its lock); set_concurrent() makes add/take lock, for engine threads.
class WriteLog {
 public:
  /// Before any engine runs: engines will add from several threads.
  void set_concurrent() { concurrent_ = true; }
  /// Before any engine runs: keep ranges (else add() drops them).
  void set_enabled(bool on) { enabled_ = on; }
  void add(uint32_t gpu_id, uint32_t queue_id, uint64_t va, uint64_t size);
  std::vector<WrittenRange> take() {
    std::unique_lock lock(mu_, std::defer_lock);
    if (concurrent_) lock.lock();
    return std::exchange(ranges_, {});
  }
  /// Deterministic mode only (no lock).
  const std::vector<WrittenRange>& ranges() const { return ranges_; }

 private:
  bool concurrent_ = false;  // set before engines run, then read-only
  bool enabled_ = false;     // likewise
  std::mutex mu_;
  std::vector<WrittenRange> ranges_;  // guarded by mu_ when concurrent_
};

class GpuMemory {
 public:
  GpuMemory(SimKfd& kfd, uint32_t gpu_id, uint32_t queue_id, WriteLog& log,
            FaultInjector* faults = nullptr)
      : kfd_(kfd), gpu_id_(gpu_id), queue_id_(queue_id), log_(log), faults_(faults) {}

  uint32_t gpu_id() const { return gpu_id_; }
  std::optional<GpuFault> read(uint64_t va, std::span<uint8_t> out);
  std::optional<GpuFault> write(uint64_t va, std::span<const uint8_t> in);

  template <typename T>
  std::optional<GpuFault> load(uint64_t va, T& v) {
    return read(va, {reinterpret_cast<uint8_t*>(&v), sizeof v});
  }
  template <typename T>
  std::optional<GpuFault> store(uint64_t va, T v) {
    return write(va, {reinterpret_cast<const uint8_t*>(&v), sizeof v});
  }

  /// Copies `bytes` from `src` to `dst`; nothing is written if either range
  /// faults. UNVERIFIED: how hardware orders an overlapping copy (memmove
  /// per mapping piece here).
  std::optional<GpuFault> copy(uint64_t dst, uint64_t src, uint64_t bytes);
  /// Fills `bytes` at `dst` with the little-endian repetition of `pattern`.
  std::optional<GpuFault> fill(uint64_t dst, uint32_t pattern, uint64_t bytes);

  /// The fault-plan item behind the last fault returned, if it was injected
  /// (cleared by the call).
  std::string take_injected() { return std::exchange(injected_, {}); }

 private:
  std::optional<GpuFault> injected_fault(uint64_t va, uint64_t size);

  SimKfd& kfd_;
  uint32_t gpu_id_;
  uint32_t queue_id_;
  WriteLog& log_;
  FaultInjector* faults_;
  std::string injected_;
  // fill()'s source: `bounce_pattern_` repeated, kept between fills (a
  // queue fills with the same value again and again).
  std::vector<uint32_t> bounce_;
  uint32_t bounce_pattern_ = 0;
};

}  // namespace amdrr::sim

#pragma once
// Signal: a 64-bit timeline value in GPU-visible memory, laid out as an
// amd_signal_t so AQL packets can use it as a completion signal directly.
//
// What each path can do with it (the queues enforce this):
// - PM4 RELEASE_MEM writes all 64 bits; WAIT_REG_MEM compares 32 bits.
// - SDMA FENCE writes 32 bits, so an SDMA signal writes the low half with a
//   FENCE and the high half with a second FENCE before it (a reader may see
//   the new high half with the old low half only while the value moves up
//   across a 2^32 boundary: waits compare >=, so that tear only delays them).
//   POLL_REGMEM compares 32 bits.
// - AQL completion only decrements; AQL timelines are signalled with a PM4
//   RELEASE_MEM run from a vendor packet.
// GPU-side waits compare the low 32 bits with >=: valid while the value
// being waited for is less than 2^31 ahead of the current one (wrap rule).
//
// Two ways to use one: as a timeline (counts up; queues signal(s, v) and
// wait(s, v); the CPU calls wait_at_least(v)), or as an AQL completion
// signal (counts down; set it to N, attach it to N AQL packets, and the CPU
// calls wait_equal(0) or an AQL barrier waits for 0). Do not mix the two on
// one signal.
//
// A CPU wait spins briefly (calling Kmd::poll, so the emulated GPU runs),
// then sleeps on the KFD signal event; a VM fault or hardware exception that
// arrives meanwhile becomes an Error naming the address and the GPU.

#include <chrono>
#include <cstdint>
#include <string>

#include "lib/driver/buffer.h"
#include "lib/kmd/kmd.h"

namespace amdrr {

class System;

/// Offsets inside amd_signal_t [S-AMDSIG].
inline constexpr uint64_t kSignalValueOffset = 8;
inline constexpr uint64_t kSignalMailboxOffset = 16;
inline constexpr uint64_t kSignalEventIdOffset = 24;

class Signal {
 public:
  Signal() = default;

  /// GPU VA of the amd_signal_t (an AQL completion_signal / hsa_signal_t).
  uint64_t address() const { return memory_.va(); }
  /// GPU VA of the 64-bit value.
  uint64_t value_address() const { return memory_.va() + kSignalValueOffset; }
  uint64_t value() const;
  /// CPU store of a new value (reported to the seam).
  void set(uint64_t value) const;
  /// Blocks until value() >= target. Throws Error on timeout (saying what
  /// was expected and what the value is), or when the GPU faulted.
  void wait_at_least(uint64_t target,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  /// Blocks until value() == target, exactly. This is how a CPU waits on an
  /// AQL completion signal, which the packet processor only decrements by one
  /// when a packet completes: make the signal with the number of packets that
  /// will complete it (usually 1), attach it, then wait_equal(0). A value
  /// below the target (an extra decrement wraps 0 to 2^64 - 1) never
  /// satisfies it, and the timeout Error says what the value is. Throws like
  /// wait_at_least on a timeout or a GPU fault.
  void wait_equal(uint64_t target,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  /// Makes it reachable from `device`'s queues (done for you by queues).
  void map_to(const Device& device) const { memory_.map_to(device); }
  const Buffer& memory() const { return memory_; }

 private:
  friend class System;
  Signal(System& system, Buffer memory) : system_(&system), memory_(std::move(memory)) {}
  /// The one CPU wait loop: spin with Kmd::poll(), then sleep on the event.
  void wait_for(kmd::CpuWait::Op op, uint64_t target, std::chrono::milliseconds timeout) const;
  std::string timeout_message(kmd::CpuWait::Op op, uint64_t target, uint64_t value,
                              std::chrono::milliseconds timeout) const;

  System* system_ = nullptr;
  Buffer memory_;
};

}  // namespace amdrr

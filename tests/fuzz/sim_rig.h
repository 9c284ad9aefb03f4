#pragma once
// An emulated GPU with one queue and memory at fixed addresses, for the
// engine fuzz target and its seed generator: the seeds' packets name these
// addresses, so mutations of them stay inside (or just outside) real memory.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "lib/sim/engines/scheduler.h"
#include "lib/sim/isa/isa_dispatch_runner.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr::fuzz {

/// Queue kinds the first input byte selects (its value modulo kQueueKinds).
enum class RigQueue : uint8_t { kPm4 = 0, kSdma = 1, kAql = 2 };
inline constexpr uint8_t kQueueKinds = 3;

inline constexpr uint64_t kRigDataVa = 0x100000000ull;  // 1 MiB, GTT, writable
inline constexpr uint64_t kRigDataBytes = 1u << 20;
inline constexpr uint64_t kRigRingVa = 0x200000000ull;
inline constexpr uint64_t kRigRingBytes = 64u << 10;
inline constexpr uint64_t kRigPtrsVa = 0x210000000ull;  // rptr @0, wptr @8

class SimRig {
 public:
  /// A gfx942 GPU (gfx90a when `gfx90a`) with the data buffer and a queue.
  SimRig(RigQueue kind, bool gfx90a);
  ~SimRig();
  bool ok() const { return ok_; }
  /// A fresh queue over zeroed memory, for the next input (the GPU and its
  /// memory are reused: creating them costs far more than an input).
  bool reset();

  /// Writes `ring` at the ring's start (clipped to the ring), sets the write
  /// pointer just past it, rings the doorbell and lets the GPU run until
  /// every engine is idle, blocked or stopped (bounded).
  void run(std::span<const uint8_t> ring);
  std::string outcome() const;
  uint8_t* data() { return data_; }

 private:
  struct Mapped {
    uint64_t handle = 0;
    uint8_t* host = nullptr;
  };
  Mapped alloc(uint64_t va, uint64_t size);
  bool create_queue();

  RigQueue kind_;
  bool ok_ = false;
  std::unique_ptr<sim::SimKfd> kfd_;
  std::unique_ptr<sim::EngineScheduler> sched_;
  std::unique_ptr<sim::isa::IsaDispatchRunner> runner_;
  uint32_t gpu_id_ = 0;
  uint32_t queue_id_ = 0;
  uint8_t* data_ = nullptr;
  uint8_t* ring_ = nullptr;
  uint8_t* ptrs_ = nullptr;
};

}  // namespace amdrr::fuzz

#pragma once
// Where SimKfd hands work to the emulated engines (PM4, AQL, SDMA; a later
// issue). SimKfd owns queues and doorbells; an EngineHook is told when a
// queue appears or goes and when its doorbell is written, and is polled while
// a caller waits, so the GPU advances only inside Kmd calls (deterministic).

#include <cstdint>
#include <optional>

#include "lib/kmd/kmd_types.h"

namespace amdrr::sim {

/// What an engine needs to know about a queue: the CREATE_QUEUE arguments as
/// validated by SimKfd, and where its doorbell is.
struct SimQueue {
  uint32_t queue_id = 0;
  kmd::CreateQueueArgs args;
  uint32_t doorbell_index = 0;  // 64-bit doorbell slot in the process slice
  uint32_t sdma_engine_id = 0;  // SDMA queues: the engine picked
  uint32_t sdma_queue_id = 0;   // SDMA queues: the queue within that engine
};

class EngineHook {
 public:
  virtual ~EngineHook() = default;
  virtual void queue_created(const SimQueue& queue) { (void)queue; }
  virtual void queue_destroyed(const SimQueue& queue) { (void)queue; }
  /// A doorbell store of `value` to `queue` (after the value is in the
  /// doorbell page). Called with SimKfd's lock released.
  virtual void doorbell(const SimQueue& queue, uint64_t value) = 0;
  /// Lets engines make progress while a WAIT_EVENTS call blocks.
  virtual void poll() {}
  /// The GPU clock counter of `gpu_id` when the engines keep a virtual one
  /// (deterministic mode); nullopt: SimKfd uses the host's clock.
  virtual std::optional<uint64_t> gpu_clock(uint32_t gpu_id) {
    (void)gpu_id;
    return std::nullopt;
  }
};

}  // namespace amdrr::sim

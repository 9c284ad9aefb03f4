#pragma once
// The engine for a queue, by queue type: what both schedulers (deterministic
// and threaded) create when SimKfd says a queue appeared.

#include <memory>

#include "lib/sim/engines/queue_engine.h"

namespace amdrr::sim {

/// The engine of `queue`, or null with `no_engine` saying why (the GPU target
/// has no emulated engines).
std::unique_ptr<QueueEngine> make_queue_engine(const EngineEnv& env, const SimQueue& queue,
                                               QueueOutcome* no_engine);

}  // namespace amdrr::sim

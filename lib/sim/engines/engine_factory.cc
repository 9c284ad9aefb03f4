#include "lib/sim/engines/engine_factory.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "lib/sim/engines/aql_engine.h"
#include "lib/sim/engines/pm4_engine.h"
#include "lib/sim/engines/sdma_engine.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr::sim {

std::unique_ptr<QueueEngine> make_queue_engine(const EngineEnv& env, const SimQueue& queue,
                                               QueueOutcome* no_engine) {
  const gpu::GpuTarget* target = env.kfd.target(queue.args.gpu_id);
  if (!target || !target->sim_engines) {
    no_engine->state = QueueState::kUnsupported;
    no_engine->message = "this GPU target has no emulated engines yet";
    return nullptr;
  }
  switch (queue.args.queue_type) {
    case kmd::QueueType::kCompute:
      return std::make_unique<Pm4Engine>(env, queue, *target);
    case kmd::QueueType::kSdma:
    case kmd::QueueType::kSdmaXgmi:
    case kmd::QueueType::kSdmaByEngId:
      return std::make_unique<SdmaEngine>(env, queue, *target);
    case kmd::QueueType::kComputeAql:
      return std::make_unique<AqlEngine>(env, queue, *target);
  }
  return nullptr;
}

Result<EngineMode> engine_mode_from_env() {
  const char* mode = std::getenv("AMDRR_SIM_MODE");
  if (!mode || !*mode || std::strcmp(mode, "deterministic") == 0) {
    return EngineMode::kDeterministic;
  }
  if (std::strcmp(mode, "threaded") == 0) return EngineMode::kThreaded;
  return Errno{EINVAL};
}

}  // namespace amdrr::sim

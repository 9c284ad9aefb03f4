#include "lib/sim/engines/scheduler.h"

#include <vector>

#include "lib/sim/engines/pm4_engine.h"
#include "lib/sim/engines/sdma_engine.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr::sim {

EngineScheduler::EngineScheduler(SimKfd& kfd, EngineOptions options)
    : kfd_(kfd), options_(options), rng_(options.seed) {
  kfd_.set_engine_hook(this);
}

EngineScheduler::~EngineScheduler() {
  kfd_.set_engine_hook(nullptr);
}

uint64_t EngineScheduler::draw(uint64_t n) {
  // splitmix64: fixed and portable, unlike std distributions.
  uint64_t z = (rng_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return n ? (z ^ (z >> 31)) % n : 0;
}

void EngineScheduler::queue_created(const SimQueue& queue) {
  std::lock_guard lock(mu_);
  Slot slot;
  const gpu::GpuTarget* target = kfd_.target(queue.args.gpu_id);
  const EngineEnv env{kfd_, clock_, log_, options_};
  auto no_engine = [&](const char* why) {
    slot.no_engine.state = QueueState::kUnsupported;
    slot.no_engine.message = why;
  };
  if (!target || !target->sim_engines) {
    no_engine("this GPU target has no emulated engines yet");
  } else {
    switch (queue.args.queue_type) {
      case kmd::QueueType::kCompute:
        slot.engine = std::make_unique<Pm4Engine>(env, queue, *target);
        break;
      case kmd::QueueType::kSdma:
      case kmd::QueueType::kSdmaXgmi:
      case kmd::QueueType::kSdmaByEngId:
        slot.engine = std::make_unique<SdmaEngine>(env, queue, *target);
        break;
      case kmd::QueueType::kComputeAql:
        no_engine("AQL queues are not emulated yet");
        break;
    }
  }
  slots_[queue.queue_id] = std::move(slot);
}

void EngineScheduler::queue_destroyed(const SimQueue& queue) {
  std::lock_guard lock(mu_);
  slots_.erase(queue.queue_id);
}

void EngineScheduler::doorbell(const SimQueue& queue, uint64_t value) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(queue.queue_id);
  if (it == slots_.end() || !it->second.engine) return;
  it->second.engine->doorbell(value);
  it->second.idle = false;
  ++epoch_;  // the CPU wrote the ring (and maybe what waits look at)
  // Like hardware, the GPU starts at once; how far it gets before the call
  // returns is drawn from the seed.
  run_locked(draw(uint64_t{options_.doorbell_max_packets} + 1));
}

void EngineScheduler::poll() {
  std::lock_guard lock(mu_);
  ++epoch_;
  if (!run_locked(options_.poll_max_packets).quiescent) return;
  // Everything idle or blocked: a wait still unsatisfied after enough such
  // polls can never be satisfied by the GPU; report it as a hang.
  for (auto& [id, s] : slots_) {
    if (!s.engine || !s.blocked || !s.engine->outcome().active()) continue;
    if (++s.quiescent_polls >= options_.hang_polls) {
      s.engine->stop(QueueState::kHung, "wait never satisfied while every other engine was idle");
    }
  }
}

EngineScheduler::RunResult EngineScheduler::run(uint64_t max_packets) {
  std::lock_guard lock(mu_);
  ++epoch_;
  return run_locked(max_packets);
}

bool EngineScheduler::runnable(const Slot& s) const {
  return s.engine && !s.idle && (!s.blocked || s.blocked_epoch != epoch_) &&
         s.engine->outcome().active();
}

EngineScheduler::RunResult EngineScheduler::run_locked(uint64_t max_packets) {
  RunResult r;
  std::vector<Slot*> ready;
  while (r.packets < max_packets) {
    ready.clear();
    for (auto& [id, s] : slots_) {
      if (runnable(s)) ready.push_back(&s);
    }
    if (ready.empty()) {
      r.quiescent = true;
      return r;
    }
    Slot& s = *ready[ready.size() == 1 ? 0 : draw(ready.size())];
    const uint64_t burst = 1 + draw(options_.max_burst);
    QueueEngine::Step st = QueueEngine::Step::kProgress;
    uint64_t ran = 0;
    while (ran < burst && r.packets < max_packets) {
      st = s.engine->step();
      if (st != QueueEngine::Step::kProgress) break;
      ++ran, ++r.packets;
    }
    if (ran) {
      ++epoch_;
      s.quiescent_polls = 0;
    }
    s.idle = st == QueueEngine::Step::kIdle;
    s.blocked = st == QueueEngine::Step::kBlocked;
    if (s.blocked) s.blocked_epoch = epoch_;
    s.engine->publish_rptr();
    if (!s.engine->outcome().active()) after_stop(*s.engine);
  }
  return r;
}

void EngineScheduler::after_stop(QueueEngine& engine) {
  GpuFault fault;
  if (!engine.take_unreported_fault(&fault)) return;
  // What KFD does on a VM fault: memory-exception events fire, and the
  // process's queues on that GPU are evicted (vm_fault_stop=0: the GPU does
  // not stop at the access itself; the faulting queue stops at its packet
  // here, which is the precise-stop behaviour). UNVERIFIED: how far other
  // queues get before the eviction lands; at once here.
  kfd_.report_vm_fault(engine.gpu_id(), fault);
  for (auto& [id, s] : slots_) {
    if (s.engine && s.engine.get() != &engine && s.engine->gpu_id() == engine.gpu_id()) {
      s.engine->stop(QueueState::kEvicted, "evicted after a VM fault of queue " +
                                               std::to_string(engine.queue().queue_id));
    }
  }
}

QueueOutcome EngineScheduler::outcome(uint32_t queue_id) const {
  std::lock_guard lock(mu_);
  auto it = slots_.find(queue_id);
  if (it == slots_.end()) return {};
  return it->second.engine ? it->second.engine->outcome() : it->second.no_engine;
}

std::optional<uint32_t> EngineScheduler::pm4_reg(uint32_t queue_id, uint32_t addr) const {
  std::lock_guard lock(mu_);
  auto it = slots_.find(queue_id);
  if (it == slots_.end()) return std::nullopt;
  auto* pm4 = dynamic_cast<const Pm4Engine*>(it->second.engine.get());
  return pm4 ? pm4->reg(addr) : std::nullopt;
}

std::vector<WrittenRange> EngineScheduler::take_written() {
  std::lock_guard lock(mu_);
  return log_.take();
}

uint64_t EngineScheduler::gpu_clock() const {
  std::lock_guard lock(mu_);
  return clock_.now();
}

}  // namespace amdrr::sim

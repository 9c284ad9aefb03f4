#include "lib/sim/engines/scheduler.h"

#include <chrono>
#include <cstdio>
#include <vector>

#include "lib/sim/engines/engine_factory.h"
#include "lib/sim/engines/pm4_engine.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr::sim {

namespace {

EngineOptions with_env_faults(EngineOptions o) {
  o.faults.merge(FaultPlan::from_env());
  return o;
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

EngineScheduler::EngineScheduler(SimKfd& kfd, EngineOptions options)
    : kfd_(kfd),
      options_(with_env_faults(std::move(options))),
      clock_(options_.mode == EngineMode::kThreaded),
      faults_(options_.faults),
      rng_(options_.seed) {
  kfd_.set_alloc_poison(options_.faults.poison);
  log_.set_enabled(options_.log_writes);
  if (options_.mode == EngineMode::kThreaded) {
    threaded_ = std::make_unique<ThreadedScheduler>(kfd_, options_, clock_, log_, faults_);
  }
  kfd_.set_engine_hook(this);
  touch();
  // The watchdog is for programs that spin without calling in, which the
  // threaded GPU does not need.
  if (options_.watchdog_ms && !threaded_) watchdog_ = std::thread([this] { watchdog_loop(); });
}

EngineScheduler::~EngineScheduler() {
  kfd_.set_engine_hook(nullptr);
  threaded_.reset();
  if (watchdog_.joinable()) {
    {
      std::lock_guard lock(watchdog_mu_);
      watchdog_stop_ = true;
    }
    watchdog_cv_.notify_all();
    watchdog_.join();
  }
}

uint64_t EngineScheduler::draw(uint64_t n) {
  // splitmix64: fixed and portable, unlike std distributions.
  uint64_t z = (rng_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return n ? (z ^ (z >> 31)) % n : 0;
}

void EngineScheduler::queue_created(const SimQueue& queue) {
  if (threaded_) return threaded_->queue_created(queue);
  std::lock_guard lock(mu_);
  Slot slot;
  const EngineEnv env{kfd_, clock_, log_, options_, faults_, dispatch_};
  slot.engine = make_queue_engine(env, queue, &slot.no_engine);
  slots_[queue.queue_id] = std::move(slot);
}

void EngineScheduler::queue_destroyed(const SimQueue& queue) {
  if (threaded_) return threaded_->queue_destroyed(queue);
  std::lock_guard lock(mu_);
  slots_.erase(queue.queue_id);
  faults_.forget(queue.queue_id);
}

void EngineScheduler::doorbell(const SimQueue& queue, uint64_t value) {
  if (threaded_) return threaded_->doorbell(queue, value);
  std::lock_guard lock(mu_);
  auto it = slots_.find(queue.queue_id);
  if (it == slots_.end() || !it->second.engine) return;
  it->second.engine->doorbell(value);
  it->second.idle = false;
  ++epoch_;  // the CPU wrote the ring (and maybe what waits look at)
  touch();
  // Like hardware, the GPU starts at once; how far it gets before the call
  // returns is drawn from the seed.
  run_locked(draw(uint64_t{options_.doorbell_max_packets} + 1));
  note_pending();
}

void EngineScheduler::poll() {
  if (threaded_) return threaded_->poll();
  std::lock_guard lock(mu_);
  ++epoch_;
  touch();
  faults_.tick();  // delayed signals and interrupts whose poll has come
  const bool quiescent = run_locked(options_.poll_max_packets).quiescent;
  note_pending();
  if (!quiescent) return;
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
  if (threaded_) {
    const auto t = threaded_->run(max_packets);
    return {t.packets, t.quiescent};
  }
  std::lock_guard lock(mu_);
  ++epoch_;
  touch();
  const RunResult r = run_locked(max_packets);
  note_pending();
  return r;
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
  if (threaded_) return threaded_->outcome(queue_id);
  std::lock_guard lock(mu_);
  auto it = slots_.find(queue_id);
  if (it == slots_.end()) return {};
  return it->second.engine ? it->second.engine->outcome() : it->second.no_engine;
}

std::vector<std::pair<uint32_t, QueueOutcome>> EngineScheduler::stopped_queues() const {
  if (threaded_) return threaded_->stopped_queues();
  std::lock_guard lock(mu_);
  std::vector<std::pair<uint32_t, QueueOutcome>> out;
  for (const auto& [id, slot] : slots_) {
    QueueOutcome o = slot.engine ? slot.engine->outcome() : slot.no_engine;
    if (!o.active()) out.emplace_back(id, std::move(o));
  }
  return out;
}

std::optional<uint32_t> EngineScheduler::pm4_reg(uint32_t queue_id, uint32_t addr) const {
  if (threaded_) return threaded_->pm4_reg(queue_id, addr);
  std::lock_guard lock(mu_);
  auto it = slots_.find(queue_id);
  if (it == slots_.end()) return std::nullopt;
  auto* pm4 = dynamic_cast<const Pm4Engine*>(it->second.engine.get());
  return pm4 ? pm4->reg(addr) : std::nullopt;
}

std::vector<WrittenRange> EngineScheduler::take_written() {
  if (threaded_) return log_.take();  // locks itself
  std::lock_guard lock(mu_);
  return log_.take();
}

uint64_t EngineScheduler::gpu_clock() const {
  if (threaded_) return clock_.now();  // the host's: no state
  std::lock_guard lock(mu_);
  return clock_.now();
}

std::optional<uint64_t> EngineScheduler::gpu_clock(uint32_t gpu_id) {
  // One clock for every GPU: timestamps and clock counters agree.
  (void)gpu_id;
  return gpu_clock();
}

void EngineScheduler::set_dispatch_runner(DispatchRunner* runner) {
  if (threaded_) return threaded_->set_dispatch_runner(runner);
  std::lock_guard lock(mu_);
  dispatch_ = runner;
}

std::vector<Injection> EngineScheduler::take_injections() {
  if (threaded_) return faults_.take_log();  // locks itself
  std::lock_guard lock(mu_);
  return faults_.take_log();
}

void EngineScheduler::set_watchdog_sink(std::function<void(const std::string&)> sink) {
  std::lock_guard lock(watchdog_mu_);
  watchdog_sink_ = std::move(sink);
}

void EngineScheduler::touch() {
  last_call_ns_.store(now_ns(), std::memory_order_relaxed);
}

void EngineScheduler::note_pending() {
  // Work a Kmd call would advance: a runnable engine or a delayed signal.
  // Engines blocked on memory wait for whoever writes it, maybe the CPU.
  int64_t pending = -1;
  for (const auto& [id, s] : slots_) {
    if (runnable(s)) {
      pending = id;
      break;
    }
  }
  if (pending < 0 && faults_.has_deferred()) pending = INT32_MAX;
  pending_queue_.store(pending, std::memory_order_relaxed);
}

void EngineScheduler::watchdog_loop() {
  const auto limit = std::chrono::milliseconds(options_.watchdog_ms);
  const auto period = std::max(std::chrono::milliseconds(1), limit / 4);
  int64_t reported_for = -1;  // the call time of the stall already reported
  std::unique_lock lock(watchdog_mu_);
  while (!watchdog_cv_.wait_for(lock, period, [this] { return watchdog_stop_; })) {
    const int64_t last = last_call_ns_.load(std::memory_order_relaxed);
    const int64_t queue = pending_queue_.load(std::memory_order_relaxed);
    const int64_t idle_ns = now_ns() - last;
    if (queue < 0 || last == reported_for ||
        idle_ns < std::chrono::duration_cast<std::chrono::nanoseconds>(limit).count()) {
      continue;
    }
    reported_for = last;
    const std::string what = queue == INT32_MAX ? std::string("a delayed completion signal")
                                                : "queue " + std::to_string(queue);
    char msg[512];
    std::snprintf(msg, sizeof msg,
                  "amdrr: the emulated GPU has work pending (%s) but no Kmd call came for %lld "
                  "ms. In deterministic mode the GPU advances only inside Kmd calls: a program "
                  "that spins on GPU memory must call Kmd::poll() in its spin loop (or wait on "
                  "an event).",
                  what.c_str(), static_cast<long long>(idle_ns / 1000000));
    watchdog_reports_.fetch_add(1);
    if (watchdog_sink_) {
      watchdog_sink_(msg);
    } else {
      std::fprintf(stderr, "%s\n", msg);
    }
  }
}

}  // namespace amdrr::sim

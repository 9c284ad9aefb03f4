#include "lib/sim/engines/threaded_scheduler.h"

#include <algorithm>
#include <chrono>

#include "lib/sim/engines/engine_factory.h"
#include "lib/sim/engines/pm4_engine.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr::sim {
namespace {

// Packets a worker runs under its engine's lock before it lets others in
// (a doorbell, an eviction, a query) and publishes its read pointer.
constexpr uint32_t kBurst = 64;
// A blocked engine re-reads memory after this long even without a hint, as
// the CPU may write without calling in; the wait doubles up to the maximum.
constexpr int64_t kMinBackoffNs = 20000;
constexpr int64_t kMaxBackoffNs = 2000000;
// CPU polls wake blocked engines at most this often (a driver spins on
// poll(); every call need not re-run every wait).
constexpr int64_t kPollKickNs = 20000;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

DispatchResult ThreadedScheduler::SerialDispatch::run(const KernelDispatch& dispatch,
                                                      GpuMemory& mem) {
  std::lock_guard lock(mu_);
  return inner->run(dispatch, mem);
}

ThreadedScheduler::ThreadedScheduler(SimKfd& kfd, const EngineOptions& options, GpuClock& clock,
                                     WriteLog& log, FaultInjector& faults)
    : kfd_(kfd), options_(options), log_(log), faults_(faults), env_{kfd,     clock,  log,
                                                                     options, faults, dispatch_} {
  log_.set_concurrent();
  last_progress_ns_.store(now_ns());
}

ThreadedScheduler::~ThreadedScheduler() {
  std::map<uint32_t, std::shared_ptr<Worker>> workers;
  {
    std::lock_guard lock(mu_);
    workers.swap(workers_);
  }
  for (auto& [id, w] : workers) stop_worker(*w);
}

void ThreadedScheduler::queue_created(const SimQueue& queue) {
  auto w = std::make_shared<Worker>();
  w->queue_id = queue.queue_id;
  w->gpu_id = queue.args.gpu_id;
  std::lock_guard lock(mu_);
  w->engine = make_queue_engine(env_, queue, &w->no_engine);
  if (w->engine) {
    {
      std::lock_guard wake(wake_mu_);
      busy_.fetch_add(1);  // awake until its first sleep
    }
    w->thread = std::thread([this, raw = w.get()] { worker_loop(*raw); });
  }
  workers_[queue.queue_id] = std::move(w);
}

void ThreadedScheduler::stop_worker(Worker& w) {
  if (!w.thread.joinable()) return;
  {
    std::lock_guard wake(wake_mu_);
    w.stop = true;
  }
  wake_cv_.notify_all();
  w.thread.join();
}

void ThreadedScheduler::queue_destroyed(const SimQueue& queue) {
  std::shared_ptr<Worker> w;
  {
    std::lock_guard lock(mu_);
    auto it = workers_.find(queue.queue_id);
    if (it == workers_.end()) return;
    w = std::move(it->second);
    workers_.erase(it);
    faults_.forget(queue.queue_id);
  }
  // Without mu_: the worker may be evicting others (which takes mu_).
  stop_worker(*w);
}

void ThreadedScheduler::doorbell(const SimQueue& queue, uint64_t value) {
  std::shared_ptr<Worker> w;
  {
    std::lock_guard lock(mu_);
    auto it = workers_.find(queue.queue_id);
    if (it == workers_.end() || !it->second->engine) return;
    w = it->second;
  }
  last_progress_ns_.store(now_ns());
  {
    std::lock_guard wake(wake_mu_);
    w->doorbell = value;
    if (!w->awake) {
      w->awake = true;
      busy_.fetch_add(1);
    }
  }
  wake_cv_.notify_all();
  bump_epoch();  // the CPU wrote the ring (and maybe what waits look at)
}

void ThreadedScheduler::bump_epoch() {
  epoch_.fetch_add(1);
  if (blocked_sleepers_.load() == 0) return;
  // A sleeper counts itself under wake_mu_ before it tests the epoch, so
  // taking the lock here cannot slip between its test and its wait.
  { std::lock_guard wake(wake_mu_); }
  wake_cv_.notify_all();
}

void ThreadedScheduler::poll() {
  const int64_t now = now_ns();
  if (now - last_poll_kick_ns_.load(std::memory_order_relaxed) >= kPollKickNs) {
    last_poll_kick_ns_.store(now, std::memory_order_relaxed);
    bump_epoch();
  }
  if (!faults_.has_deferred()) return;
  // Delayed signals and interrupts whose poll has come, each under its
  // queue's engine lock (a signal writes through that engine's memory).
  std::lock_guard lock(mu_);
  for (auto& d : faults_.tick_due()) {
    auto it = workers_.find(d.queue_id);
    if (it == workers_.end()) continue;
    std::lock_guard engine(it->second->mu);
    d.fn();
  }
  last_progress_ns_.store(now_ns());
  bump_epoch();
}

void ThreadedScheduler::worker_loop(Worker& w) {
  run_worker(w);
  std::lock_guard wake(wake_mu_);
  if (w.awake) {
    w.awake = false;
    busy_.fetch_sub(1);
  }
}

void ThreadedScheduler::run_worker(Worker& w) {
  int64_t backoff = kMinBackoffNs;
  int64_t blocked_since = 0;
  for (;;) {
    const uint64_t seen = epoch_.load();
    std::optional<uint64_t> doorbell;
    {
      std::lock_guard wake(wake_mu_);
      if (w.stop) return;
      doorbell.swap(w.doorbell);
    }
    QueueEngine::Step st = QueueEngine::Step::kIdle;
    uint32_t ran = 0;
    GpuFault fault;
    bool faulted = false;
    {
      std::lock_guard lock(w.mu);
      if (doorbell) w.engine->doorbell(*doorbell);
      while (ran < kBurst) {
        st = w.engine->step();
        if (st != QueueEngine::Step::kProgress) break;
        ++ran;
      }
      w.engine->publish_rptr();
      if (!w.engine->outcome().active()) {
        st = QueueEngine::Step::kStopped;
        faulted = w.engine->take_unreported_fault(&fault);
      }
    }
    if (ran) {
      packets_.fetch_add(ran, std::memory_order_relaxed);
      last_progress_ns_.store(now_ns(), std::memory_order_relaxed);
      bump_epoch();
      backoff = kMinBackoffNs;
    }
    if (faulted) evict(w, fault);
    if (st == QueueEngine::Step::kProgress) continue;
    if (st == QueueEngine::Step::kBlocked) {
      if (ran || !blocked_since) blocked_since = now_ns();
    } else {
      blocked_since = 0;
    }
    const Wake wake = sleep(w, st, seen, &backoff, blocked_since);
    if (wake == Wake::kExit) return;
    if (wake == Wake::kHang) {
      std::lock_guard lock(w.mu);
      w.engine->stop(QueueState::kHung, "wait never satisfied while every other engine was idle");
    }
  }
}

ThreadedScheduler::Wake ThreadedScheduler::sleep(Worker& w, QueueEngine::Step last, uint64_t seen,
                                                 int64_t* backoff_ns, int64_t blocked_since) {
  std::unique_lock wake(wake_mu_);
  auto woken = [&] { return w.stop || w.doorbell.has_value(); };
  if (woken()) return w.stop ? Wake::kExit : Wake::kRun;
  bool hang = false;
  w.awake = false;
  busy_.fetch_sub(1);
  if (last == QueueEngine::Step::kBlocked) {
    blocked_sleepers_.fetch_add(1);
    const bool hinted = wake_cv_.wait_for(wake, std::chrono::nanoseconds(*backoff_ns),
                                          [&] { return woken() || epoch_.load() != seen; });
    blocked_sleepers_.fetch_sub(1);
    if (!hinted) *backoff_ns = std::min(*backoff_ns * 2, kMaxBackoffNs);
    // Timed out or hinted (a CPU poll hints too, and a waiting CPU polls):
    // a hang if every engine is idle or blocked and none progressed (nor a
    // doorbell came) for the grace.
    const int64_t grace = int64_t{options_.hang_ms} * 1000000;
    const int64_t now = now_ns();
    hang = !woken() && busy_.load() == 0 && now - last_progress_ns_.load() >= grace &&
           now - blocked_since >= grace;
  } else {
    wake_cv_.wait(wake, woken);
  }
  if (!w.awake) {
    w.awake = true;
    busy_.fetch_add(1);
  }
  return w.stop ? Wake::kExit : hang ? Wake::kHang : Wake::kRun;
}

void ThreadedScheduler::evict(const Worker& faulted, const GpuFault& fault) {
  // As the deterministic scheduler: KFD's memory-exception events fire and
  // the process's other queues on that GPU are evicted. UNVERIFIED: how far
  // other queues get before the eviction lands; here, their current burst.
  kfd_.report_vm_fault(faulted.gpu_id, fault);
  std::lock_guard lock(mu_);
  for (auto& [id, w] : workers_) {
    if (w.get() == &faulted || !w->engine || w->gpu_id != faulted.gpu_id) continue;
    std::lock_guard engine(w->mu);
    w->engine->stop(QueueState::kEvicted,
                    "evicted after a VM fault of queue " + std::to_string(faulted.queue_id));
  }
}

ThreadedScheduler::RunResult ThreadedScheduler::run(uint64_t max_packets, uint32_t timeout_ms) {
  RunResult r;
  const uint64_t before = packets_.load();
  const int64_t deadline = now_ns() + int64_t{timeout_ms} * 1000000;
  // Quiescent: every worker asleep, twice in a row a little apart (a blocked
  // one wakes now and then to re-read memory).
  int calm = 0;
  while (now_ns() < deadline && packets_.load() - before < max_packets) {
    calm = busy_.load() == 0 ? calm + 1 : 0;
    if (calm == 2) {
      r.quiescent = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  r.packets = packets_.load() - before;
  return r;
}

QueueOutcome ThreadedScheduler::outcome(uint32_t queue_id) const {
  std::shared_ptr<Worker> w;
  {
    std::lock_guard lock(mu_);
    auto it = workers_.find(queue_id);
    if (it == workers_.end()) return {};
    w = it->second;
  }
  if (!w->engine) return w->no_engine;
  std::lock_guard lock(w->mu);
  return w->engine->outcome();
}

std::vector<std::pair<uint32_t, QueueOutcome>> ThreadedScheduler::stopped_queues() const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<uint32_t, QueueOutcome>> out;
  for (const auto& [id, w] : workers_) {
    QueueOutcome o;
    if (w->engine) {
      std::lock_guard engine(w->mu);
      o = w->engine->outcome();
    } else {
      o = w->no_engine;
    }
    if (!o.active()) out.emplace_back(id, std::move(o));
  }
  return out;
}

std::optional<uint32_t> ThreadedScheduler::pm4_reg(uint32_t queue_id, uint32_t addr) const {
  std::lock_guard lock(mu_);
  auto it = workers_.find(queue_id);
  if (it == workers_.end() || !it->second->engine) return std::nullopt;
  std::lock_guard engine(it->second->mu);
  auto* pm4 = dynamic_cast<const Pm4Engine*>(it->second->engine.get());
  return pm4 ? pm4->reg(addr) : std::nullopt;
}

void ThreadedScheduler::set_dispatch_runner(DispatchRunner* runner) {
  std::lock_guard lock(mu_);
  std::vector<std::unique_lock<std::mutex>> engines;
  for (auto& [id, w] : workers_) engines.emplace_back(w->mu);
  serial_dispatch_.inner = runner;
  dispatch_ = runner ? &serial_dispatch_ : nullptr;
}

}  // namespace amdrr::sim

#pragma once
// The emulated GPU's scheduler in deterministic mode: the EngineHook SimKfd
// calls. The GPU advances only inside Kmd calls (a doorbell runs a few
// packets, a wait/poll runs until everything is idle or blocked); one thread
// runs every engine of every GPU, interleaving them at packet granularity in
// an order drawn from the seed. Same seed and inputs: same interleaving,
// memory and timestamps, bit for bit.
//
// With EngineOptions::mode kThreaded it runs the same engines concurrently
// instead (threaded_scheduler.h): every hook call and query below is then
// forwarded to the ThreadedScheduler it owns.
//
// Thread-safe: one lock; whichever Kmd caller enters runs the engines.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "lib/sim/engine_hook.h"
#include "lib/sim/engines/dispatch_runner.h"
#include "lib/sim/engines/fault_injector.h"
#include "lib/sim/engines/gpu_clock.h"
#include "lib/sim/engines/gpu_memory.h"
#include "lib/sim/engines/queue_engine.h"
#include "lib/sim/engines/threaded_scheduler.h"

namespace amdrr::sim {

class SimKfd;

class EngineScheduler final : public EngineHook {
 public:
  /// Attaches itself to `kfd` as its engine hook (detached on destruction).
  /// AMDRR_SIM_FAULTS is appended to `options.faults`; its poison applies
  /// to `kfd`'s later allocations.
  explicit EngineScheduler(SimKfd& kfd, EngineOptions options = {});
  ~EngineScheduler() override;
  EngineScheduler(const EngineScheduler&) = delete;
  EngineScheduler& operator=(const EngineScheduler&) = delete;

  void queue_created(const SimQueue& queue) override;
  void queue_destroyed(const SimQueue& queue) override;
  void doorbell(const SimQueue& queue, uint64_t value) override;
  void poll() override;
  std::optional<uint64_t> gpu_clock(uint32_t gpu_id) override;

  struct RunResult {
    uint64_t packets = 0;
    bool quiescent = false;  // every engine idle, blocked or stopped
  };
  /// Runs engines until quiescent or `max_packets` (tests, benchmarks).
  /// Threaded mode: waits (up to 10 s) until every engine is idle, blocked
  /// or stopped, or at least `max_packets` ran.
  RunResult run(uint64_t max_packets = UINT64_MAX);
  bool threaded() const { return threaded_ != nullptr; }

  /// How a queue stands; kActive while it runs or waits.
  QueueOutcome outcome(uint32_t queue_id) const;
  /// Every queue that has stopped (fault, error, unsupported, hang), by id.
  std::vector<std::pair<uint32_t, QueueOutcome>> stopped_queues() const;
  /// A PM4 queue's register (SET_SH_REG / SET_UCONFIG_REG state).
  std::optional<uint32_t> pm4_reg(uint32_t queue_id, uint32_t addr) const;
  /// The ranges the engines wrote since the last call, in execution order
  /// (threaded mode: the order in which engine threads logged them); empty
  /// unless EngineOptions::log_writes.
  std::vector<WrittenRange> take_written();
  uint64_t gpu_clock() const;

  /// The shader interpreter; kernel dispatches are "unsupported" without.
  void set_dispatch_runner(DispatchRunner* runner);
  /// The fault plan in force (options plus AMDRR_SIM_FAULTS).
  const FaultPlan& fault_plan() const { return options_.faults; }
  /// Injections made since the last call, in execution order (the trace's
  /// GpuError records of kind `injected`).
  std::vector<Injection> take_injections();

  /// Where watchdog messages go (default: stderr), and how many it printed.
  void set_watchdog_sink(std::function<void(const std::string&)> sink);
  uint32_t watchdog_reports() const { return watchdog_reports_.load(); }

 private:
  struct Slot {
    std::unique_ptr<QueueEngine> engine;  // null: queue type not emulated
    QueueOutcome no_engine;               // ...and why
    bool idle = true;
    bool blocked = false;
    uint64_t blocked_epoch = 0;
    uint32_t quiescent_polls = 0;
  };
  RunResult run_locked(uint64_t max_packets);
  /// A Kmd call arrived: the watchdog's clock restarts.
  void touch();
  /// After running: whether engines have work the next Kmd call would run.
  void note_pending();
  void watchdog_loop();
  bool runnable(const Slot& s) const;
  void after_stop(QueueEngine& engine);
  uint64_t draw(uint64_t n);

  SimKfd& kfd_;
  const EngineOptions options_;
  mutable std::mutex mu_;
  GpuClock clock_;
  WriteLog log_;
  FaultInjector faults_;
  DispatchRunner* dispatch_ = nullptr;
  std::map<uint32_t, Slot> slots_;  // by queue id: a deterministic order
  uint64_t rng_;
  // Bumped whenever memory may have changed (a packet ran, the CPU called
  // in); a blocked engine re-evaluates its wait only after a bump.
  uint64_t epoch_ = 1;

  // The watchdog: a thread that only reads these and reports.
  std::atomic<int64_t> last_call_ns_{0};
  std::atomic<int64_t> pending_queue_{-1};  // a queue with runnable work, or -1
  std::atomic<uint32_t> watchdog_reports_{0};
  std::mutex watchdog_mu_;
  std::condition_variable watchdog_cv_;
  std::function<void(const std::string&)> watchdog_sink_;
  bool watchdog_stop_ = false;
  std::thread watchdog_;

  // Threaded mode: runs the engines on their own threads (null: deterministic).
  // Last, so that it stops them before the clock, log and injector go.
  std::unique_ptr<ThreadedScheduler> threaded_;
};

}  // namespace amdrr::sim

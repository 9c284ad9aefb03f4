#pragma once
// The emulated GPU's scheduler in threaded mode: engines run concurrently,
// like hardware, for throughput and stress tests. Each queue's engine runs on
// its own host thread, which executes packets as soon as the doorbell is
// written and sleeps when the queue is idle (until a doorbell) or blocked on
// a wait (until memory may have changed: another engine progressed, or the
// CPU rang a doorbell or polled; and periodically, since the CPU may write
// memory without calling in). Not reproducible: the interleaving, the GPU
// clock (the host's) and the global fault-injection counts follow real time.
//
// EngineScheduler owns one of these when EngineOptions::mode is kThreaded
// and forwards its hook and queries here; the engines are the same.
//
// Hang detection: a wait still unsatisfied after EngineOptions::hang_ms while
// every engine is idle or blocked (a global count of busy engines is zero)
// and no engine progressed and no doorbell came meanwhile. UNVERIFIED: a
// program whose CPU writes the awaited memory later than that, without any
// doorbell, sees a false hang; hardware would wait.
//
// Locks, in the order they nest: mu_ (the worker map) -> Worker::mu (its
// engine) -> SimKfd's lock, the FaultInjector's, the WriteLog's, the
// dispatch lock (leaves); mu_ -> wake_mu_ (a leaf: nothing is taken under
// it). Engine threads never take mu_ while they hold their Worker::mu.

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "lib/sim/engines/dispatch_runner.h"
#include "lib/sim/engines/fault_injector.h"
#include "lib/sim/engines/gpu_clock.h"
#include "lib/sim/engines/gpu_memory.h"
#include "lib/sim/engines/queue_engine.h"

namespace amdrr::sim {

class SimKfd;

class ThreadedScheduler {
 public:
  /// Shares the owner's clock (host mode), write log and fault injector,
  /// which must outlive it.
  ThreadedScheduler(SimKfd& kfd, const EngineOptions& options, GpuClock& clock, WriteLog& log,
                    FaultInjector& faults);
  /// Stops and joins every engine thread.
  ~ThreadedScheduler();
  ThreadedScheduler(const ThreadedScheduler&) = delete;
  ThreadedScheduler& operator=(const ThreadedScheduler&) = delete;

  // The EngineHook calls, forwarded by EngineScheduler.
  void queue_created(const SimQueue& queue);
  /// Returns once the queue's engine thread has stopped: the caller may then
  /// free the ring.
  void queue_destroyed(const SimQueue& queue);
  void doorbell(const SimQueue& queue, uint64_t value);
  void poll();

  /// Waits until every engine is idle, blocked or stopped, or `max_packets`
  /// ran, or `timeout_ms` passed; `packets` counts what ran meanwhile.
  struct RunResult {
    uint64_t packets = 0;
    bool quiescent = false;
  };
  RunResult run(uint64_t max_packets, uint32_t timeout_ms = 10000);

  QueueOutcome outcome(uint32_t queue_id) const;
  std::vector<std::pair<uint32_t, QueueOutcome>> stopped_queues() const;
  std::optional<uint32_t> pm4_reg(uint32_t queue_id, uint32_t addr) const;
  void set_dispatch_runner(DispatchRunner* runner);

 private:
  struct Worker {
    uint32_t queue_id = 0;
    uint32_t gpu_id = 0;
    // Guards engine (its steps, doorbell, outcome, stop). Held by the
    // worker thread for one burst of packets at a time.
    mutable std::mutex mu;
    std::unique_ptr<QueueEngine> engine;  // null: not emulated (no thread)
    QueueOutcome no_engine;               // ...and why; immutable
    // Guarded by wake_mu_:
    std::optional<uint64_t> doorbell;  // the latest value not yet applied
    bool awake = true;                 // counted in busy_
    bool stop = false;                 // the thread must exit
    std::thread thread;                // joined by queue_destroyed / ~
  };
  /// Runs the shader interpreter one dispatch at a time (it is not known to
  /// be thread-safe).
  class SerialDispatch final : public DispatchRunner {
   public:
    DispatchResult run(const KernelDispatch& dispatch, GpuMemory& mem) override;
    DispatchRunner* inner = nullptr;  // set under every Worker::mu

   private:
    std::mutex mu_;
  };

  void worker_loop(Worker& w);
  void run_worker(Worker& w);
  enum class Wake : uint8_t { kRun, kExit, kHang };
  /// Sleeps until there is work (or, blocked, a hint or a timeout); kHang:
  /// the wait timed out and is a hang.
  Wake sleep(Worker& w, QueueEngine::Step last, uint64_t seen, int64_t* backoff_ns,
             int64_t blocked_since);
  /// Memory may have changed: blocked engines re-evaluate their waits.
  void bump_epoch();
  void evict(const Worker& faulted, const GpuFault& fault);
  void stop_worker(Worker& w);

  SimKfd& kfd_;
  const EngineOptions& options_;
  WriteLog& log_;
  FaultInjector& faults_;
  // What engines call for a dispatch: &serial_dispatch_ once a runner is
  // set. Written under mu_ and every Worker::mu; engines read it in steps.
  DispatchRunner* dispatch_ = nullptr;
  SerialDispatch serial_dispatch_;
  const EngineEnv env_;

  mutable std::mutex mu_;
  std::map<uint32_t, std::shared_ptr<Worker>> workers_;  // guarded by mu_

  std::mutex wake_mu_;
  std::condition_variable wake_cv_;  // every sleeping worker waits here
  std::atomic<uint32_t> busy_{0};    // workers awake (changed under wake_mu_)
  std::atomic<uint32_t> blocked_sleepers_{0};
  // Bumped whenever memory may have changed; lock-free.
  std::atomic<uint64_t> epoch_{1};
  std::atomic<uint64_t> packets_{0};
  // When an engine last progressed or a doorbell came (steady clock, ns).
  std::atomic<int64_t> last_progress_ns_{0};
  std::atomic<int64_t> last_poll_kick_ns_{0};
};

}  // namespace amdrr::sim

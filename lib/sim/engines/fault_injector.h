#pragma once
// The running side of a FaultPlan: counts completion signals, interrupts and
// copies in execution order, decides which to break, holds delayed ones
// until their poll, and keeps a log of every injection made. In
// deterministic mode it is used only from the scheduler's thread (under its
// lock), which is what makes the counts, and so the injections,
// reproducible. In threaded mode engine threads share it (its own lock
// guards the counters, deferred items and log): the N-th signal, interrupt
// or copy is the N-th in execution order, which then races between queues;
// per-queue counts (hang at a queue's N-th packet) stay exact.

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lib/sim/engines/fault_plan.h"

namespace amdrr::sim {

/// An injection that happened: the trace's GpuError of kind `injected`.
struct Injection {
  std::string what;  // the plan item, in the grammar's spelling
  uint32_t gpu_id = 0;
  uint32_t queue_id = 0;
  uint64_t va = 0;      // signal, faulting VA or copy destination
  uint64_t detail = 0;  // packet number, flipped bit, interrupt context id
  friend bool operator==(const Injection&, const Injection&) = default;
};

class FaultInjector {
 public:
  explicit FaultInjector(FaultPlan plan = {}) : plan_(std::move(plan)) {}
  const FaultPlan& plan() const { return plan_; }

  /// The hang item for `queue_id`'s packet number `packet` (1-based), if any.
  const FaultPlan::Hang* hang(uint32_t queue_id, uint64_t packet) const;
  /// The vmfault item covering any page of [va, va + size) on `gpu_id`.
  const FaultPlan::VmFault* vm_fault(uint32_t gpu_id, uint64_t va, uint64_t size,
                                     uint64_t* first) const;

  enum class Action : uint8_t { kDeliver, kDrop, kDelay };
  struct Decision {
    Action action = Action::kDeliver;
    uint32_t polls = 0;
    std::string what;  // the plan item, when not delivered
  };
  /// Counts one completion signal / interrupt and says what to do with it.
  Decision next_signal();
  Decision next_interrupt();
  /// Counts one copy; the bit to flip in it and the item, if any.
  std::optional<uint64_t> next_copy(std::string* what);

  /// Runs `fn` at the `polls`-th scheduler poll from now (queue_id: dropped
  /// if that queue is destroyed first).
  void defer(uint32_t queue_id, uint32_t polls, std::function<void()> fn);
  /// One scheduler poll: runs what is due, in the order it was deferred.
  void tick();
  struct Deferred {
    uint32_t queue_id;
    uint64_t due;
    std::function<void()> fn;
  };
  /// One scheduler poll: returns what is due, in the order it was deferred,
  /// for the caller to run (threaded mode: under the owning engine's lock).
  std::vector<Deferred> tick_due();
  void forget(uint32_t queue_id);
  bool has_deferred() const;

  void record(Injection i);
  std::vector<Injection> take_log();

 private:
  Decision next(const std::vector<FaultPlan::Signal>& items, uint64_t n, const char* what);

  const FaultPlan plan_;
  // Guards everything below (the plan is read-only). Never held while a
  // deferred item runs: it may defer or record anew.
  mutable std::mutex mu_;
  uint64_t signals_ = 0;
  uint64_t interrupts_ = 0;
  uint64_t copies_ = 0;
  uint64_t polls_ = 0;
  std::vector<Deferred> deferred_;
  std::vector<Injection> log_;
};

}  // namespace amdrr::sim

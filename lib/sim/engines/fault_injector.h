#pragma once
// The running side of a FaultPlan: counts completion signals, interrupts and
// copies in execution order, decides which to break, holds delayed ones
// until their poll, and keeps a log of every injection made. Used only from
// the scheduler's thread (under its lock), which is what makes the counts,
// and so the injections, reproducible.

#include <cstdint>
#include <functional>
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
  Decision next_signal() { return next(plan_.signals, ++signals_, "signal"); }
  Decision next_interrupt() { return next(plan_.interrupts, ++interrupts_, "interrupt"); }
  /// Counts one copy; the bit to flip in it and the item, if any.
  std::optional<uint64_t> next_copy(std::string* what);

  /// Runs `fn` at the `polls`-th scheduler poll from now (queue_id: dropped
  /// if that queue is destroyed first).
  void defer(uint32_t queue_id, uint32_t polls, std::function<void()> fn);
  /// One scheduler poll: runs what is due, in the order it was deferred.
  void tick();
  void forget(uint32_t queue_id);
  bool has_deferred() const { return !deferred_.empty(); }

  void record(Injection i) { log_.push_back(std::move(i)); }
  std::vector<Injection> take_log() { return std::exchange(log_, {}); }

 private:
  struct Deferred {
    uint32_t queue_id;
    uint64_t due;
    std::function<void()> fn;
  };
  Decision next(const std::vector<FaultPlan::Signal>& items, uint64_t n, const char* what);

  FaultPlan plan_;
  uint64_t signals_ = 0;
  uint64_t interrupts_ = 0;
  uint64_t copies_ = 0;
  uint64_t polls_ = 0;
  std::vector<Deferred> deferred_;
  std::vector<Injection> log_;
};

}  // namespace amdrr::sim

#include "lib/sim/engines/fault_injector.h"

#include <algorithm>
#include <utility>

namespace amdrr::sim {
namespace {
constexpr uint64_t kPage = 4096;
}  // namespace

const FaultPlan::Hang* FaultInjector::hang(uint32_t queue_id, uint64_t packet) const {
  for (const auto& h : plan_.hangs) {
    if (h.queue_id == queue_id && h.packet == packet) return &h;
  }
  return nullptr;
}

const FaultPlan::VmFault* FaultInjector::vm_fault(uint32_t gpu_id, uint64_t va, uint64_t size,
                                                  uint64_t* first) const {
  if (size == 0) return nullptr;
  const FaultPlan::VmFault* hit = nullptr;
  for (const auto& v : plan_.vm_faults) {
    if (v.gpu_id && *v.gpu_id != gpu_id) continue;
    const uint64_t page = v.va & ~(kPage - 1);
    if (page + kPage <= va || page >= va + size) continue;
    // The first faulting byte, as the page walk would report it.
    const uint64_t at = std::max(va, page);
    if (!hit || at < *first) hit = &v, *first = at;
  }
  return hit;
}

FaultInjector::Decision FaultInjector::next(const std::vector<FaultPlan::Signal>& items, uint64_t n,
                                            const char* what) {
  for (const auto& s : items) {
    if (s.n != n) continue;
    Decision d;
    d.action = s.polls ? Action::kDelay : Action::kDrop;
    d.polls = s.polls;
    d.what = std::string(s.polls ? "delay_" : "drop_") + what + ":n=" + std::to_string(n);
    if (s.polls) d.what += ",polls=" + std::to_string(s.polls);
    return d;
  }
  return {};
}

FaultInjector::Decision FaultInjector::next_signal() {
  std::lock_guard lock(mu_);
  return next(plan_.signals, ++signals_, "signal");
}

FaultInjector::Decision FaultInjector::next_interrupt() {
  std::lock_guard lock(mu_);
  return next(plan_.interrupts, ++interrupts_, "interrupt");
}

std::optional<uint64_t> FaultInjector::next_copy(std::string* what) {
  std::lock_guard lock(mu_);
  ++copies_;
  for (const auto& f : plan_.flips) {
    if (f.copy != copies_) continue;
    *what = "flip:copy=" + std::to_string(f.copy) + ",bit=" + std::to_string(f.bit);
    return f.bit;
  }
  return std::nullopt;
}

void FaultInjector::defer(uint32_t queue_id, uint32_t polls, std::function<void()> fn) {
  std::lock_guard lock(mu_);
  deferred_.push_back({queue_id, polls_ + polls, std::move(fn)});
}

std::vector<FaultInjector::Deferred> FaultInjector::tick_due() {
  std::lock_guard lock(mu_);
  ++polls_;
  // Due items leave the list before they run: a delayed signal may itself be
  // followed by a delayed interrupt, deferred anew.
  std::vector<Deferred> due;
  auto it = std::stable_partition(deferred_.begin(), deferred_.end(),
                                  [&](const Deferred& d) { return d.due > polls_; });
  std::move(it, deferred_.end(), std::back_inserter(due));
  deferred_.erase(it, deferred_.end());
  return due;
}

void FaultInjector::tick() {
  for (auto& d : tick_due()) d.fn();
}

void FaultInjector::forget(uint32_t queue_id) {
  std::lock_guard lock(mu_);
  std::erase_if(deferred_, [&](const Deferred& d) { return d.queue_id == queue_id; });
}

bool FaultInjector::has_deferred() const {
  std::lock_guard lock(mu_);
  return !deferred_.empty();
}

void FaultInjector::record(Injection i) {
  std::lock_guard lock(mu_);
  log_.push_back(std::move(i));
}

std::vector<Injection> FaultInjector::take_log() {
  std::lock_guard lock(mu_);
  return std::exchange(log_, {});
}

}  // namespace amdrr::sim

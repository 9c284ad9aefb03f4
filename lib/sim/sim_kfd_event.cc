// SimKfd events: CREATE / DESTROY / SET / RESET / WAIT_EVENTS and the GPU
// side of signalling, following kfd_events.c [S-EVT].
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "lib/sim/sim_kfd.h"
#include "lib/sim/sim_kfd_state.h"

namespace amdrr::sim {
namespace {

using kmd::EventType;
using kmd::WaitResult;

bool is_signal_type(EventType t) {
  return t == EventType::kSignal || t == EventType::kDebugEvent;
}

}  // namespace

uint64_t* SimKfd::signal_slots() {
  return reinterpret_cast<uint64_t*>(signal_page_);
}

Result<kmd::CreateEventResult> SimKfd::create_event(const kmd::CreateEventArgs& args) {
  std::lock_guard lock(mu_);
  if (args.event_page_offset) {
    // dGPU path: the first CREATE_EVENT names a BO to use as signal page.
    if (signal_page_) return Errno{EINVAL};  // "Event page is already set"
    Gpu* g = find_gpu(kmd::handle_gpu_id(args.event_page_offset));
    if (!g) return Errno{EINVAL};
    if (!g->vm_acquired) return Errno{ENODEV};
    Bo* bo = find_bo(*g, args.event_page_offset);
    if (!bo) return Errno{EINVAL};
    // The kernel kmaps it as a GTT BO. UNVERIFIED errno for other kinds.
    if (!(bo->flags & kmd::alloc_flags::kGtt)) return Errno{EINVAL};
    signal_page_ = bo->host;
    signal_mapped_size_ = std::min<uint64_t>(bo->size, kSignalEventLimit * 8ull);
    signal_handle_ = bo->handle;
    std::memset(signal_page_, 0xFF, signal_mapped_size_);  // all slots unsignaled
  }

  auto ev = std::make_unique<Event>();
  ev->type = args.event_type;
  ev->auto_reset = args.auto_reset != 0;
  kmd::CreateEventResult out;
  out.event_page_offset = args.event_page_offset;
  if (is_signal_type(args.event_type)) {
    if (!signal_page_) {
      // No page given: the kernel allocates one; old kernels expose 256
      // slots until it is mmapped (UNVERIFIED for current kernels).
      auto page = HostMemory::create(kSignalEventLimit * 8ull, "amdrr-events");
      if (!page) return Errno{ENOMEM};
      kernel_signal_page_.emplace(std::move(*page));
      signal_page_ = kernel_signal_page_->data();
      signal_mapped_size_ = kKernelPageSlots * 8ull;
      std::memset(signal_page_, 0xFF, kSignalEventLimit * 8ull);
    }
    // idr_alloc(..., 0, signal_mapped_size / 8): lowest free id from 0, and
    // ENOSPC once every slot is taken.
    uint32_t slots = static_cast<uint32_t>(signal_mapped_size_ / 8);
    uint32_t id = 0;
    while (id < slots && events_.count(id)) ++id;
    if (id == slots) return Errno{ENOSPC};
    signal_slots()[id] = kUnsignaledEventSlot;
    ev->event_id = id;
    out.event_page_offset = kmd::mmap_offset::kTypeEvents;
    out.event_slot_index = id;
  } else {
    uint32_t id = kFirstNonSignalEventId;
    while (events_.count(id)) ++id;
    ev->event_id = id;
  }
  out.event_id = ev->event_id;
  out.event_trigger_data = ev->event_id;
  events_.emplace(ev->event_id, std::move(ev));
  return out;
}

Result<void> SimKfd::destroy_event(uint32_t event_id) {
  std::lock_guard lock(mu_);
  auto it = events_.find(event_id);
  if (it == events_.end()) return Errno{EINVAL};
  // Waiters on a destroyed event see it vanish and fail with EIO.
  for (Waiter* w : it->second->waiters) w->event = nullptr;
  events_.erase(it);
  cv_.notify_all();
  return {};
}

void SimKfd::set_event_locked(Event& ev) {
  // set_event: an auto-reset event does not stay signaled when it woke a
  // waiter; every set bumps the age, skipping the reserved 0 and 1.
  bool sleeping = std::any_of(ev.waiters.begin(), ev.waiters.end(),
                              [](const Waiter* w) { return !w->activated; });
  ev.signaled = !ev.auto_reset || !sleeping;
  if (++ev.event_age == 0) ev.event_age = 2;
  for (Waiter* w : ev.waiters) w->activated = true;
  cv_.notify_all();
}

Result<void> SimKfd::set_event(uint32_t event_id) {
  std::lock_guard lock(mu_);
  auto it = events_.find(event_id);
  // Only CPU-signalable (signal/debug) events can be set [S-EVT].
  if (it == events_.end() || !is_signal_type(it->second->type)) return Errno{EINVAL};
  set_event_locked(*it->second);
  return {};
}

Result<void> SimKfd::reset_event(uint32_t event_id) {
  std::lock_guard lock(mu_);
  auto it = events_.find(event_id);
  if (it == events_.end() || !is_signal_type(it->second->type)) return Errno{EINVAL};
  it->second->signaled = false;
  return {};
}

Result<WaitResult> SimKfd::wait_events(const kmd::WaitEventsArgs& args) {
  std::unique_lock lock(mu_);
  std::vector<Waiter> waiters(args.events.size());
  auto cleanup = [&] {
    for (auto& w : waiters) {
      if (w.event) std::erase(w.event->waiters, &w);
    }
  };
  // init_event_waiter: consumes an auto-reset event's signaled state even if
  // a later id in the array is unknown (the kernel does not undo it).
  for (size_t i = 0; i < waiters.size(); ++i) {
    auto it = events_.find(args.events[i].event_id);
    if (it == events_.end()) {
      cleanup();
      return Errno{EINVAL};
    }
    Event& ev = *it->second;
    Waiter& w = waiters[i];
    w.event = &ev;
    w.activated = ev.signaled;
    ev.signaled = ev.signaled && !ev.auto_reset;
    if (ev.type == EventType::kSignal && args.events[i].last_event_age) {
      w.event_age_enabled = true;
      if (ev.event_age != args.events[i].last_event_age) w.activated = true;
    }
    ev.waiters.push_back(&w);
  }

  auto test = [&] {
    size_t activated = 0;
    for (const auto& w : waiters) {
      if (!w.event) return WaitResult::kFail;
      if (w.activated) {
        if (!args.wait_for_all) return WaitResult::kComplete;
        ++activated;
      }
    }
    return activated == waiters.size() ? WaitResult::kComplete : WaitResult::kTimeout;
  };

  // Timeouts in ms; 0 polls once; 0xFFFFFFFF waits forever; others capped
  // at 0x7FFFFFFF ms as user_timeout_to_jiffies does.
  const bool infinite = args.timeout == kmd::kEventTimeoutInfinite;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(std::min<uint32_t>(args.timeout, 0x7FFFFFFF));
  WaitResult result = test();
  while (result == WaitResult::kTimeout && args.timeout != kmd::kEventTimeoutImmediate) {
    if (!infinite && std::chrono::steady_clock::now() >= deadline) break;
    if (EngineHook* hook = hook_) {
      // Engines advance only inside Kmd calls: let them run, then recheck.
      lock.unlock();
      hook->poll();
      lock.lock();
      if ((result = test()) != WaitResult::kTimeout) break;
      cv_.wait_for(lock, std::chrono::milliseconds(1));
    } else if (infinite) {
      cv_.wait(lock);
    } else {
      cv_.wait_until(lock, deadline);
    }
    result = test();
  }

  if (result == WaitResult::kComplete) {
    // copy_signaled_event_data: memory-exception data for MEMORY events and
    // the age for signal events waited on with an age. (The kernel read does
    // not copy hw_exception_data.)
    for (size_t i = 0; i < waiters.size(); ++i) {
      const Waiter& w = waiters[i];
      if (!w.activated) continue;
      if (w.event->type == EventType::kMemory) {
        args.events[i].memory_exception_data = w.event->memory_exception_data;
      } else if (w.event->type == EventType::kSignal && w.event_age_enabled) {
        args.events[i].last_event_age = w.event->event_age;
      }
    }
  }
  cleanup();
  if (result == WaitResult::kFail) return Errno{EIO};
  return result;
}

void SimKfd::report_vm_fault(uint32_t gpu_id, const GpuFault& fault) {
  std::lock_guard lock(mu_);
  kmd::MemoryExceptionData data;
  data.gpu_id = gpu_id;
  data.va = fault.va & ~(kPageSize - 1);  // page_addr << PAGE_SHIFT
  data.not_present = fault.not_present;
  data.read_only = fault.read_only;
  data.no_execute = fault.no_execute;
  data.imprecise = 0;
  for (auto& [id, ev] : events_) {
    if (ev->type == EventType::kMemory) {
      ev->memory_exception_data = data;
      set_event_locked(*ev);
    }
  }
}

void SimKfd::signal_interrupt(uint32_t context_id) {
  std::lock_guard lock(mu_);
  if (!signal_page_) return;
  uint64_t* slots = signal_slots();
  const uint32_t n = static_cast<uint32_t>(signal_mapped_size_ / 8);
  auto fire = [&](uint32_t id) {
    auto it = events_.find(id);
    if (it == events_.end() || !is_signal_type(it->second->type)) return;
    slots[id] = kUnsignaledEventSlot;  // acknowledge_signal
    set_event_locked(*it->second);
  };
  // No mailbox write, no event: the slot must have been written.
  if (context_id < n && slots[context_id] != kUnsignaledEventSlot && events_.count(context_id)) {
    fire(context_id);
    return;
  }
  for (uint32_t id = 0; id < n; ++id) {
    if (slots[id] != kUnsignaledEventSlot) fire(id);
  }
}

}  // namespace amdrr::sim

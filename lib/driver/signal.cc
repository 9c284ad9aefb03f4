#include "lib/driver/signal.h"

#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "lib/driver/device.h"
#include "lib/driver/error.h"
#include "lib/driver/events.h"
#include "lib/driver/system.h"
#include "lib/kmd/kmd.h"
#include "lib/sim/engines/scheduler.h"

namespace amdrr {
namespace {

// Spins before sleeping on the event: short waits stay off the kernel.
constexpr int kSpins = 256;

std::atomic_ref<uint64_t> value_ref(const Buffer& memory) {
  return std::atomic_ref<uint64_t>(
      *reinterpret_cast<uint64_t*>(memory.data() + kSignalValueOffset));
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
  return buf;
}

kmd::CpuWaitFailure::Kind stop_kind(sim::QueueState state) {
  using K = kmd::CpuWaitFailure::Kind;
  switch (state) {
    case sim::QueueState::kHung:
      return K::kQueueHung;
    case sim::QueueState::kUnsupported:
      return K::kUnsupported;
    case sim::QueueState::kVmFault:
    case sim::QueueState::kEvicted:
      return K::kVmFault;
    case sim::QueueState::kIllegalInstruction:
      return K::kIllegalInstruction;
    case sim::QueueState::kActive:
    case sim::QueueState::kError:
      break;
  }
  return K::kQueueError;
}

}  // namespace

uint64_t Signal::value() const {
  return value_ref(memory_).load(std::memory_order_acquire);
}

void Signal::set(uint64_t value) const {
  value_ref(memory_).store(value, std::memory_order_release);
  memory_.device().kmd().note_cpu_write(value_address(),
                                        {memory_.data() + kSignalValueOffset, sizeof(uint64_t)});
}

void Signal::wait_at_least(uint64_t target, std::chrono::milliseconds timeout) const {
  wait_for(kmd::CpuWait::Op::kGe, target, timeout);
}

void Signal::wait_equal(uint64_t target, std::chrono::milliseconds timeout) const {
  wait_for(kmd::CpuWait::Op::kEq, target, timeout);
}

void Signal::wait_for(kmd::CpuWait::Op op, uint64_t target,
                      std::chrono::milliseconds timeout) const {
  if (!memory_.valid()) throw Error("wait on an empty Signal");
  auto holds = [&](uint64_t v) { return op == kmd::CpuWait::Op::kEq ? v == target : v >= target; };
  kmd::Kmd& k = memory_.device().kmd();
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + timeout;
  // On the emulated GPU a queue that stops during the wait (an unsupported
  // packet, a malformed stream, a hang) is reported at once, with its reason,
  // instead of as a timeout; queues stopped before the wait are not ours.
  sim::EngineScheduler* engines = system_->sim_engines();
  const size_t stopped_before = engines ? engines->stopped_queues().size() : 0;
  // Tells the seam what ended the wait, so capture can replay the condition.
  auto satisfied = [&](uint64_t seen) {
    kmd::CpuWait wait;
    wait.va = value_address();
    wait.op = op;
    wait.reference = target;
    wait.value_seen = seen;
    wait.duration_ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                 std::chrono::steady_clock::now() - start)
                                                 .count());
    k.note_cpu_wait(wait);
  };
  // Tells the seam the wait failed (before the throw), so capture records it.
  auto failed = [&](kmd::CpuWaitFailure::Kind kind, uint64_t seen, uint32_t queue, uint64_t va,
                    const std::string& message) {
    kmd::CpuWaitFailure f;
    f.kind = kind;
    f.wait.va = value_address();
    f.wait.op = op;
    f.wait.reference = target;
    f.wait.value_seen = seen;
    f.wait.duration_ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                   std::chrono::steady_clock::now() - start)
                                                   .count());
    f.gpu_id = memory_.device().gpu_id();
    f.queue_id = queue;
    f.va = va;
    f.message = message;
    k.note_cpu_wait_failed(f);
    return Error(message);
  };
  for (;;) {
    for (int i = 0; i < kSpins; ++i) {
      if (uint64_t v = value(); holds(v)) return satisfied(v);
      k.poll();
    }
    const uint64_t now_value = value();
    if (holds(now_value)) return satisfied(now_value);
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      throw failed(kmd::CpuWaitFailure::Kind::kTimeout, now_value, 0, 0,
                   timeout_message(op, target, now_value, timeout));
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    EventSet::Outcome outcome =
        system_->events().wait(static_cast<uint32_t>(std::min<int64_t>(left, 100)));
    if (outcome.vm_fault) {
      const auto& f = *outcome.vm_fault;
      throw Error("GPU memory fault while waiting for signal " + hex(address()) + ": address " +
                  hex(f.va) + " on GPU " + hex(f.gpu_id) + (f.not_present ? " is not mapped" : "") +
                  (f.read_only ? " is read-only" : "") + "; the GPU's queues were stopped");
    }
    if (outcome.hw_exception) {
      throw Error("GPU " + hex(outcome.hw_exception->gpu_id) +
                  " reported a hardware exception (reset) while waiting for signal " +
                  hex(address()));
    }
    if (engines && !holds(value())) {
      auto stopped = engines->stopped_queues();
      if (stopped.size() > stopped_before) {
        const auto& [queue, why] = stopped.back();
        throw failed(stop_kind(why.state), value(), queue, why.packet_va,
                     "while waiting for signal " + hex(address()) + ", queue " +
                         std::to_string(queue) + " of the emulated GPU stopped (" +
                         sim::queue_state_name(why.state) + ") at " + why.packet + " (" +
                         hex(why.packet_va) + "): " + why.message);
      }
    }
  }
}

std::string Signal::timeout_message(kmd::CpuWait::Op op, uint64_t target, uint64_t value,
                                    std::chrono::milliseconds timeout) const {
  std::string head = "timed out after " + std::to_string(timeout.count()) +
                     " ms waiting for signal " + hex(address());
  if (op != kmd::CpuWait::Op::kEq) {
    return head + " to reach " + std::to_string(target) + " (it is " + std::to_string(value) +
           "): a queue is hung or the work was never submitted";
  }
  // A completion signal counts down: below the target means it went past.
  std::string is = std::to_string(value);
  if (static_cast<int64_t>(value) < 0) is += " = " + std::to_string(static_cast<int64_t>(value));
  return head + " to equal " + std::to_string(target) + " (it is " + is +
         (value < target || static_cast<int64_t>(value) < 0
              ? "): it went past the target, so more packets completed it than it counted"
              : "): a queue is hung or the work was never submitted");
}

}  // namespace amdrr

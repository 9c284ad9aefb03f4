#include "lib/sim/engines/queue_engine.h"

#include <cstdio>

#include "lib/sim/sim_kfd.h"

namespace amdrr::sim {

const char* queue_state_name(QueueState s) {
  switch (s) {
    case QueueState::kActive:
      return "active";
    case QueueState::kVmFault:
      return "VM fault";
    case QueueState::kEvicted:
      return "evicted";
    case QueueState::kError:
      return "queue error";
    case QueueState::kUnsupported:
      return "unsupported by the emulator";
    case QueueState::kHung:
      return "hang";
    case QueueState::kIllegalInstruction:
      return "illegal instruction";
  }
  return "?";
}

QueueEngine::QueueEngine(EngineEnv env, const SimQueue& queue, const pkt::PacketTable& table,
                         uint32_t unit_bytes)
    : env_(env),
      queue_(queue),
      mem_(env.kfd, queue.args.gpu_id, queue.queue_id, env.log, &env.faults),
      stream_(mem_, table, queue.args.ring_base_address, queue.args.ring_size, unit_bytes) {}

void QueueEngine::doorbell(uint64_t value) {
  if (!outcome_.active()) return;
  if (!stream_.set_wptr(doorbell_to_wptr(value))) {
    char msg[96];
    std::snprintf(msg, sizeof msg, "doorbell write pointer 0x%llx is not a valid ring position",
                  static_cast<unsigned long long>(value));
    outcome_.state = QueueState::kError;
    outcome_.packet = "doorbell";
    outcome_.message = msg;
  }
}

QueueEngine::Step QueueEngine::step() {
  if (!outcome_.active()) return Step::kStopped;
  using F = CommandStream::Fetch;
  switch (stream_.next()) {
    case F::kEmpty:
    case F::kPartial:
      return Step::kIdle;
    case F::kFault:
      vm_fault(stream_.fault());
      return Step::kStopped;
    case F::kMalformed:
      fail(QueueState::kError, stream_.message());
      return Step::kStopped;
    case F::kPacket:
      break;
  }
  const pkt::DecodedPacket& p = stream_.packet();
  if (!hang_.empty()) return Step::kBlocked;
  if (const FaultPlan::Hang* h =
          nested_ ? nullptr : env_.faults.hang(queue_.queue_id, packets_ + 1)) {
    // An engine that stops dead: it looks like a wait that never ends, and
    // the scheduler reports it as a hang.
    hang_ = describe_hang(*h);
    env_.faults.record({hang_, gpu_id(), queue_.queue_id, stream_.packet_va(), h->packet});
    return Step::kBlocked;
  }
  if (p.status == pkt::DecodeStatus::kUnknown) return finish(unknown_packet(p));
  if (p.status == pkt::DecodeStatus::kBadSize) {
    fail(QueueState::kError, "packet size outside the bounds of its layout");
    return Step::kStopped;
  }
  return finish(execute(p));
}

QueueEngine::Step QueueEngine::finish(Exec e) {
  switch (e) {
    case Exec::kDone:
      stream_.consume();
      env_.clock.packet();
      ++packets_;
      return Step::kProgress;
    case Exec::kConsumed:
      env_.clock.packet();
      ++packets_;
      return Step::kProgress;
    case Exec::kNested:
      ++packets_;
      return Step::kProgress;
    case Exec::kBlocked:
      return Step::kBlocked;
    case Exec::kStop:
      return Step::kStopped;
  }
  return Step::kStopped;
}

QueueEngine::Exec QueueEngine::unknown_packet(const pkt::DecodedPacket& p) {
  // A packet the hardware has but the tables do not describe is ours to
  // admit; any other header is a bad opcode, as the CP would report it.
  std::string_view name = pkt::undescribed_packet(stream_.table(), p.dwords[0]);
  if (!name.empty()) {
    fail(QueueState::kUnsupported, std::string(name) + " is not emulated");
    outcome_.packet = name;
    return Exec::kStop;
  }
  char msg[64];
  std::snprintf(msg, sizeof msg, "bad opcode: header 0x%08x", p.dwords[0]);
  return fail(QueueState::kError, msg);
}

void QueueEngine::raise_interrupt(uint32_t context_id) {
  const auto d = env_.faults.next_interrupt();
  if (d.action == FaultInjector::Action::kDeliver) {
    env_.kfd.signal_interrupt(context_id);
    return;
  }
  env_.faults.record({d.what, gpu_id(), queue_.queue_id, 0, context_id});
  if (d.action == FaultInjector::Action::kDelay) {
    SimKfd& kfd = env_.kfd;
    env_.faults.defer(queue_.queue_id, d.polls,
                      [&kfd, context_id] { kfd.signal_interrupt(context_id); });
  }
}

std::optional<GpuFault> QueueEngine::complete_signal(uint64_t va, SignalFn signal) {
  const auto d = env_.faults.next_signal();
  if (d.action == FaultInjector::Action::kDeliver) return signal();
  env_.faults.record({d.what, gpu_id(), queue_.queue_id, va, 0});
  if (d.action == FaultInjector::Action::kDelay) {
    env_.faults.defer(queue_.queue_id, d.polls, [signal = std::move(signal)] { (void)signal(); });
  }
  return std::nullopt;
}

void QueueEngine::publish_rptr() {
  // UNVERIFIED: the CP reports its read pointer in the queue's units; here it
  // is the monotonic 64-bit count the write pointer also uses.
  const uint64_t r = stream_.rptr();
  if (r == published_rptr_) return;
  if (auto f = mem_.store(queue_.args.read_pointer_address, r)) {
    vm_fault(*f);
    return;
  }
  published_rptr_ = r;
}

QueueEngine::Exec QueueEngine::fail(QueueState state, std::string message) {
  outcome_.state = state;
  outcome_.packet_va = stream_.packet_va();
  const pkt::DecodedPacket& p = stream_.packet();
  if (p.desc) {
    outcome_.packet = p.desc->name;
  } else if (!p.dwords.empty()) {
    char name[32];
    std::snprintf(name, sizeof name, "header 0x%08x", p.dwords[0]);
    outcome_.packet = name;
  }
  outcome_.message = std::move(message);
  return Exec::kStop;
}

QueueEngine::Exec QueueEngine::vm_fault(const GpuFault& fault) {
  char msg[80];
  std::snprintf(msg, sizeof msg, "GPU VM fault at 0x%llx (%s)",
                static_cast<unsigned long long>(fault.va),
                fault.read_only ? "write to read-only page" : "not present");
  fail(QueueState::kVmFault, msg);
  outcome_.fault = fault;
  outcome_.injected = mem_.take_injected();
  fault_unreported_ = true;
  return Exec::kStop;
}

void QueueEngine::stop(QueueState state, std::string message) {
  if (!outcome_.active()) return;
  if (state == QueueState::kHung && !hang_.empty()) {
    message = "injected hang (" + hang_ + "): the engine stopped before this packet";
  } else if (state == QueueState::kHung && !waiting_.empty()) {
    message = waiting_;
  }
  fail(state, std::move(message));
  outcome_.injected = hang_;
}

QueueEngine::Exec QueueEngine::adopt(const QueueOutcome& inner, std::string_view outer) {
  outcome_ = inner;
  outcome_.packet = std::string(outer) + " > " + inner.packet;
  fault_unreported_ = inner.state == QueueState::kVmFault;
  return Exec::kStop;
}

bool QueueEngine::take_unreported_fault(GpuFault* fault) {
  if (!fault_unreported_) return false;
  fault_unreported_ = false;
  *fault = *outcome_.fault;
  return true;
}

}  // namespace amdrr::sim

#include "lib/sim/engines/queue_engine.h"

#include <cstdio>

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
  }
  return "?";
}

QueueEngine::QueueEngine(EngineEnv env, const SimQueue& queue, const pkt::PacketTable& table,
                         uint32_t unit_bytes)
    : env_(env),
      queue_(queue),
      mem_(env.kfd, queue.args.gpu_id, queue.queue_id, env.log),
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
  if (p.status == pkt::DecodeStatus::kUnknown) {
    // A packet the hardware has but the tables do not describe is ours to
    // admit; any other header is a bad opcode, as the CP would report it.
    std::string_view name = pkt::undescribed_packet(stream_.table(), p.dwords[0]);
    if (!name.empty()) {
      fail(QueueState::kUnsupported, std::string(name) + " is not emulated");
      outcome_.packet = name;
      return Step::kStopped;
    }
    char msg[64];
    std::snprintf(msg, sizeof msg, "bad opcode: header 0x%08x", p.dwords[0]);
    fail(QueueState::kError, msg);
    return Step::kStopped;
  }
  if (p.status == pkt::DecodeStatus::kBadSize) {
    fail(QueueState::kError, "packet size outside the bounds of its layout");
    return Step::kStopped;
  }
  switch (execute(p)) {
    case Exec::kDone:
      stream_.consume();
      env_.clock.packet();
      return Step::kProgress;
    case Exec::kConsumed:
      env_.clock.packet();
      return Step::kProgress;
    case Exec::kBlocked:
      return Step::kBlocked;
    case Exec::kStop:
      return Step::kStopped;
  }
  return Step::kStopped;
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
  fault_unreported_ = true;
  return Exec::kStop;
}

void QueueEngine::stop(QueueState state, std::string message) {
  if (!outcome_.active()) return;
  fail(state, std::move(message));
}

bool QueueEngine::take_unreported_fault(GpuFault* fault) {
  if (!fault_unreported_) return false;
  fault_unreported_ = false;
  *fault = *outcome_.fault;
  return true;
}

}  // namespace amdrr::sim

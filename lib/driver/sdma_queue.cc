#include "lib/driver/sdma_queue.h"

#include "lib/driver/device.h"
#include "lib/driver/error.h"
#include "lib/driver/signal.h"
#include "lib/driver/system.h"
#include "lib/pkt/sdma_build.h"

namespace amdrr {
namespace {

constexpr uint32_t kFuncGreaterEqual = 5;  // POLL_REGMEM FUNC ">="

}  // namespace

std::unique_ptr<SdmaQueue> SdmaQueue::create(Device& device, const QueueOptions& options,
                                             bool xgmi) {
  QueueKind kind = xgmi ? QueueKind::kSdmaXgmi : QueueKind::kSdma;
  std::unique_ptr<SdmaQueue> q(new SdmaQueue(device, kind, options));
  kmd::CreateQueueArgs args;
  args.queue_type = xgmi ? kmd::QueueType::kSdmaXgmi : kmd::QueueType::kSdma;
  if (options.sdma_engine >= 0) {
    args.queue_type = kmd::QueueType::kSdmaByEngId;
    args.sdma_engine_id = static_cast<uint32_t>(options.sdma_engine);
  }
  q->create_kfd_queue(args);
  return q;
}

SdmaQueue::SdmaQueue(Device& device, QueueKind kind, const QueueOptions& options)
    : Queue(device, kind, options), version_(device.target().sdma_version) {}

SdmaQueue& SdmaQueue::copy(uint64_t dst, uint64_t src, uint64_t bytes) {
  require_live("copy");
  while (bytes > 0) {
    uint64_t done = pkt::sdma::copy_linear(pending_, version_, dst, src, bytes);
    dst += done;
    src += done;
    bytes -= done;
  }
  return *this;
}

SdmaQueue& SdmaQueue::copy(const Buffer& dst, const Buffer& src, uint64_t bytes) {
  if (bytes > dst.size() || bytes > src.size()) {
    throw Error("copy of " + std::to_string(bytes) + " bytes from " + src.name() + " (" +
                std::to_string(src.size()) + " bytes) to " + dst.name() + " (" +
                std::to_string(dst.size()) + " bytes) runs past the end");
  }
  reach(dst);
  reach(src);
  return copy(dst.va(), src.va(), bytes);
}

SdmaQueue& SdmaQueue::fill(uint64_t dst, uint32_t value, uint64_t bytes) {
  require_live("fill");
  if (bytes % 4 != 0) {
    throw Error("fill of " + std::to_string(bytes) + " bytes on " + name() +
                ": SDMA fills whole dwords, so the size must be a multiple of 4");
  }
  while (bytes > 0) {
    uint64_t done = pkt::sdma::constant_fill(pending_, version_, dst, value, bytes);
    dst += done;
    bytes -= done;
  }
  return *this;
}

SdmaQueue& SdmaQueue::signal(const Signal& signal, uint64_t value) {
  require_live("signal");
  reach(signal.memory());
  EventSet& events = device_.system().events();
  // FENCE writes 32 bits: the high half first, so a reader never sees the
  // new low half with a stale high half.
  pkt::sdma::fence(pending_, version_, signal.value_address() + 4,
                   static_cast<uint32_t>(value >> 32));
  pkt::sdma::fence(pending_, version_, signal.value_address(), static_cast<uint32_t>(value));
  pkt::sdma::fence(pending_, version_, events.mailbox_va(), events.signal_event_id());
  pkt::sdma::trap(pending_, events.signal_event_id());
  return *this;
}

SdmaQueue& SdmaQueue::wait(const Signal& signal, uint64_t value) {
  require_live("wait");
  reach(signal.memory());
  pkt::sdma::PollRegmem poll;
  poll.addr = signal.value_address();
  poll.value = static_cast<uint32_t>(value);
  poll.func = kFuncGreaterEqual;
  pkt::sdma::poll_regmem(pending_, poll);
  return *this;
}

SdmaQueue& SdmaQueue::timestamp(uint64_t va) {
  require_live("timestamp");
  if (va % 8 != 0) throw Error("timestamp address must be 8-byte aligned");
  pkt::sdma::timestamp_get_global(pending_, va);
  return *this;
}

}  // namespace amdrr

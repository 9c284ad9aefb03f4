#include "lib/driver/queue.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <optional>

#include "lib/driver/device.h"
#include "lib/driver/error.h"
#include "lib/kmd/kmd.h"

namespace amdrr {
namespace {

// Bytes per unit of the write pointer and doorbell [reference 1.7]: PM4
// counts dwords, SDMA bytes, AQL 64-byte packets.
uint64_t pointer_unit(QueueKind kind) {
  switch (kind) {
    case QueueKind::kPm4:
      return 4;
    case QueueKind::kAql:
      return 64;
    case QueueKind::kSdma:
    case QueueKind::kSdmaXgmi:
      return 1;
  }
  return 1;
}

}  // namespace

const char* queue_kind_name(QueueKind kind) {
  switch (kind) {
    case QueueKind::kPm4:
      return "PM4 compute";
    case QueueKind::kAql:
      return "AQL compute";
    case QueueKind::kSdma:
      return "SDMA";
    case QueueKind::kSdmaXgmi:
      return "SDMA xGMI";
  }
  return "?";
}

Queue::Queue(Device& device, QueueKind kind, const QueueOptions& options)
    : device_(device), kind_(kind), options_(options) {
  uint32_t r = options.ring_bytes;
  if (r < 256 || (r & (r - 1)) != 0) {
    throw Error("ring of " + std::to_string(r) + " bytes: a queue's ring must be a power of two " +
                "of at least 256 bytes");
  }
}

Queue::~Queue() {
  if (created_ && !destroyed_) (void)device_.kmd().destroy_queue(id_);
}

std::string Queue::name() const {
  return std::string(queue_kind_name(kind_)) + " queue " + std::to_string(id_) + " on GPU " +
         std::to_string(device_.index());
}

void Queue::create_compute_kfd_queue(kmd::QueueType type) {
  const gpu::GpuTarget& t = device_.target();
  // The kernel wants an EOP buffer and a context-save area of exactly the
  // topology's sizes for compute queues [S-QUE].
  eop_ = device_.alloc(t.eop_buffer_size, Memory::kVram, "EOP buffer");
  const uint32_t ctx_size = t.cwsr.cwsr_size;
  cwsr_ = device_.alloc(t.cwsr.bo_size(ctx_size, t.num_xcc), Memory::kVram, "context save");
  kmd::CreateQueueArgs args;
  args.queue_type = type;
  args.eop_buffer_address = eop_.va();
  args.eop_buffer_size = t.eop_buffer_size;
  args.ctx_save_restore_address = cwsr_.va();
  args.ctx_save_restore_size = ctx_size;
  args.ctl_stack_size = t.cwsr.ctl_stack_size;
  create_kfd_queue(args);
}

void Queue::create_kfd_queue(kmd::CreateQueueArgs args) {
  ring_ = device_.alloc(options_.ring_bytes, Memory::kGttCoherent, "ring");
  control_ = device_.alloc(4096, Memory::kGttCoherent, "queue control");
  args.ring_base_address = ring_.va();
  args.ring_size = options_.ring_bytes;
  args.write_pointer_address = control_.va() + kWritePointerOffset;
  args.read_pointer_address = control_.va() + kReadPointerOffset;
  args.gpu_id = device_.gpu_id();
  args.queue_priority = options_.priority;
  auto created = device_.kmd().create_queue(args);
  id_ = check(created, std::string("create of a ") + queue_kind_name(kind_) + " queue on GPU " +
                           std::to_string(device_.index()))
            .queue_id;
  created_ = true;
}

void Queue::require_live(const char* what) const {
  if (destroyed_) throw Error(std::string(what) + " on " + name() + " after it was destroyed");
}

void Queue::reach(const Buffer& memory) const {
  if (&memory.device().system() != &device_.system()) {
    throw Error(memory.name() + " belongs to another system than " + name());
  }
  memory.map_to(device_);
}

Queue& Queue::append(std::span<const uint32_t> dwords) {
  require_live("append");
  if (kind_ == QueueKind::kAql) {
    throw Error("append of raw dwords to " + name() + ": AQL queues take 64-byte packets");
  }
  pending_.insert(pending_.end(), dwords.begin(), dwords.end());
  return *this;
}

void Queue::submit() {
  require_live("submit");
  if (!has_pending()) return;
  before_submit();
  write_pending();
  publish();
}

void Queue::write_pending() {
  write_ring({reinterpret_cast<const uint8_t*>(pending_.data()), pending_.size() * 4});
  pending_.clear();
}

uint64_t Queue::read_bytes() const {
  auto* rptr = reinterpret_cast<const uint64_t*>(control_.data() + kReadPointerOffset);
  return std::atomic_ref<const uint64_t>(*rptr).load(std::memory_order_acquire) *
         pointer_unit(kind_);
}

void Queue::write_ring(std::span<const uint8_t> bytes) {
  const uint64_t size = options_.ring_bytes;
  if (bytes.size() >= size) {
    throw Error("a batch of " + std::to_string(bytes.size()) + " bytes does not fit in " + name() +
                "'s " + std::to_string(size) + "-byte ring: submit smaller batches");
  }
  kmd::Kmd& k = device_.kmd();
  // The read pointer may be published wrapped or not: positions are compared
  // modulo the ring, and the ring is never filled completely, so "empty" and
  // "full" cannot be confused. The clock is read only once the ring is full.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  for (;;) {
    uint64_t used = (put_bytes_ - read_bytes()) & (size - 1);
    if (used + bytes.size() < size) break;
    const auto now = std::chrono::steady_clock::now();
    if (!deadline) deadline = now + options_.full_timeout;
    if (now > *deadline) {
      throw Error(report_full(
          control_.va() + kReadPointerOffset, read_bytes() / pointer_unit(kind_),
          name() + " is full and its read pointer has not moved for " +
              std::to_string(options_.full_timeout.count()) + " ms: the engine is hung"));
    }
    k.poll();
  }
  uint64_t at = put_bytes_ & (size - 1);
  uint64_t first = std::min<uint64_t>(bytes.size(), size - at);
  uint8_t* base = ring_.data();
  // Ring stores are not reported (Kmd::note_cpu_write): the doorbell
  // publishes them.
  std::memcpy(base + at, bytes.data(), first);
  if (first < bytes.size()) std::memcpy(base, bytes.data() + first, bytes.size() - first);
  put_bytes_ += bytes.size();
}

std::string Queue::report_full(uint64_t read_va, uint64_t value, std::string message) const {
  kmd::CpuWaitFailure f;
  f.kind = kmd::CpuWaitFailure::Kind::kTimeout;
  f.wait.va = read_va;
  f.wait.op = kmd::CpuWait::Op::kNe;  // waiting for the read pointer to move
  f.wait.reference = value;
  f.wait.value_seen = value;
  f.gpu_id = device_.gpu_id();
  f.queue_id = id_;
  f.message = message;
  device_.kmd().note_cpu_wait_failed(f);
  return message;
}

void Queue::publish() {
  uint64_t units = put_bytes_ / pointer_unit(kind_);
  auto* wptr = reinterpret_cast<uint64_t*>(control_.data() + kWritePointerOffset);
  std::atomic_ref<uint64_t>(*wptr).store(units, std::memory_order_release);
  // AQL doorbells carry the index of the last packet written [reference 1.7].
  uint64_t doorbell = kind_ == QueueKind::kAql ? units - 1 : units;
  check(device_.kmd().write_doorbell(id_, doorbell), [&] { return "doorbell of " + name(); });
}

void Queue::destroy() {
  if (destroyed_) throw Error("double destroy of " + name());
  destroyed_ = true;
  check(device_.kmd().destroy_queue(id_), "destroy of " + name());
}

}  // namespace amdrr

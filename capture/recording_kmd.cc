#include "capture/recording_kmd.h"

#include <chrono>
#include <cstring>
#include <vector>

#include "capture/fork_guard.h"
#include "capture/store_tracker.h"
#include "format/doorbell_encoding.h"
#include "format/hash.h"
#include "format/kmd_records.h"
#include "format/small_records.h"
#include "lib/gpu/gpu_target.h"
#include "lib/pkt/tables.h"

namespace amdrr::capture {

using format::KmdOp;

namespace {

uint64_t now_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

template <typename T>
auto value_or_default(const Result<T>& r) {
  if constexpr (std::is_void_v<T>) {
    return format::NoResult{};
  } else {
    return r.ok() ? r.value() : T{};
  }
}

schema::CompareOp compare_op(kmd::CpuWait::Op op) {
  switch (op) {
    case kmd::CpuWait::Op::kLt:
      return schema::CompareOp::LT;
    case kmd::CpuWait::Op::kLe:
      return schema::CompareOp::LE;
    case kmd::CpuWait::Op::kEq:
      return schema::CompareOp::EQ;
    case kmd::CpuWait::Op::kNe:
      return schema::CompareOp::NE;
    case kmd::CpuWait::Op::kGe:
      return schema::CompareOp::GE;
    case kmd::CpuWait::Op::kGt:
      return schema::CompareOp::GT;
  }
  return schema::CompareOp::ALWAYS;
}

schema::GpuErrorKind error_kind(kmd::CpuWaitFailure::Kind kind) {
  using K = kmd::CpuWaitFailure::Kind;
  switch (kind) {
    case K::kTimeout:
      return schema::GpuErrorKind::TIMEOUT;
    case K::kQueueHung:
      return schema::GpuErrorKind::HANG;
    case K::kQueueError:
      return schema::GpuErrorKind::QUEUE_ERROR;
    case K::kUnsupported:
      return schema::GpuErrorKind::UNSUPPORTED_BY_EMULATOR;
    case K::kVmFault:
      return schema::GpuErrorKind::VM_FAULT;
    case K::kIllegalInstruction:
      return schema::GpuErrorKind::ILLEGAL_INSTRUCTION;
  }
  return schema::GpuErrorKind::QUEUE_ERROR;
}

// The packet table a queue's ring is decoded with; nullptr for AQL queues
// (their dispatch outputs are not in the packets) and unknown targets.
const pkt::PacketTable* queue_table(const gpu::Topology& topology, uint32_t gpu_id,
                                    kmd::QueueType type) {
  if (type == kmd::QueueType::kComputeAql) return nullptr;
  const gpu::Node* node = topology.find_gpu(gpu_id);
  if (!node) return nullptr;
  auto target = gpu::resolve_target(*node);
  if (!target.ok()) return nullptr;
  if (type == kmd::QueueType::kCompute) return &pkt::pm4_table(target->pm4_family);
  return &pkt::sdma_table(target->sdma_version);
}

}  // namespace

RecordingKmd::RecordingKmd(kmd::Kmd& inner, format::TraceWriter& writer)
    : inner_(inner), writer_(writer) {
  install_fork_guard();
}

RecordingKmd::~RecordingKmd() = default;

template <auto Op, typename WriteArgs, typename Call, typename ToResult>
auto RecordingKmd::recorded(const WriteArgs& args, Call&& call, ToResult&& to_result) {
  if (!recording()) return call();
  if (in_fork_child()) {
    note_fork_child_uses_gpu();
    return call();
  }
  const uint64_t seq = next_seq_.fetch_add(1, std::memory_order_relaxed);
  writer_.write(
      [&](schema::Record::Builder r) { format::write_kmd_issued<Op>(r.initKmdCall(), seq, args); });
  auto result = call();
  auto value = to_result(result);
  writer_.write([&](schema::Record::Builder r) {
    format::write_kmd_returned<Op>(r.initKmdCall(), seq, args, value, result.error());
  });
  return result;
}

// The default conversion: the call's value, or a default one on failure.
#define AMDRR_VALUE [](const auto& r) { return value_or_default(r); }

Result<kmd::GetVersionResult> RecordingKmd::get_version() {
  return recorded<KmdOp::kGetVersion>(
      format::NoArgs{}, [&] { return inner_.get_version(); }, AMDRR_VALUE);
}

Result<std::vector<kmd::ProcessDeviceApertures>> RecordingKmd::get_process_apertures() {
  return recorded<KmdOp::kGetProcessApertures>(
      format::NoArgs{}, [&] { return inner_.get_process_apertures(); }, AMDRR_VALUE);
}

Result<void> RecordingKmd::acquire_vm(const kmd::AcquireVmArgs& args) {
  return recorded<KmdOp::kAcquireVm>(
      args, [&] { return inner_.acquire_vm(args); }, AMDRR_VALUE);
}

Result<uint32_t> RecordingKmd::runtime_enable(const kmd::RuntimeEnableArgs& args) {
  return recorded<KmdOp::kRuntimeEnable>(
      args, [&] { return inner_.runtime_enable(args); }, AMDRR_VALUE);
}

Result<int32_t> RecordingKmd::set_xnack_mode(int32_t xnack_enabled) {
  return recorded<KmdOp::kSetXnackMode>(
      format::SetXnackModeArgs{xnack_enabled}, [&] { return inner_.set_xnack_mode(xnack_enabled); },
      AMDRR_VALUE);
}

Result<kmd::ClockCounters> RecordingKmd::get_clock_counters(uint32_t gpu_id) {
  return recorded<KmdOp::kGetClockCounters>(
      format::GpuIdArgs{gpu_id}, [&] { return inner_.get_clock_counters(gpu_id); }, AMDRR_VALUE);
}

Result<uint64_t> RecordingKmd::available_memory(uint32_t gpu_id) {
  return recorded<KmdOp::kAvailableMemory>(
      format::GpuIdArgs{gpu_id}, [&] { return inner_.available_memory(gpu_id); }, AMDRR_VALUE);
}

Result<kmd::AllocMemoryResult> RecordingKmd::alloc_memory_of_gpu(const kmd::AllocMemoryArgs& args) {
  return recorded<KmdOp::kAllocMemoryOfGpu>(
      args, [&] { return inner_.alloc_memory_of_gpu(args); }, AMDRR_VALUE);
}

Result<void> RecordingKmd::free_memory_of_gpu(uint64_t handle) {
  return recorded<KmdOp::kFreeMemoryOfGpu>(
      format::HandleArgs{handle}, [&] { return inner_.free_memory_of_gpu(handle); }, AMDRR_VALUE);
}

Result<void> RecordingKmd::map_memory_to_gpu(kmd::MapMemoryArgs& args) {
  const kmd::MapMemoryArgs in = args;  // n_success is in/out
  return recorded<KmdOp::kMapMemoryToGpu>(
      in, [&] { return inner_.map_memory_to_gpu(args); },
      [&](const Result<void>&) { return format::MapMemoryResult{args.n_success}; });
}

Result<void> RecordingKmd::unmap_memory_from_gpu(kmd::MapMemoryArgs& args) {
  const kmd::MapMemoryArgs in = args;
  return recorded<KmdOp::kUnmapMemoryFromGpu>(
      in, [&] { return inner_.unmap_memory_from_gpu(args); },
      [&](const Result<void>&) { return format::MapMemoryResult{args.n_success}; });
}

Result<kmd::CpuMapping> RecordingKmd::mmap(const kmd::MmapArgs& args) {
  auto result = recorded<KmdOp::kMmap>(
      args, [&] { return inner_.mmap(args); }, AMDRR_VALUE);
  if (result.ok() && recording() && !in_fork_child()) {
    std::lock_guard lock(mutex_);
    cpu_mappings_[result->addr] = Mapping{result->size, args.device};
    // BOs (render-node mappings) can take program stores; doorbell, event
    // and MMIO pages (/dev/kfd) are not memory the program fills.
    StoreTracker* tracker = store_tracker_.load(std::memory_order_relaxed);
    if (tracker && args.device == kmd::MmapDevice::kRenderNode && (args.prot & 2) != 0) {
      tracker->track(result->addr, result->size);
    }
  }
  return result;
}

Result<void> RecordingKmd::munmap(const kmd::CpuMapping& mapping) {
  if (recording() && !in_fork_child()) {
    std::lock_guard lock(mutex_);
    if (StoreTracker* tracker = store_tracker_.load(std::memory_order_relaxed)) {
      tracker->flush(writer_);
      tracker->untrack(mapping.addr, mapping.size);
    }
    cpu_mappings_.erase(mapping.addr);
  }
  return recorded<KmdOp::kMunmap>(
      mapping, [&] { return inner_.munmap(mapping); }, AMDRR_VALUE);
}

const kmd::MmapDevice* RecordingKmd::mapping_device(uint64_t va, uint64_t size) const {
  auto it = cpu_mappings_.upper_bound(va);
  if (it == cpu_mappings_.begin()) return nullptr;
  --it;
  const uint64_t end = it->first + it->second.size;
  if (va < it->first || size > end - it->first || va - it->first > end - it->first - size) {
    return nullptr;
  }
  return &it->second.device;
}

bool RecordingKmd::cpu_mapped(uint64_t va, uint64_t size) const {
  return mapping_device(va, size) != nullptr;
}

Result<kmd::CreateQueueResult> RecordingKmd::create_queue(const kmd::CreateQueueArgs& args) {
  auto result = recorded<KmdOp::kCreateQueue>(
      args, [&] { return inner_.create_queue(args); }, AMDRR_VALUE);
  if (result.ok() && recording() && !in_fork_child()) {
    std::lock_guard lock(mutex_);
    bool readable = cpu_mapped(args.ring_base_address, args.ring_size) &&
                    cpu_mapped(args.write_pointer_address, 8) &&
                    cpu_mapped(args.read_pointer_address, 8);
    queues_.add(result->queue_id, args, readable);
    completions_.add_queue(
        result->queue_id,
        readable ? queue_table(topology(), args.gpu_id, args.queue_type) : nullptr);
    // The driver writes rings and pointers on every submission; Doorbell
    // records carry them, so page protection would only cost a fault each.
    if (StoreTracker* tracker = store_tracker_.load(std::memory_order_relaxed)) {
      tracker->exclude(args.ring_base_address, args.ring_size);
      tracker->exclude(args.write_pointer_address, 8);
    }
  }
  return result;
}

Result<void> RecordingKmd::destroy_queue(uint32_t queue_id) {
  auto result = recorded<KmdOp::kDestroyQueue>(
      format::QueueIdArgs{queue_id}, [&] { return inner_.destroy_queue(queue_id); }, AMDRR_VALUE);
  if (result.ok()) {
    std::lock_guard lock(mutex_);
    queues_.remove(queue_id);
    completions_.remove_queue(queue_id);
  }
  return result;
}

Result<void> RecordingKmd::update_queue(const kmd::UpdateQueueArgs& args) {
  auto result = recorded<KmdOp::kUpdateQueue>(
      args, [&] { return inner_.update_queue(args); }, AMDRR_VALUE);
  if (result.ok() && recording() && !in_fork_child()) {
    std::lock_guard lock(mutex_);
    queues_.update(args, cpu_mapped(args.ring_base_address, args.ring_size));
  }
  return result;
}

Result<void> RecordingKmd::write_doorbell(uint32_t queue_id, uint64_t value) {
  if (!recording() || in_fork_child()) {
    if (in_fork_child()) note_fork_child_uses_gpu();
    return inner_.write_doorbell(queue_id, value);
  }
  {
    std::lock_guard lock(mutex_);
    // Program stores the packets may depend on go first.
    StoreTracker* tracker = store_tracker_.load(std::memory_order_relaxed);
    if (tracker && tracker->has_dirty()) tracker->flush(writer_);
    auto packets = queues_.take(queue_id);
    if (observe_packets_ && packets && !packets->ring_unreadable) {
      if (packets->dwords.size() * 4 == packets->bytes.size()) {
        completions_.submitted(queue_id, packets->dwords, packets->position);
      } else {
        completions_.submitted(queue_id, packets->bytes, packets->position);
      }
    }
    format::DoorbellFields fields{packets ? packets->gpu_id : 0, queue_id, value};
    if (packets) {
      fields.has_pointers = true;
      fields.write_pointer = packets->write_pointer;
      fields.read_pointer = packets->read_pointer;
      fields.ring_offset = packets->ring_offset;
    }
    const std::span<const uint8_t> bytes = packets ? packets->bytes : std::span<const uint8_t>{};
    if (bytes.size() <= kInlinePacketBytes && bytes.size() % 4 == 0) {
      writer_.write_encoded(format::doorbell_record_bytes(bytes.size()),
                            [&](uint8_t* at, uint64_t time_ns, uint32_t thread) {
                              format::encode_doorbell(at, time_ns, thread, fields, bytes);
                            });
    } else {
      const format::BlobId blob = writer_.put_blob(bytes);
      writer_.write([&](schema::Record::Builder r) {
        auto d = r.initDoorbell();
        d.setGpuId(fields.gpu_id);
        d.setQueueId(queue_id);
        d.setValue(value);
        d.setWritePointer(fields.write_pointer);
        d.setReadPointer(fields.read_pointer);
        d.setRingOffset(fields.ring_offset);
        format::TraceWriter::set_blob_ref(d.initPacketsBlob(), blob);
      });
    }
  }
  auto result = inner_.write_doorbell(queue_id, value);
  if (!result.ok()) {
    // A call number only for a doorbell that fails (the one record it has
    // with one): no atomic increment per submission.
    const uint64_t seq = next_seq_.fetch_add(1, std::memory_order_relaxed);
    writer_.write([&](schema::Record::Builder r) {
      format::write_kmd_returned<KmdOp::kWriteDoorbell>(r.initKmdCall(), seq,
                                                        format::WriteDoorbellArgs{queue_id, value},
                                                        format::NoResult{}, result.error());
    });
  }
  return result;
}

Result<kmd::CreateEventResult> RecordingKmd::create_event(const kmd::CreateEventArgs& args) {
  auto result = recorded<KmdOp::kCreateEvent>(
      args, [&] { return inner_.create_event(args); }, AMDRR_VALUE);
  if (result.ok()) {
    std::lock_guard lock(mutex_);
    event_types_[result->event_id] = args.event_type;
  }
  return result;
}

Result<void> RecordingKmd::destroy_event(uint32_t event_id) {
  auto result = recorded<KmdOp::kDestroyEvent>(
      format::EventIdArgs{event_id}, [&] { return inner_.destroy_event(event_id); }, AMDRR_VALUE);
  if (result.ok()) {
    std::lock_guard lock(mutex_);
    event_types_.erase(event_id);
  }
  return result;
}

Result<void> RecordingKmd::set_event(uint32_t event_id) {
  return recorded<KmdOp::kSetEvent>(
      format::EventIdArgs{event_id}, [&] { return inner_.set_event(event_id); }, AMDRR_VALUE);
}

Result<void> RecordingKmd::reset_event(uint32_t event_id) {
  return recorded<KmdOp::kResetEvent>(
      format::EventIdArgs{event_id}, [&] { return inner_.reset_event(event_id); }, AMDRR_VALUE);
}

Result<kmd::WaitResult> RecordingKmd::wait_events(const kmd::WaitEventsArgs& args) {
  if (recording() && !in_fork_child()) flush_stores();
  // The array is in/out: record it as passed in.
  std::vector<kmd::EventData> in(args.events.begin(), args.events.end());
  const kmd::WaitEventsArgs in_args{in, args.wait_for_all, args.timeout};
  const uint64_t start = now_ns();
  auto result = recorded<KmdOp::kWaitEvents>(
      in_args, [&] { return inner_.wait_events(args); },
      [&](const Result<kmd::WaitResult>& r) {
        format::WaitEventsResult out;
        out.wait_result = r.ok() ? r.value() : kmd::WaitResult::kFail;
        out.events.assign(args.events.begin(), args.events.end());
        return out;
      });
  if (!recording() || in_fork_child()) return result;
  const uint64_t duration = now_ns() - start;
  writer_.write([&](schema::Record::Builder r) {
    auto w = r.initWaitResult();
    w.setKind(schema::WaitKind::KFD_EVENTS);
    w.setOp(schema::CompareOp::ALWAYS);
    w.setValueSeen(result.ok() ? static_cast<uint64_t>(result.value()) : 2);
    w.setDurationNs(duration);
    w.setTimedOut(result.ok() && result.value() == kmd::WaitResult::kTimeout);
    auto ids = w.initEventIds(static_cast<unsigned>(args.events.size()));
    for (unsigned i = 0; i < ids.size(); ++i) ids.set(i, args.events[i].event_id);
  });
  if (result.ok()) {
    record_gpu_errors(args);
    std::lock_guard lock(mutex_);
    observe_completed(
        completions_.completed_by_interrupt([this](uint32_t id) { return read_position(id); }));
  }
  after_wait();
  return result;
}

void RecordingKmd::record_gpu_errors(const kmd::WaitEventsArgs& returned) {
  std::lock_guard lock(mutex_);
  for (const kmd::EventData& e : returned.events) {
    auto type = event_types_.find(e.event_id);
    if (type == event_types_.end()) continue;
    // A non-zero gpu_id in the exception data means the event fired; the
    // driver waits on the same events again, so report each report once.
    if (type->second == kmd::EventType::kMemory && e.memory_exception_data.gpu_id != 0) {
      const auto& m = e.memory_exception_data;
      auto [it, fresh] = last_memory_error_.try_emplace(e.event_id, m);
      if (!fresh && it->second == m) continue;
      it->second = m;
      writer_.write([&](schema::Record::Builder r) {
        auto g = r.initGpuError();
        g.setKind(m.error_type == 3 ? schema::GpuErrorKind::HANG : schema::GpuErrorKind::VM_FAULT);
        g.setGpuId(m.gpu_id);
        g.setVa(m.va);
        // NotPresent, ReadOnly, NoExecute, imprecise in bits 0..3, ErrorType from bit 8.
        g.setDetail(uint64_t{m.not_present & 1} | uint64_t{m.read_only & 1} << 1 |
                    uint64_t{m.no_execute & 1} << 2 | uint64_t{m.imprecise & 1} << 3 |
                    uint64_t{m.error_type} << 8);
        g.setMessage("memory exception event " + std::to_string(e.event_id));
      });
    } else if (type->second == kmd::EventType::kHwException && e.hw_exception_data.gpu_id != 0) {
      const auto& h = e.hw_exception_data;
      auto [it, fresh] = last_hw_error_.try_emplace(e.event_id, h);
      if (!fresh && it->second == h) continue;
      it->second = h;
      writer_.write([&](schema::Record::Builder r) {
        auto g = r.initGpuError();
        g.setKind(schema::GpuErrorKind::HANG);
        g.setGpuId(h.gpu_id);
        // reset_type, reset_cause, memory_lost in bytes 0, 1, 2.
        g.setDetail(uint64_t{h.reset_type & 0xff} | uint64_t{h.reset_cause & 0xff} << 8 |
                    uint64_t{h.memory_lost & 0xff} << 16);
        g.setMessage("hardware exception event " + std::to_string(e.event_id));
      });
    }
  }
}

void RecordingKmd::prepare_cpu_write(uint64_t va, uint64_t size) {
  inner_.prepare_cpu_write(va, size);
  if (!store_tracker_.load(std::memory_order_relaxed) || !recording() || in_fork_child()) return;
  std::lock_guard lock(mutex_);
  StoreTracker* tracker = store_tracker_.load(std::memory_order_relaxed);  // detached since?
  if (tracker) tracker->prepare_driver_write(va, size);
}

void RecordingKmd::note_cpu_write(uint64_t va, std::span<const uint8_t> bytes) {
  inner_.note_cpu_write(va, bytes);
  if (!recording() || in_fork_child() || bytes.empty()) return;
  std::lock_guard lock(mutex_);
  // Ring bytes and write pointers (the driver does not report them, but a
  // program may): the Doorbell records carry them.
  if (queues_.covers(va, bytes.size())) return;
  if (StoreTracker* tracker = store_tracker_.load(std::memory_order_relaxed)) {
    // The driver's own bytes are not program stores, even where they hit a
    // protected page; then the driver store is a flush point (a signal
    // store can release the GPU), program stores first.
    tracker->absorb(va, bytes);
    if (tracker->has_dirty()) tracker->flush(writer_);
  }
  format::BlobId blob = writer_.put_blob(bytes);
  writer_.write([&](schema::Record::Builder r) {
    auto w = r.initMemWrite();
    w.setVa(va);
    format::TraceWriter::set_blob_ref(w.initContent(), blob);
    w.setSource(schema::WriteSource::DRIVER);
  });
}

void RecordingKmd::note_syscall_write(uint64_t va, std::span<const uint8_t> bytes) {
  if (!recording() || in_fork_child() || bytes.empty()) return;
  std::lock_guard lock(mutex_);
  if (!cpu_mapped(va, bytes.size())) return;
  StoreTracker* tracker = store_tracker_.load(std::memory_order_relaxed);
  if (tracker) tracker->absorb(va, bytes);  // not a program store
  format::BlobId blob = writer_.put_blob(bytes);
  writer_.write([&](schema::Record::Builder r) {
    auto w = r.initMemWrite();
    w.setVa(va);
    format::TraceWriter::set_blob_ref(w.initContent(), blob);
    w.setSource(schema::WriteSource::SYSCALL);
  });
}

void RecordingKmd::poll() {
  // The emulated GPU advances here: program stores must be in the trace first.
  StoreTracker* tracker = store_tracker_.load(std::memory_order_acquire);
  if (tracker && tracker->has_dirty() && recording() && !in_fork_child()) flush_stores();
  inner_.poll();
}

void RecordingKmd::note_cpu_wait(const kmd::CpuWait& wait) {
  inner_.note_cpu_wait(wait);
  if (!recording() || in_fork_child()) return;
  format::CpuPollFields f;
  f.va = wait.va;
  f.width = wait.width;
  f.op = static_cast<uint16_t>(compare_op(wait.op));
  f.mask = wait.width >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * wait.width)) - 1;
  f.reference = wait.reference;
  f.value_seen = wait.value_seen;
  f.duration_ns = wait.duration_ns;
  writer_.write_encoded(format::cpu_poll_record_bytes(),
                        [&](uint8_t* at, uint64_t time_ns, uint32_t thread) {
                          format::encode_cpu_poll(at, time_ns, thread, f);
                        });
  {
    std::lock_guard lock(mutex_);
    observe_completed(completions_.completed_by_write(
        wait.va, wait.width, wait.value_seen, [this](uint32_t id) { return read_position(id); }));
  }
  after_wait();
}

void RecordingKmd::note_cpu_wait_failed(const kmd::CpuWaitFailure& failure) {
  inner_.note_cpu_wait_failed(failure);
  if (!recording() || in_fork_child()) return;
  writer_.write([&](schema::Record::Builder r) {
    auto g = r.initGpuError();
    g.setKind(error_kind(failure.kind));
    g.setGpuId(failure.gpu_id);
    g.setQueueId(failure.queue_id);
    g.setVa(failure.va);
    g.setDetail(failure.wait.va);  // the signal the CPU waited on
    g.setMessage(failure.message);
  });
  // A failed wait is where a crashing or hanging program stops: get it out.
  after_wait();
}

void RecordingKmd::note_cpu_read(uint64_t va, std::span<const uint8_t> bytes) {
  inner_.note_cpu_read(va, bytes);
  if (!recording() || in_fork_child() || bytes.empty()) return;
  bool volatile_bytes = false;
  {
    std::lock_guard lock(mutex_);
    const kmd::MmapDevice* device = mapping_device(va, bytes.size());
    if (!device) return;
    volatile_bytes = *device == kmd::MmapDevice::kKfd;  // the event page: the kernel writes it
  }
  write_observed(va, bytes, schema::ObservedReason::AFTER_WAIT, volatile_bytes);
}

void RecordingKmd::observe_completed(const std::vector<PacketTarget>& targets) {
  for (const PacketTarget& t : targets) {
    const kmd::MmapDevice* device = mapping_device(t.va, t.size);
    if (!device) continue;  // not CPU-visible: the program cannot observe it either
    write_observed(t.va, {reinterpret_cast<const uint8_t*>(t.va), static_cast<size_t>(t.size)},
                   schema::ObservedReason::PACKET_TARGET,
                   t.timestamp || *device == kmd::MmapDevice::kKfd);
  }
}

void RecordingKmd::write_observed(uint64_t va, std::span<const uint8_t> bytes,
                                  schema::ObservedReason reason, bool volatile_bytes) {
  const bool keep = bytes.size() <= observe_content_max_;
  format::BlobId blob;
  if (keep) {
    blob = writer_.put_blob(bytes);
  } else {
    blob.hash = format::hash128(bytes);
    blob.size = bytes.size();
  }
  format::ObservedFields f;
  f.va = va;
  f.size = bytes.size();
  f.hash = blob.hash;
  f.reason = static_cast<uint16_t>(reason);
  f.is_timestamp = volatile_bytes;
  f.has_content = keep;
  writer_.write_encoded(format::observed_record_bytes(f.has_content),
                        [&](uint8_t* at, uint64_t time_ns, uint32_t thread) {
                          format::encode_observed(at, time_ns, thread, f);
                        });
}

void RecordingKmd::note_code_object(uint64_t load_va, std::span<const uint8_t> elf,
                                    const std::string& name) {
  inner_.note_code_object(load_va, elf, name);
  if (!recording() || in_fork_child()) return;
  format::BlobId blob = writer_.put_blob(elf);
  writer_.write([&](schema::Record::Builder r) {
    auto c = r.initCodeObject();
    c.setLoadVa(load_va);  // gpuId stays 0: the seam does not say which GPU
    format::TraceWriter::set_blob_ref(c.initElf(), blob);
    c.setName(name);
  });
}

void RecordingKmd::after_wait() {
  if (wait_listener_) wait_listener_();
}

void RecordingKmd::flush_stores() {
  if (!store_tracker_.load(std::memory_order_relaxed)) return;
  std::lock_guard lock(mutex_);
  StoreTracker* tracker = store_tracker_.load(std::memory_order_relaxed);  // detached since?
  if (tracker) tracker->flush(writer_);
}

void RecordingKmd::set_store_tracker(StoreTracker* tracker) {
  std::lock_guard lock(mutex_);
  store_tracker_.store(tracker, std::memory_order_release);  // poll() reads it unlocked
}

void RecordingKmd::detach_store_tracker() {
  std::lock_guard lock(mutex_);
  StoreTracker* tracker = store_tracker_.exchange(nullptr, std::memory_order_relaxed);
  if (!tracker) return;
  tracker->flush(writer_);  // the stores made up to here
  tracker->untrack_all();
}

void RecordingKmd::annotate(std::string_view label, std::string_view detail) {
  if (!recording() || in_fork_child()) return;
  writer_.write([&](schema::Record::Builder r) {
    auto a = r.initAnnotation();
    a.setLabel(capnp::Text::Reader(label.data(), label.size()));
    a.setDetail(capnp::Text::Reader(detail.data(), detail.size()));
  });
}

bool RecordingKmd::observe(uint64_t va, uint64_t size) {
  {
    std::lock_guard lock(mutex_);
    if (!cpu_mapped(va, size)) return false;
  }
  if (!recording() || in_fork_child()) return true;
  write_observed(va, {reinterpret_cast<const uint8_t*>(va), static_cast<size_t>(size)},
                 schema::ObservedReason::DECLARED, false);
  return true;
}

}  // namespace amdrr::capture

#include "replay/replayer.h"

#include <chrono>
#include <cstring>
#include <sstream>

#include "format/hash.h"
#include "format/record_visitor.h"
#include "lib/sim/engines/scheduler.h"

namespace amdrr::replay {

namespace {

std::string hex(uint64_t v) {
  std::ostringstream out;
  out << "0x" << std::hex << v;
  return out.str();
}

bool compare(schema::CompareOp op, uint64_t value, uint64_t reference) {
  switch (op) {
    case schema::CompareOp::ALWAYS:
      return true;
    case schema::CompareOp::LT:
      return value < reference;
    case schema::CompareOp::LE:
      return value <= reference;
    case schema::CompareOp::EQ:
      return value == reference;
    case schema::CompareOp::NE:
      return value != reference;
    case schema::CompareOp::GE:
      return value >= reference;
    case schema::CompareOp::GT:
      return value > reference;
  }
  return false;
}

}  // namespace

bool collect_fixed_ranges(format::TraceReader& reader, std::vector<VaRange>* ranges,
                          std::string* error) {
  while (auto view = reader.next()) {
    if (view->record.which() != schema::Record::KMD_CALL) continue;
    auto call = format::read_kmd_call(view->record.getKmdCall(), error);
    if (!call) {
      *error = "record " + std::to_string(view->number) + ": " + *error;
      return false;
    }
    if (call->phase != format::KmdPhase::kReturned) continue;
    if (auto* mmap = std::get_if<format::KmdCallOf<format::KmdOp::kMmap>>(&call->call)) {
      if (mmap->args.addr != 0) ranges->push_back({mmap->args.addr, mmap->args.size});
    } else if (auto* alloc =
                   std::get_if<format::KmdCallOf<format::KmdOp::kAllocMemoryOfGpu>>(&call->call)) {
      if (alloc->args.flags & kmd::alloc_flags::kUserptr) {
        ranges->push_back({alloc->args.mmap_offset, alloc->args.size});
      }
    }
  }
  if (reader.end() == format::TraceEnd::kCorrupt) {
    *error = reader.end_message();
    return false;
  }
  return true;
}

Replayer::Replayer(format::TraceReader& reader, kmd::Kmd& kmd, AddressSpace& space,
                   sim::EngineScheduler* engines, ReplayOptions options)
    : reader_(reader), kmd_(kmd), space_(space), engines_(engines), options_(options) {
  // GPUs in topology order on both sides.
  auto recorded = reader_.header().getGpus();
  auto nodes = kmd_.topology().gpu_nodes();
  for (unsigned i = 0; i < recorded.size() && i < nodes.size(); ++i) {
    gpu_ids_[recorded[i].getGpuId()] = nodes[i]->gpu_id;
  }
}

void Replayer::stop(Verdict verdict, std::string message) {
  if (stopped()) return;
  result_.verdict = verdict;
  result_.message = std::move(message);
}

ReplayResult Replayer::run() {
  if (!reader_.seek(0)) {
    stop(Verdict::kCannotReplay, "cannot read the header: " + reader_.end_message());
    return result_;
  }
  while (!stopped()) {
    auto view = reader_.next();
    if (!view) break;
    result_.record = view->number;
    result_.kind = format::record_kind_name(view->record.which());
    replay_record(*view);
    if (!stopped()) ++result_.records_replayed;
  }
  if (!stopped() && reader_.end() == format::TraceEnd::kCorrupt) {
    stop(Verdict::kCannotReplay, "damaged trace: " + reader_.end_message());
  }
  if (!stopped()) check_stopped_queues();
  if (!stopped() && gpu_error_) stop(gpu_error_->first, gpu_error_->second);
  return result_;
}

void Replayer::replay_record(const format::RecordView& view) {
  auto r = view.record;
  switch (r.which()) {
    case schema::Record::HEADER:
    case schema::Record::END:
    case schema::Record::BLOB:
    case schema::Record::ANNOTATION:
    case schema::Record::CODE_OBJECT:  // its image comes as memWrites
    case schema::Record::GPU_ERROR:    // the replay finds its own
      return;
    case schema::Record::KMD_CALL:
      return replay_kmd_call(r.getKmdCall());
    case schema::Record::DOORBELL:
      return replay_doorbell(r.getDoorbell());
    case schema::Record::MEM_WRITE:
      return replay_mem_write(r.getMemWrite());
    case schema::Record::WAIT_RESULT:
      return replay_wait(r.getWaitResult());
    case schema::Record::OBSERVED:
      return replay_observed(r.getObserved());
  }
  stop(Verdict::kCannotReplay,
       "unknown record kind " + std::to_string(int(r.which())) + " (written by a newer amdrr?)");
}

bool Replayer::read_bytes(schema::BlobRef::Reader ref, std::vector<uint8_t>* out) {
  format::BlobId id;
  id.hash = {ref.getHash().getLo(), ref.getHash().getHi()};
  id.size = ref.getSize();
  if (id.size == 0) {
    out->clear();
    return true;
  }
  std::string error;
  if (!reader_.read_blob(id, out, &error)) {
    stop(Verdict::kCannotReplay, "cannot read blob: " + error);
    return false;
  }
  return true;
}

void Replayer::replay_doorbell(schema::Doorbell::Reader d) {
  auto q = queues_.find(d.getQueueId());
  if (q == queues_.end()) {
    return stop(Verdict::kCannotReplay,
                "doorbell of unknown queue " + std::to_string(d.getQueueId()));
  }
  const kmd::CreateQueueArgs& args = q->second.args;
  std::vector<uint8_t> bytes;
  if (d.getPacketsBlob().getSize() > 0) {
    if (!read_bytes(d.getPacketsBlob(), &bytes)) return;
  } else if (d.hasPackets()) {
    auto list = d.getPackets();
    bytes.resize(size_t{list.size()} * 4);
    for (unsigned i = 0; i < list.size(); ++i) {
      uint32_t dword = list[i];
      std::memcpy(bytes.data() + 4 * size_t{i}, &dword, 4);
    }
  } else {
    return stop(Verdict::kCannotReplay,
                "doorbell without packets (the ring was not readable at capture)");
  }
  const uint64_t ring = args.ring_base_address;
  const uint64_t ring_size = args.ring_size;
  if (!space_.mapped(ring, ring_size) || !space_.mapped(args.write_pointer_address, 8)) {
    return stop(Verdict::kCannotReplay, "queue " + std::to_string(d.getQueueId()) + " ring " +
                                            hex(ring) + " or write pointer is not CPU-mapped");
  }
  if (bytes.size() > ring_size || d.getRingOffset() >= ring_size) {
    return stop(Verdict::kCannotReplay, "doorbell packets do not fit the ring");
  }
  auto* base = reinterpret_cast<uint8_t*>(ring);
  const uint64_t first = std::min<uint64_t>(bytes.size(), ring_size - d.getRingOffset());
  std::memcpy(base + d.getRingOffset(), bytes.data(), first);
  std::memcpy(base, bytes.data() + first, bytes.size() - first);
  const uint64_t wptr = d.getWritePointer();
  __atomic_store_n(reinterpret_cast<uint64_t*>(args.write_pointer_address), wptr, __ATOMIC_RELEASE);
  auto r = kmd_.write_doorbell(q->second.id, d.getValue());
  if (!r.ok()) {
    stop(Verdict::kDiverged, "write_doorbell failed: " + std::string(std::strerror(r.error())));
  }
}

void Replayer::replay_mem_write(schema::MemWrite::Reader w) {
  std::vector<uint8_t> bytes;
  if (!read_bytes(w.getContent(), &bytes)) return;
  if (bytes.empty()) return;
  if (!space_.mapped(w.getVa(), bytes.size())) {
    return stop(Verdict::kCannotReplay, "memWrite of " + std::to_string(bytes.size()) +
                                            " bytes at " + hex(w.getVa()) +
                                            " outside the CPU mappings the trace made");
  }
  std::memcpy(reinterpret_cast<void*>(w.getVa()), bytes.data(), bytes.size());
}

void Replayer::replay_wait(schema::WaitResult::Reader w) {
  if (w.getKind() != schema::WaitKind::CPU_POLL) return;  // WAIT_EVENTS re-issued as a call
  const uint64_t va = w.getVa();
  const unsigned width = w.getWidth();
  if ((width != 4 && width != 8) || va % width != 0 || !space_.mapped(va, width)) {
    return stop(Verdict::kCannotReplay, "CPU wait on " + hex(va) + " (width " +
                                            std::to_string(width) +
                                            ") outside the CPU mappings or misaligned");
  }
  auto load = [&]() -> uint64_t {
    uint64_t v = width == 8
                     ? __atomic_load_n(reinterpret_cast<const uint64_t*>(va), __ATOMIC_ACQUIRE)
                     : __atomic_load_n(reinterpret_cast<const uint32_t*>(va), __ATOMIC_ACQUIRE);
    return v & w.getMask();
  };
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.timeout_ms);
  uint64_t value = load();
  for (uint64_t spin = 1; !compare(w.getOp(), value, w.getReference()); ++spin) {
    kmd_.poll();
    value = load();
    if (spin % 256 == 0) {
      check_stopped_queues();
      if (stopped()) return;
      if (gpu_error_) return stop(gpu_error_->first, gpu_error_->second);
      if (std::chrono::steady_clock::now() > deadline) {
        return stop(Verdict::kHang, "CPU wait on " + hex(va) + " for a value " +
                                        std::to_string(int(w.getOp())) + "-compared with " +
                                        std::to_string(w.getReference()) + " timed out after " +
                                        std::to_string(options_.timeout_ms) + " ms (value " +
                                        std::to_string(value) + ")");
      }
    }
  }
  if (value != w.getValueSeen()) {
    stop(Verdict::kDiverged, "CPU wait on " + hex(va) + " saw " + std::to_string(value) +
                                 ", recorded " + std::to_string(w.getValueSeen()));
  }
}

void Replayer::replay_observed(schema::ObservedMemory::Reader o) {
  if (o.getIsTimestamp()) return;
  if (!space_.mapped(o.getVa(), o.getSize())) {
    return stop(Verdict::kCannotReplay,
                "observed range at " + hex(o.getVa()) + " is not CPU-mapped in the replay");
  }
  format::Hash128 hash = format::hash128(
      {reinterpret_cast<const uint8_t*>(o.getVa()), static_cast<size_t>(o.getSize())});
  if (hash.lo != o.getHash().getLo() || hash.hi != o.getHash().getHi()) {
    stop(Verdict::kDiverged, "memory at " + hex(o.getVa()) + " (" + std::to_string(o.getSize()) +
                                 " bytes) differs from capture");
  }
}

void Replayer::check_stopped_queues() {
  if (!engines_) return;
  auto stopped_queues = engines_->stopped_queues();
  if (stopped_queues.size() <= stopped_queues_seen_) return;
  stopped_queues_seen_ = stopped_queues.size();
  for (const auto& [id, outcome] : stopped_queues) {
    std::string what = "queue " + std::to_string(id) + " stopped (" +
                       sim::queue_state_name(outcome.state) + ") at " + outcome.packet + " " +
                       hex(outcome.packet_va) + ": " + outcome.message;
    switch (outcome.state) {
      case sim::QueueState::kUnsupported:
        return stop(Verdict::kCannotReplay, what);
      case sim::QueueState::kHung:
        return stop(Verdict::kHang, what);
      case sim::QueueState::kActive:
        break;
      default:
        if (!gpu_error_) gpu_error_.emplace(Verdict::kGpuFault, what);
        break;
    }
  }
}

void Replayer::check_exceptions(const std::vector<kmd::EventData>& events) {
  for (const kmd::EventData& e : events) {
    const auto& m = e.memory_exception_data;
    if (m.gpu_id != 0 && !gpu_error_) {
      gpu_error_.emplace(m.error_type == 3 ? Verdict::kHang : Verdict::kGpuFault,
                         "GPU memory fault at " + hex(m.va) + " on GPU " + hex(m.gpu_id) +
                             " (event " + std::to_string(e.event_id) + ")");
    }
    const auto& h = e.hw_exception_data;
    if (h.gpu_id != 0 && !gpu_error_) {
      gpu_error_.emplace(Verdict::kGpuFault, "hardware exception on GPU " + hex(h.gpu_id) +
                                                 " (event " + std::to_string(e.event_id) + ")");
    }
  }
}

void Replayer::check_errno(int32_t recorded, int replayed) {
  if (recorded == replayed) return;
  stop(Verdict::kDiverged,
       "the call returned " + std::string(replayed ? std::strerror(replayed) : "success") +
           ", recorded " + std::string(recorded ? std::strerror(recorded) : "success"));
}

std::optional<uint32_t> Replayer::gpu(uint32_t recorded) {
  auto it = gpu_ids_.find(recorded);
  if (it != gpu_ids_.end()) return it->second;
  stop(Verdict::kCannotReplay, "unknown gpu_id " + hex(recorded));
  return std::nullopt;
}

std::optional<uint64_t> Replayer::handle(uint64_t recorded) {
  auto it = handles_.find(recorded);
  if (it != handles_.end()) return it->second;
  stop(Verdict::kCannotReplay, "unknown BO handle " + hex(recorded));
  return std::nullopt;
}

}  // namespace amdrr::replay

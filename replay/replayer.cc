#include "replay/replayer.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "format/hash.h"
#include "format/record_visitor.h"
#include "lib/sim/engines/scheduler.h"
#include "replay/limits.h"
#include "replay/trace_scan.h"

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
  ReplayLimits unlimited;
  unlimited.max_alloc_bytes = unlimited.max_total_alloc_bytes = UINT64_MAX;
  unlimited.max_queues = unlimited.max_buffers = UINT64_MAX;
  unlimited.max_record_bytes = unlimited.max_blob_bytes = UINT64_MAX;
  TraceScan scan;
  if (!scan_trace(reader, unlimited, &scan, error)) return false;
  *ranges = std::move(scan.fixed_ranges);
  return true;
}

Replayer::Replayer(format::TraceReader& reader, kmd::Kmd& kmd, AddressSpace& space,
                   sim::EngineScheduler* engines, ReplayOptions options, uint64_t records_total)
    : reader_(reader), kmd_(kmd), space_(space), engines_(engines), options_(std::move(options)) {
  result_.records_total = records_total;
  verifying_ = options_.from_label.empty();
  // GPUs in topology order on both sides.
  auto recorded = reader_.header().getGpus();
  auto nodes = kmd_.topology().gpu_nodes();
  for (unsigned i = 0; i < recorded.size() && i < nodes.size(); ++i) {
    gpu_ids_[recorded[i].getGpuId()] = nodes[i]->gpu_id;
  }
  for (const gpu::Node* node : nodes) {
    auto target = gpu::resolve_target(*node);
    if (target.ok()) targets_[node->gpu_id] = std::move(target.value());
  }
}

void Replayer::stop(Verdict verdict, std::string message, std::string details,
                    std::string failure) {
  if (result_.verdict != Verdict::kSame) return;
  if (verdict != Verdict::kCannotReplay && std::chrono::steady_clock::now() >= deadline_) {
    // Past the time limit the emulator stops running kernels, so a hang or
    // error now may be only that: the limit is the verdict.
    verdict = Verdict::kCannotReplay;
    message = time_limit_message();
    details.clear();
    failure.clear();
  }
  result_.verdict = verdict;
  result_.failure = failure.empty() ? message : std::move(failure);
  result_.message = std::move(message);
  result_.details = std::move(details);
}

std::string Replayer::time_limit_message() const {
  const auto elapsed = std::chrono::steady_clock::now() - started_;
  const uint64_t seconds =
      uint64_t(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count());
  return limit_message(Limit::kSeconds, "a replay longer than seconds", seconds, options_.limits);
}

bool Replayer::out_of_time() {
  if (std::chrono::steady_clock::now() < deadline_) return false;
  stop(Verdict::kCannotReplay, time_limit_message());
  return true;
}

ReplayResult Replayer::run() {
  started_ = std::chrono::steady_clock::now();
  deadline_ = options_.deadline.value_or(deadline_after(started_, options_.limits.max_seconds));
  if (!reader_.seek(0)) {
    stop(Verdict::kCannotReplay, "cannot read the header: " + reader_.end_message());
    return result_;
  }
  while (!stopped()) {
    auto view = reader_.next();
    if (!view) break;
    record_ = view->number;
    result_.record = view->number;
    result_.kind = format::record_kind_name(view->record.which());
    replay_record(*view);
    if (!stopped()) ++result_.records_replayed;
    if (view->number % 64 == 0) {
      if (options_.progress) options_.progress(view->number, result_.records_total);
      if (out_of_time()) break;
    }
  }
  if (!stopped() && reader_.end() == format::TraceEnd::kCorrupt) {
    stop(Verdict::kCannotReplay, "damaged trace: " + reader_.end_message());
  }
  // What the GPU still had to do (a prefix cut by --until) may fault too.
  if (until_reached_ && result_.verdict == Verdict::kSame) drain();
  if (result_.verdict == Verdict::kSame) check_stopped_queues();
  if (result_.verdict == Verdict::kSame && gpu_error_) stop(gpu_error_->first, gpu_error_->second);
  if (options_.progress) options_.progress(result_.records_total, result_.records_total);
  return result_;
}

void Replayer::replay_record(const format::RecordView& view) {
  auto r = view.record;
  switch (r.which()) {
    case schema::Record::HEADER:
    case schema::Record::END:
    case schema::Record::BLOB:
    case schema::Record::CODE_OBJECT:  // its image comes as memWrites
      return;
    case schema::Record::ANNOTATION:
      return replay_annotation(r.getAnnotation());
    case schema::Record::GPU_ERROR:
      return replay_gpu_error(r.getGpuError());
    case schema::Record::KMD_CALL:
      return replay_kmd_call(r.getKmdCall());
    case schema::Record::DOORBELL:
      return replay_doorbell(r.getDoorbell(), view.number);
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
  if (id.size > options_.limits.max_blob_bytes) {
    stop(Verdict::kCannotReplay,
         limit_message(Limit::kBlobBytes, "a blob of bytes", id.size, options_.limits));
    return false;
  }
  std::string error;
  if (!reader_.read_blob(id, out, &error)) {
    stop(Verdict::kCannotReplay, "cannot read blob: " + error);
    return false;
  }
  return true;
}

void Replayer::replay_annotation(schema::Annotation::Reader a) {
  last_label_ = a.getLabel();
  if (!verifying_ && last_label_ == options_.from_label) verifying_ = true;
}

void Replayer::replay_doorbell(schema::Doorbell::Reader d, uint64_t record) {
  if (options_.until_submission && result_.submissions > *options_.until_submission) {
    until_reached_ = true;
    result_.stopped_early = true;
    return;
  }
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
  const uint64_t wptr = d.getWritePointer();
  if (!wait_for_ring_room(d.getQueueId(), args, wptr)) return;
  auto* base = reinterpret_cast<uint8_t*>(ring);
  const uint64_t first = std::min<uint64_t>(bytes.size(), ring_size - d.getRingOffset());
  std::memcpy(base + d.getRingOffset(), bytes.data(), first);
  std::memcpy(base, bytes.data() + first, bytes.size() - first);
  __atomic_store_n(reinterpret_cast<uint64_t*>(args.write_pointer_address), wptr, __ATOMIC_RELEASE);
  result_.submission = result_.submissions++;
  last_submission_ =
      Submission{result_.submission, record, d.getQueueId(), args.queue_type, std::move(bytes)};
  auto r = kmd_.write_doorbell(q->second.id, d.getValue());
  if (!r.ok()) {
    return stop(Verdict::kDiverged,
                "write_doorbell failed: " + std::string(std::strerror(r.error())));
  }
  if (options_.serialize) drain();
}

bool Replayer::wait_for_ring_room(uint32_t queue_id, const kmd::CreateQueueArgs& args,
                                  uint64_t wptr) {
  // At capture the program had room (it waited for it, or the GPU was
  // ahead); a replay whose GPU is further behind — the emulator, another
  // interleaving — must wait as well, or its packet writes overwrite packets
  // the queue has not read yet.
  const uint64_t unit = kmd::queue_pointer_unit(args.queue_type);
  const uint64_t capacity = args.ring_size / unit;
  if (args.read_pointer_address == 0 || !space_.mapped(args.read_pointer_address, 8)) return true;
  auto read_pointer = [&] {
    return __atomic_load_n(reinterpret_cast<const uint64_t*>(args.read_pointer_address),
                           __ATOMIC_ACQUIRE);
  };
  const uint64_t timeout_ms = options_.timeout.for_wait(0, false);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (uint64_t spin = 1; wptr > read_pointer() + capacity; ++spin) {
    kmd_.poll();
    if (spin % 256 != 0) continue;
    check_stopped_queues();
    if (stopped()) return false;
    if (gpu_error_) {
      stop(gpu_error_->first, gpu_error_->second);
      return false;
    }
    if (out_of_time()) return false;
    if (std::chrono::steady_clock::now() > deadline) {
      stop(Verdict::kHang, "queue " + std::to_string(queue_id) + " read no further than " +
                               std::to_string(read_pointer()) + " in " +
                               std::to_string(timeout_ms) + " ms; the next doorbell needs " +
                               std::to_string(wptr - capacity) + " to fit its ring");
      return false;
    }
  }
  return true;
}

void Replayer::drain() {
  // On hardware there is no scheduler to ask; the recorded waits order the
  // work as they did at capture.
  // In bounded steps, going on while a step ran its whole budget: a ring
  // that chains to itself forever is stopped by the time limit. (The
  // threaded GPU's step ends at its own timeout, as before.)
  constexpr uint64_t kStepPackets = uint64_t{1} << 20;
  if (engines_) {
    for (;;) {
      const auto step = engines_->run(kStepPackets);
      if (step.quiescent || step.packets < kStepPackets || out_of_time()) break;
    }
  }
  check_stopped_queues();
  if (result_.verdict == Verdict::kSame && gpu_error_) stop(gpu_error_->first, gpu_error_->second);
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
  if (w.getKind() != schema::WaitKind::CPU_POLL) {
    // WAIT_EVENTS was re-issued as a call; a recorded timeout is a hang the
    // replay reached as well (a different outcome was a different errno).
    if (!w.getTimedOut()) return;
    if (last_wait_timed_out_) return stop(Verdict::kHang, "WAIT_EVENTS timed out, as at capture");
    return stop(Verdict::kDiverged, "WAIT_EVENTS completed; at capture it timed out");
  }
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
  const bool recorded_timeout = w.getTimedOut();
  const uint64_t timeout_ms = options_.timeout.for_wait(w.getDurationNs(), recorded_timeout);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  uint64_t value = load();
  for (uint64_t spin = 1; !compare(w.getOp(), value, w.getReference()); ++spin) {
    kmd_.poll();
    value = load();
    if (spin % 256 == 0) {
      check_stopped_queues();
      if (stopped()) return;
      if (gpu_error_) return stop(gpu_error_->first, gpu_error_->second);
      if (out_of_time()) return;
      if (std::chrono::steady_clock::now() > deadline) {
        std::string what = "CPU wait on " + hex(va) + " for a value " +
                           std::to_string(int(w.getOp())) + "-compared with " +
                           std::to_string(w.getReference()) + " timed out after " +
                           std::to_string(timeout_ms) + " ms (value " + std::to_string(value) + ")";
        if (recorded_timeout) what += ", as at capture";
        return stop(Verdict::kHang, what, {}, "CPU wait on " + hex(va) + " timed out");
      }
    }
  }
  ++result_.waits_checked;
  if (recorded_timeout) {
    return stop(Verdict::kDiverged, "CPU wait on " + hex(va) + " ended with " +
                                        std::to_string(value) + "; at capture it timed out");
  }
  if (verifying_ && options_.exact_wait_values && value != w.getValueSeen()) {
    stop(Verdict::kDiverged, "CPU wait on " + hex(va) + " saw " + std::to_string(value) +
                                 ", recorded " + std::to_string(w.getValueSeen()));
  }
}

void Replayer::replay_observed(schema::ObservedMemory::Reader o) {
  if (o.getIsTimestamp() || !verifying_) return;
  if (!space_.mapped(o.getVa(), o.getSize())) {
    return stop(Verdict::kCannotReplay,
                "observed range at " + hex(o.getVa()) + " is not CPU-mapped in the replay");
  }
  ++result_.observations_checked;
  format::Hash128 hash = format::hash128(
      {reinterpret_cast<const uint8_t*>(o.getVa()), static_cast<size_t>(o.getSize())});
  if (hash.lo != o.getHash().getLo() || hash.hi != o.getHash().getHi()) report_difference(o);
}

void Replayer::report_difference(schema::ObservedMemory::Reader o) {
  const uint64_t va = o.getVa();
  std::span<const uint8_t> replayed(reinterpret_cast<const uint8_t*>(va),
                                    static_cast<size_t>(o.getSize()));
  static constexpr const char* kReasons[] = {"after a wait", "declared", "a packet's target"};
  const auto reason = static_cast<size_t>(o.getReason());
  std::string message = "memory at " + hex(va) + " (" + std::to_string(o.getSize()) +
                        " bytes, observed " + (reason < 3 ? kReasons[reason] : "") +
                        ") differs from capture";
  // The same range holding other bytes (say, nothing wrote it at all) is
  // another failure, wherever it is noticed.
  const format::Hash128 held = format::hash128(replayed);
  char held_text[40];
  std::snprintf(held_text, sizeof(held_text), "%016llx%016llx",
                static_cast<unsigned long long>(held.hi), static_cast<unsigned long long>(held.lo));
  std::string failure = message + "; the replay holds content " + held_text;
  std::string details;
  if (last_submission_) {
    message += " after submission " + std::to_string(last_submission_->index) + " on queue " +
               std::to_string(last_submission_->queue_id);
    // A queue destroyed since its submission: decode with any GPU's tables.
    auto q = queues_.find(last_submission_->queue_id);
    const gpu::GpuTarget* target = q != queues_.end() ? target_of(q->second.gpu)
                                   : targets_.empty() ? nullptr
                                                      : &targets_.begin()->second;
    if (target) details += "  " + describe_submission(*last_submission_, *target) + "\n";
  }
  details += "  " + describe_buffer(buffers_.find(va), va) + "\n";
  std::vector<uint8_t> recorded;
  if (o.getContent().getSize() == 0) {
    details += "  only the hash differs (the capture kept no content for this range)\n";
  } else if (read_bytes(o.getContent(), &recorded)) {
    if (auto offset = first_difference(replayed, recorded)) {
      details += "  " + describe_difference(replayed, recorded, *offset, va) + "\n";
    } else {
      details += "  the bytes equal the recorded content, but the hash differs\n";
    }
  } else {
    return;  // read_bytes stopped the replay
  }
  stop(Verdict::kDiverged, std::move(message), std::move(details), std::move(failure));
}

void Replayer::replay_gpu_error(schema::GpuError::Reader e) {
  const std::string recorded = e.getMessage();
  switch (e.getKind()) {
    case schema::GpuErrorKind::UNSUPPORTED_BY_EMULATOR:
      return stop(Verdict::kCannotReplay,
                  "the capture ran into what the emulator does not "
                  "implement: " +
                      recorded);
    case schema::GpuErrorKind::HANG:
    case schema::GpuErrorKind::TIMEOUT:
      // The timed-out wait before it replayed as timed out too (else the
      // replay stopped there as diverged).
      return stop(Verdict::kHang, "hang, as at capture: " + recorded);
    default:
      break;
  }
  drain();
  if (result_.verdict != Verdict::kSame) {
    result_.message += " (at capture: " + recorded + ")";
    return;
  }
  stop(Verdict::kDiverged, "the capture saw a GPU error the replay did not reproduce: " + recorded);
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

const gpu::GpuTarget* Replayer::target_of(uint32_t replay_gpu) const {
  auto it = targets_.find(replay_gpu);
  return it == targets_.end() ? nullptr : &it->second;
}

}  // namespace amdrr::replay

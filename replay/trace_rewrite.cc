#include "replay/trace_rewrite.h"

#include <capnp/dynamic.h>

#include <cstring>
#include <set>

#include "format/kmd_records.h"
#include "format/trace_writer.h"

namespace amdrr::replay {

namespace {

// Ring space of removed submissions waiting to be folded into the next kept
// submission of the queue.
struct PendingNops {
  uint64_t ring_offset = 0;
  uint64_t dwords = 0;
};

bool releases_memory(const format::KmdCallRecord& call) {
  const format::KmdOp op = call.op();
  return op == format::KmdOp::kMunmap || op == format::KmdOp::kFreeMemoryOfGpu ||
         op == format::KmdOp::kUnmapMemoryFromGpu;
}

class Rewriter {
 public:
  Rewriter(format::TraceReader& reader, const TraceSubmissions& subs, const RewritePlan& plan)
      : reader_(reader), subs_(subs), plan_(plan) {}

  bool run(const std::string& out, RewriteStats* stats, std::string* error);

 private:
  bool kept(size_t i) const {
    return (plan_.keep.empty() || plan_.keep[i]) && (!plan_.cut_after || i <= *plan_.cut_after);
  }
  void plan_flushes();
  bool copy_blob(schema::BlobRef::Reader ref, std::string* error);
  bool copy_record(const format::RecordView& view, std::string* error);
  bool doorbell(size_t index, schema::Doorbell::Reader d, uint64_t time, uint32_t thread,
                std::string* error);
  void write_doorbell(const Submission& s, schema::Doorbell::Reader d, uint64_t ring_offset,
                      const std::vector<uint32_t>& packets, uint64_t time, uint32_t thread);
  // A wait until the queue has read every packet rung so far.
  void write_drain(uint32_t queue_id);
  // A wait until the queue's read pointer reaches `wptr`.
  void write_wait(size_t queue, uint64_t wptr);

  format::TraceReader& reader_;
  const TraceSubmissions& subs_;
  const RewritePlan& plan_;
  std::unique_ptr<format::TraceWriter> writer_;
  RewriteStats stats_;
  std::set<std::pair<uint64_t, uint64_t>> blobs_;  // hashes already in the output
  std::vector<bool> flush_at_;  // a removed submission whose NOPs get a doorbell of their own
  std::map<size_t, PendingNops> pending_;  // by queue (index into subs_.queues)
  // Live queues to drain, by recorded id: the queue and its last write pointer.
  std::map<uint32_t, std::pair<size_t, uint64_t>> last_write_pointer_;
};

// A removed submission's NOPs are rung on their own (with its doorbell value)
// when folding them into the next kept submission would overflow the ring.
void Rewriter::plan_flushes() {
  flush_at_.assign(subs_.submissions.size(), false);
  std::map<size_t, std::vector<size_t>> by_queue;
  for (size_t i = 0; i < subs_.submissions.size(); ++i) {
    by_queue[subs_.submissions[i].queue].push_back(i);
  }
  for (const auto& [queue, list] : by_queue) {
    const uint64_t ring_dwords = subs_.queues[queue].args.ring_size / 4;
    uint64_t pending = 0;
    for (size_t k = 0; k < list.size(); ++k) {
      const size_t i = list[k];
      if (kept(i)) {
        pending = 0;
        continue;
      }
      pending += subs_.submissions[i].bytes / 4;
      bool kept_later = false;
      for (size_t j = k + 1; j < list.size() && !kept_later; ++j) kept_later = kept(list[j]);
      if (!kept_later || k + 1 == list.size()) continue;
      const size_t next = list[k + 1];
      const uint64_t next_dwords = subs_.submissions[next].bytes / 4;
      const bool overflow = kept(next) ? pending + next_dwords > ring_dwords
                                       : pending + next_dwords > ring_dwords / 2;
      if (overflow) {
        flush_at_[i] = true;
        pending = 0;
      }
    }
  }
}

bool Rewriter::copy_blob(schema::BlobRef::Reader ref, std::string* error) {
  if (ref.getSize() == 0) return true;
  format::BlobId id;
  id.hash = {ref.getHash().getLo(), ref.getHash().getHi()};
  id.size = ref.getSize();
  if (!blobs_.insert({id.hash.lo, id.hash.hi}).second) return true;
  std::vector<uint8_t> bytes;
  if (!reader_.read_blob(id, &bytes, error)) return false;
  writer_->put_blob(bytes);
  return true;
}

bool Rewriter::copy_record(const format::RecordView& view, std::string* error) {
  auto src = view.record;
  switch (src.which()) {
    case schema::Record::MEM_WRITE:
      if (!copy_blob(src.getMemWrite().getContent(), error)) return false;
      break;
    case schema::Record::OBSERVED:
      if (!copy_blob(src.getObserved().getContent(), error)) return false;
      break;
    case schema::Record::CODE_OBJECT:
      if (!copy_blob(src.getCodeObject().getElf(), error)) return false;
      break;
    default:
      break;
  }
  bool known = true;
  writer_->write([&](schema::Record::Builder r) {
    r.setTimeNs(src.getTimeNs());
    r.setThread(src.getThread());
    switch (src.which()) {
      case schema::Record::KMD_CALL:
        return r.setKmdCall(src.getKmdCall());
      case schema::Record::MEM_WRITE:
        return r.setMemWrite(src.getMemWrite());
      case schema::Record::WAIT_RESULT:
        return r.setWaitResult(src.getWaitResult());
      case schema::Record::OBSERVED:
        return r.setObserved(src.getObserved());
      case schema::Record::CODE_OBJECT:
        return r.setCodeObject(src.getCodeObject());
      case schema::Record::ANNOTATION:
        return r.setAnnotation(src.getAnnotation());
      case schema::Record::GPU_ERROR:
        return r.setGpuError(src.getGpuError());
      default:
        known = false;  // an empty annotation stands in; the caller fails anyway
        r.initAnnotation();
    }
  });
  if (!known) {
    *error = "record " + std::to_string(view.number) + " is of a kind this amdrr cannot copy";
    return false;
  }
  ++stats_.records;
  return true;
}

void Rewriter::write_doorbell(const Submission& s, schema::Doorbell::Reader d, uint64_t ring_offset,
                              const std::vector<uint32_t>& packets, uint64_t time,
                              uint32_t thread) {
  format::BlobId blob;
  const bool large = packets.size() > 64;
  if (large) {
    blob = writer_->put_blob(
        {reinterpret_cast<const uint8_t*>(packets.data()), packets.size() * sizeof(uint32_t)});
  }
  writer_->write([&](schema::Record::Builder r) {
    r.setTimeNs(time);
    r.setThread(thread);
    auto out = r.initDoorbell();
    out.setGpuId(d.getGpuId());
    out.setQueueId(d.getQueueId());
    out.setValue(d.getValue());
    out.setWritePointer(d.getWritePointer());
    out.setReadPointer(d.getReadPointer());
    out.setRingOffset(ring_offset);
    if (large) {
      format::TraceWriter::set_blob_ref(out.initPacketsBlob(), blob);
    } else {
      auto list = out.initPackets(static_cast<unsigned>(packets.size()));
      for (unsigned i = 0; i < packets.size(); ++i) list.set(i, packets[i]);
    }
  });
  ++stats_.records;
  last_write_pointer_[s.queue_id] = {s.queue, d.getWritePointer()};
  const TraceQueue& queue = subs_.queue_of(s);
  uint64_t real = 0;
  for (auto [offset, length] : split_packets(queue, packets)) {
    if (!is_nop(queue, std::span<const uint32_t>(packets).subspan(offset, length))) ++real;
  }
  stats_.packets += real;
  if (real > 0) ++stats_.submissions;
}

bool Rewriter::doorbell(size_t index, schema::Doorbell::Reader d, uint64_t time, uint32_t thread,
                        std::string* error) {
  const Submission& s = subs_.submissions[index];
  const TraceQueue& queue = subs_.queue_of(s);
  PendingNops& pending = pending_[s.queue];
  if (!kept(index)) {
    if (pending.dwords == 0) pending.ring_offset = s.ring_offset;
    pending.dwords += s.bytes / 4;
    if (flush_at_[index]) {
      std::vector<uint32_t> nops;
      append_nops(queue.kind, pending.dwords, &nops);
      write_doorbell(s, d, pending.ring_offset, nops, time, thread);
      pending = {};
    }
    return true;
  }
  std::vector<uint32_t> packets;
  if (!doorbell_packets(reader_, d, &packets, error)) return false;
  if (auto it = plan_.packets.find(index); it != plan_.packets.end()) {
    if (it->second.size() != packets.size()) {
      *error = "submission " + std::to_string(index + 1) + ": replacement of " +
               std::to_string(it->second.size()) + " dwords for " + std::to_string(packets.size()) +
               " recorded";
      return false;
    }
    packets = it->second;
  }
  uint64_t ring_offset = s.ring_offset;
  if (pending.dwords > 0) {
    std::vector<uint32_t> merged;
    append_nops(queue.kind, pending.dwords, &merged);
    merged.insert(merged.end(), packets.begin(), packets.end());
    packets = std::move(merged);
    ring_offset = pending.ring_offset;
    pending = {};
  }
  write_doorbell(s, d, ring_offset, packets, time, thread);
  if (plan_.serialize) write_wait(s.queue, d.getWritePointer());
  return true;
}

void Rewriter::write_drain(uint32_t queue_id) {
  auto it = last_write_pointer_.find(queue_id);
  if (it == last_write_pointer_.end()) return;
  const auto [queue, wptr] = it->second;
  last_write_pointer_.erase(it);
  if (plan_.drain) write_wait(queue, wptr);
}

void Rewriter::write_wait(size_t queue_index, uint64_t wptr) {
  const TraceQueue& queue = subs_.queues[queue_index];
  const uint64_t va = queue.args.read_pointer_address;
  const uint8_t width = va % 8 == 0 ? 8 : 4;
  const uint64_t mask = width == 8 ? ~uint64_t{0} : 0xFFFFFFFFull;
  writer_->write([&](schema::Record::Builder r) {
    auto w = r.initWaitResult();
    w.setKind(schema::WaitKind::CPU_POLL);
    w.setVa(va);
    w.setWidth(width);
    w.setOp(schema::CompareOp::EQ);
    w.setMask(mask);
    w.setReference(wptr & mask);
    w.setValueSeen(wptr & mask);
  });
  ++stats_.records;
}

bool Rewriter::run(const std::string& out, RewriteStats* stats, std::string* error) {
  plan_flushes();
  auto fill = [&](schema::Header::Builder h) {
    // Everything the recorded header says, in this writer's format version.
    auto src = capnp::toDynamic(reader_.header());
    auto dst = capnp::toDynamic(h);
    for (auto field : src.getSchema().getFields()) {
      std::string_view name = field.getProto().getName().cStr();
      if (name == "formatMajor" || name == "formatMinor" || !src.has(field)) continue;
      dst.set(field, src.get(field));
    }
  };
  writer_ = format::TraceWriter::create(out, fill, error);
  if (!writer_) return false;
  if (!reader_.seek(0)) {
    *error = "cannot read the header: " + reader_.end_message();
    return false;
  }
  const uint64_t stop_at = plan_.cut_after && *plan_.cut_after + 1 < subs_.submissions.size()
                               ? subs_.submissions[*plan_.cut_after + 1].record
                               : UINT64_MAX;
  size_t next_submission = 0;
  size_t last_kept = 0;  // one past the last kept submission
  for (size_t i = 0; i < subs_.submissions.size(); ++i) {
    if (kept(i)) last_kept = i + 1;
  }
  bool dropping = false;  // after a removed submission, until the next one
  while (auto view = reader_.next()) {
    if (view->number >= stop_at) break;
    auto r = view->record;
    switch (r.which()) {
      case schema::Record::HEADER:
      case schema::Record::END:
      case schema::Record::BLOB:  // copied where referenced
        continue;
      case schema::Record::DOORBELL: {
        const size_t index = next_submission++;
        if (index >= subs_.submissions.size() || subs_.submissions[index].record != view->number) {
          *error = "the trace changed since it was indexed";
          return false;
        }
        dropping = !kept(index);
        if (!doorbell(index, r.getDoorbell(), r.getTimeNs(), r.getThread(), error)) return false;
        continue;
      }
      case schema::Record::WAIT_RESULT:
      case schema::Record::OBSERVED:
      case schema::Record::GPU_ERROR:
        if (dropping) continue;
        break;
      case schema::Record::KMD_CALL: {
        std::string ignored;
        auto call = format::read_kmd_call(r.getKmdCall(), &ignored);
        if (call && plan_.keep_memory && next_submission >= last_kept && releases_memory(*call)) {
          continue;
        }
        auto* destroy =
            call ? std::get_if<format::KmdCallOf<format::KmdOp::kDestroyQueue>>(&call->call)
                 : nullptr;
        // Work still queued when the program destroyed its queue runs first:
        // a submission that never completes is then seen as a hang.
        if (destroy && call->phase == format::KmdPhase::kIssued) {
          write_drain(destroy->args.queue_id);
        }
        break;
      }
      default:
        break;
    }
    if (!copy_record(*view, error)) return false;
  }
  if (reader_.end() == format::TraceEnd::kCorrupt) {
    *error = "damaged trace: " + reader_.end_message();
    return false;
  }
  while (!last_write_pointer_.empty()) write_drain(last_write_pointer_.begin()->first);
  if (!writer_->close()) {
    *error = writer_->error();
    return false;
  }
  if (stats) *stats = stats_;
  return true;
}

}  // namespace

bool rewrite_trace(format::TraceReader& reader, const TraceSubmissions& submissions,
                   const RewritePlan& plan, const std::string& out, RewriteStats* stats,
                   std::string* error) {
  if (!plan.keep.empty() && plan.keep.size() != submissions.submissions.size()) {
    *error = "the plan does not match the trace's submissions";
    return false;
  }
  Rewriter rewriter(reader, submissions, plan);
  return rewriter.run(out, stats, error);
}

}  // namespace amdrr::replay

#include "replay/trace_scan.h"

#include <map>
#include <set>
#include <variant>

#include "format/kmd_records.h"
#include "format/record_visitor.h"
#include "replay/limits.h"

namespace amdrr::replay {

namespace {

using format::KmdOp;

// Live allocations and queues as the trace creates and frees them.
class LiveState {
 public:
  explicit LiveState(const ReplayLimits& limits) : limits_(limits) {}

  bool alloc(uint64_t handle, uint64_t size, std::string* error) {
    if (size > limits_.max_alloc_bytes) {
      *error = limit_message(Limit::kAllocBytes, "an allocation of bytes", size, limits_);
      return false;
    }
    auto [it, fresh] = buffers_.emplace(handle, size);
    if (fresh) total_ += size;
    if (total_ > limits_.max_total_alloc_bytes) {
      *error = limit_message(Limit::kTotalAllocBytes, "live allocated bytes", total_, limits_);
      return false;
    }
    if (buffers_.size() > limits_.max_buffers) {
      *error = limit_message(Limit::kBuffers, "live buffers", buffers_.size(), limits_);
      return false;
    }
    return true;
  }
  void free(uint64_t handle) {
    auto it = buffers_.find(handle);
    if (it == buffers_.end()) return;
    total_ -= it->second;
    buffers_.erase(it);
  }
  bool create_queue(uint32_t id, std::string* error) {
    queues_.insert(id);
    if (queues_.size() > limits_.max_queues) {
      *error = limit_message(Limit::kQueues, "live queues", queues_.size(), limits_);
      return false;
    }
    return true;
  }
  void destroy_queue(uint32_t id) { queues_.erase(id); }

 private:
  const ReplayLimits& limits_;
  std::map<uint64_t, uint64_t> buffers_;  // recorded handle -> size
  uint64_t total_ = 0;
  std::set<uint32_t> queues_;
};

bool blob_fits(schema::BlobRef::Reader ref, const ReplayLimits& limits, std::string* error) {
  if (ref.getSize() <= limits.max_blob_bytes) return true;
  *error = limit_message(Limit::kBlobBytes, "a blob of bytes", ref.getSize(), limits);
  return false;
}

bool scan_call(schema::KmdCall::Reader in, LiveState& live, TraceScan* scan, std::string* error) {
  auto call = format::read_kmd_call(in, error);
  if (!call) return false;
  if (call->phase != format::KmdPhase::kReturned) return true;
  const bool ok = call->errnum == 0;
  return std::visit(
      [&](auto& c) -> bool {
        constexpr KmdOp op = std::decay_t<decltype(c)>::kOp;
        if constexpr (op == KmdOp::kMmap) {
          if (c.args.addr != 0) scan->fixed_ranges.push_back({c.args.addr, c.args.size});
        } else if constexpr (op == KmdOp::kAllocMemoryOfGpu) {
          if (c.args.flags & kmd::alloc_flags::kUserptr) {
            scan->fixed_ranges.push_back({c.args.mmap_offset, c.args.size});
          }
          if (ok && c.result && !live.alloc(c.result->handle, c.args.size, error)) return false;
        } else if constexpr (op == KmdOp::kFreeMemoryOfGpu) {
          if (ok) live.free(c.args.handle);
        } else if constexpr (op == KmdOp::kCreateQueue) {
          if (ok && c.result && !live.create_queue(c.result->queue_id, error)) return false;
        } else if constexpr (op == KmdOp::kDestroyQueue) {
          if (ok) live.destroy_queue(c.args.queue_id);
        } else if constexpr (op == KmdOp::kSetXnackMode) {
          if (c.args.xnack_enabled > 0) {
            *error = "the trace enables XNACK, which replay cannot reproduce";
            return false;
          }
        }
        return true;
      },
      call->call);
}

bool scan_record(const format::RecordView& view, const ReplayLimits& limits, LiveState& live,
                 TraceScan* scan, std::string* error) {
  if (view.bytes > limits.max_record_bytes) {
    *error = limit_message(Limit::kRecordBytes, "a record of bytes", view.bytes, limits);
    return false;
  }
  auto r = view.record;
  if (static_cast<size_t>(r.which()) >= format::kRecordKinds) {
    *error =
        "unknown record kind " + std::to_string(int(r.which())) + " (written by a newer amdrr?)";
    return false;
  }
  switch (r.which()) {
    case schema::Record::KMD_CALL:
      return scan_call(r.getKmdCall(), live, scan, error);
    case schema::Record::DOORBELL:
      ++scan->submissions;
      return blob_fits(r.getDoorbell().getPacketsBlob(), limits, error);
    case schema::Record::MEM_WRITE:
      return blob_fits(r.getMemWrite().getContent(), limits, error);
    case schema::Record::OBSERVED:
      return blob_fits(r.getObserved().getContent(), limits, error);
    default:
      return true;
  }
}

}  // namespace

bool scan_trace(format::TraceReader& reader, const ReplayLimits& limits, TraceScan* scan,
                std::string* error) {
  LiveState live(limits);
  while (auto view = reader.next()) {
    ++scan->records;
    scan->recorded_ns = view->record.getTimeNs();
    if (!scan_record(*view, limits, live, scan, error)) {
      *error = "record " + std::to_string(view->number) + ": " + *error;
      return false;
    }
  }
  if (reader.end() == format::TraceEnd::kCorrupt) {
    *error = "damaged trace: " + reader.end_message();
    return false;
  }
  return true;
}

}  // namespace amdrr::replay

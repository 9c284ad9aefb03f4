#include "inspect/timeline.h"

#include <cinttypes>
#include <cstdio>
#include <map>

#include "inspect/doorbell_packets.h"
#include "inspect/gpu_clock.h"
#include "inspect/trace_state.h"
#include "lib/pkt/aql_table.h"
#include "lib/pkt/decode.h"
#include "lib/pkt/pm4_table.h"
#include "lib/pkt/sdma_table.h"

namespace amdrr::inspect {
namespace {

struct Pending {
  size_t span;
  std::vector<uint64_t> timestamps;  // where its packets write the GPU clock
  std::vector<uint64_t> addresses;   // memory the submission writes when done
  bool interrupts = false;           // raises an interrupt (KFD event waits)
};

// Where a submission signals completion, read from its packets.
void completion_points(const std::vector<pkt::DecodedPacket>& packets, Pending* p) {
  using pkt::field_id;
  constexpr auto kRelLo = field_id(pkt::pm4::kReleaseMemGfx9, "ADDRESS_LO");
  constexpr auto kRelHi = field_id(pkt::pm4::kReleaseMemGfx9, "ADDRESS_HI");
  constexpr auto kIntSel = field_id(pkt::pm4::kReleaseMemGfx9, "INT_SEL");
  constexpr auto kWdLo = field_id(pkt::pm4::kWriteData, "DST_ADDR_LO");
  constexpr auto kWdHi = field_id(pkt::pm4::kWriteData, "DST_ADDR_HI");
  constexpr auto kFenceLo = field_id(pkt::sdma::kFenceV4, "ADDR_LO");
  constexpr auto kFenceHi = field_id(pkt::sdma::kFenceV4, "ADDR_HI");
  constexpr auto kSigLo = field_id(pkt::aql::kKernelDispatch, "COMPLETION_SIGNAL_LO");
  constexpr auto kSigHi = field_id(pkt::aql::kKernelDispatch, "COMPLETION_SIGNAL_HI");
  for (const pkt::DecodedPacket& d : packets) {
    switch (d.kind()) {
      case pkt::Kind::kPm4ReleaseMem:
        p->addresses.push_back(d.get64(kRelLo, kRelHi));
        p->interrupts = p->interrupts || d.get(kIntSel) != 0;
        break;
      case pkt::Kind::kPm4WriteData:
        p->addresses.push_back(d.get64(kWdLo, kWdHi));
        break;
      case pkt::Kind::kSdmaFence:
        p->addresses.push_back(d.get64(kFenceLo, kFenceHi));
        break;
      case pkt::Kind::kSdmaTrap:
        p->interrupts = true;
        break;
      case pkt::Kind::kAqlKernelDispatch:
      case pkt::Kind::kAqlBarrierAnd:
      case pkt::Kind::kAqlBarrierOr:
        if (uint64_t sig = d.get64(kSigLo, kSigHi); sig != 0) {
          p->addresses.push_back(sig);
          p->interrupts = true;  // the signal's event mailbox
        }
        break;
      default:
        break;
    }
  }
}

std::string packet_summary(const std::vector<pkt::DecodedPacket>& packets) {
  std::string s;
  std::string last;
  int repeat = 0;
  auto flush = [&] {
    if (last.empty()) return;
    if (!s.empty()) s += ", ";
    s += last;
    if (repeat > 1) s += " x" + std::to_string(repeat);
  };
  for (const pkt::DecodedPacket& d : packets) {
    if (d.kind() == pkt::Kind::kPm4Nop || d.kind() == pkt::Kind::kSdmaNop ||
        d.kind() == pkt::Kind::kPm4Type2Nop) {
      continue;
    }
    std::string name = d.desc ? std::string(d.desc->name) : "UNKNOWN";
    if (name == last) {
      ++repeat;
      continue;
    }
    flush();
    last = name;
    repeat = 1;
  }
  flush();
  return s;
}

class Builder {
 public:
  explicit Builder(format::TraceReader& reader) : reader_(reader), state_(reader.header()) {}

  Timeline run() {
    while (auto v = reader_.next()) {
      format::visit(*v, state_);
      const auto r = v->record;
      const uint64_t t = r.getTimeNs();
      t_.end_ns = std::max(t_.end_ns, t);
      switch (r.which()) {
        case schema::Record::DOORBELL:
          doorbell(*v, r.getDoorbell());
          break;
        case schema::Record::WAIT_RESULT:
          wait(*v, r.getWaitResult());
          break;
        case schema::Record::ANNOTATION:
          t_.instants.push_back(
              {track("labels", 0), r.getAnnotation().getLabel().cStr(), t, v->number});
          break;
        case schema::Record::GPU_ERROR:
          fault(*v, r.getGpuError());
          break;
        case schema::Record::OBSERVED:
          observed(*v, r.getObserved());
          break;
        case schema::Record::KMD_CALL:
          if (r.getKmdCall().isGetClockCounters() &&
              r.getKmdCall().getPhase() == schema::KmdCall::Phase::RETURNED &&
              r.getKmdCall().getErrnum() == 0) {
            clock_.add_pairing(r.getKmdCall().getGetClockCounters().getGpuClockCounter(), t);
          }
          if (r.getKmdCall().isDestroyQueue() &&
              r.getKmdCall().getPhase() == schema::KmdCall::Phase::ISSUED) {
            const uint32_t id = r.getKmdCall().getDestroyQueue().getQueueId();
            for (const auto& [key, list] : pending_) {
              if ((key & 0xFFFFFFFF) == id && !destroyed_.count(key)) destroyed_[key] = t;
            }
          }
          break;
        default:
          break;
      }
    }
    // Never seen complete: done no later than the last wait after them (the
    // program waited for everything there), else the queue's destruction.
    for (auto& [queue, list] : pending_) {
      for (const Pending& p : list) {
        const TimelineSpan& s = t_.spans[p.span];
        if (last_wait_record_ > s.record) {
          close(p.span, last_wait_end_,
                "no later than the last wait (#" + std::to_string(last_wait_record_) + ")");
        } else if (auto d = destroyed_.find(queue); d != destroyed_.end()) {
          close(p.span, d->second, "queue destroyed");
        } else {
          close(p.span, t_.end_ns, "end of trace (never seen complete)");
        }
      }
    }
    gpu_times();
    return std::move(t_);
  }

 private:
  void observed(const format::RecordView& v, schema::ObservedMemory::Reader o) {
    if (!o.getIsTimestamp() || !o.hasContent() || o.getContent().getSize() == 0 ||
        o.getContent().getSize() > (1u << 20)) {
      return;
    }
    std::vector<uint8_t> bytes;
    std::string error;
    if (reader_.read_blob(blob_id(o.getContent()), &bytes, &error)) {
      clock_.add_observation(v.number, o.getVa(), std::move(bytes));
    }
  }

  // Submissions whose GPU timestamps the trace kept run on GPU time: from the
  // first to the last clock value their packets wrote.
  void gpu_times() {
    for (const auto& [span, addresses] : timestamped_) {
      std::optional<uint64_t> first, last;
      for (uint64_t a : addresses) {
        auto value = clock_.value_after(t_.spans[span].record, a);
        if (!value) continue;
        if (!first || *value < *first) first = value;
        if (!last || *value > *last) last = value;
      }
      if (!first || *first == *last) continue;
      auto start = clock_.to_trace_ns(*first), end = clock_.to_trace_ns(*last);
      if (!start || !end) continue;
      TimelineSpan& s = t_.spans[span];
      s.start_ns = *start;
      s.end_ns = *end;
      s.end_reason = "GPU timestamps " + hex_text(*first) + ".." + hex_text(*last);
    }
  }

  size_t track(const std::string& name, uint32_t gpu_id) {
    auto [it, added] = tracks_.emplace(name, t_.tracks.size());
    if (added) t_.tracks.push_back({name, gpu_id});
    return it->second;
  }

  size_t queue_track(uint32_t gpu_id, uint32_t queue_id) {
    const QueueInfo* q = state_.queue(gpu_id, queue_id);
    return track(q ? "gpu " + hex_text(q->gpu_id) + " q" + std::to_string(q->id) + " " + q->type
                   : "gpu " + hex_text(gpu_id) + " q" + std::to_string(queue_id),
                 gpu_id);
  }

  void close(size_t span, uint64_t end, std::string reason) {
    TimelineSpan& s = t_.spans[span];
    s.end_ns = std::max(end, s.start_ns);
    s.end_reason = std::move(reason);
  }

  void doorbell(const format::RecordView& v, schema::Doorbell::Reader d) {
    const uint64_t key = (uint64_t{d.getGpuId()} << 32) | d.getQueueId();
    std::vector<uint32_t> dwords;
    std::string error;
    std::vector<pkt::DecodedPacket> packets;
    const QueueInfo* q = state_.queue(d.getGpuId(), d.getQueueId());
    if (doorbell_dwords(reader_, d, &dwords, &error) && q && q->table) {
      packets = pkt::decode_all(*q->table, dwords);
    }
    TimelineSpan s;
    s.track = queue_track(d.getGpuId(), d.getQueueId());
    s.name = "submission " + std::to_string(submissions_++);
    if (!packets.empty()) s.name += ": " + packet_summary(packets);
    s.start_ns = v.record.getTimeNs();
    s.end_ns = s.start_ns;
    s.record = v.number;
    Pending p{t_.spans.size(), timestamp_addresses(packets), {}, false};
    completion_points(packets, &p);
    t_.spans.push_back(s);
    if (!p.timestamps.empty()) timestamped_.push_back({p.span, p.timestamps});
    pending_[key].push_back(std::move(p));
  }

  void wait(const format::RecordView& v, schema::WaitResult::Reader w) {
    const uint64_t end = v.record.getTimeNs();
    const uint64_t start = end > w.getDurationNs() ? end - w.getDurationNs() : 0;
    const bool events = w.getKind() == schema::WaitKind::KFD_EVENTS;
    std::string what = events ? "wait events" : "poll " + hex_text(w.getVa());
    if (w.getTimedOut()) what += " (timed out)";
    t_.spans.push_back({track("CPU waits", 0), what, start, end, v.number, "wait returned"});
    if (w.getTimedOut()) return;
    last_wait_end_ = end;
    last_wait_record_ = v.number;
    // Complete the submissions this wait watched; if none matches, the
    // oldest pending one of every queue that predates the wait.
    bool matched = false;
    const std::string reason = what + " (#" + std::to_string(v.number) + ")";
    for (auto& [queue, list] : pending_) {
      for (auto it = list.begin(); it != list.end();) {
        bool hit = events ? it->interrupts : false;
        for (uint64_t a : it->addresses) hit = hit || (w.getVa() >= a && w.getVa() < a + 16);
        if (hit) {
          // Earlier submissions of the same queue are complete too (in order).
          for (auto e = list.begin(); e != it + 1; ++e) close(e->span, end, reason);
          it = list.erase(list.begin(), it + 1);
          matched = true;
        } else {
          ++it;
        }
      }
    }
    if (matched) return;
    for (auto& [queue, list] : pending_) {
      if (list.empty()) continue;
      close(list.front().span, end, reason + ", not matched by address");
      list.erase(list.begin());
    }
  }

  void fault(const format::RecordView& v, schema::GpuError::Reader e) {
    const uint64_t t = v.record.getTimeNs();
    std::string name = std::string("fault: ") + e.getMessage().cStr();
    if (e.getVa() != 0) name += " va " + hex_text(e.getVa());
    t_.instants.push_back({track("faults", e.getGpuId()), name, t, v.number});
    const uint64_t key = (uint64_t{e.getGpuId()} << 32) | e.getQueueId();
    auto it = pending_.find(key);
    if (it == pending_.end()) return;
    for (const Pending& p : it->second) close(p.span, t, "stopped by " + name);
    it->second.clear();
  }

  format::TraceReader& reader_;
  TraceState state_;
  Timeline t_;
  std::map<std::string, size_t> tracks_;
  std::map<uint64_t, std::vector<Pending>> pending_;  // by gpu<<32 | queue
  uint64_t submissions_ = 0;
  uint64_t last_wait_end_ = 0, last_wait_record_ = 0;
  std::map<uint64_t, uint64_t> destroyed_;  // queue key -> time of its destroyQueue
  GpuClock clock_;
  std::vector<std::pair<size_t, std::vector<uint64_t>>> timestamped_;  // span, clock addresses
};

}  // namespace

Timeline build_timeline(format::TraceReader& reader) {
  return Builder(reader).run();
}

std::string json_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') out += c;
        break;
    }
  }
  return out;
}

}  // namespace amdrr::inspect

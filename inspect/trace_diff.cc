#include "inspect/trace_diff.h"

#include <capnp/dynamic.h>

#include <cinttypes>
#include <cstdio>
#include <deque>
#include <memory>
#include <ostream>
#include <set>

#include "inspect/doorbell_packets.h"
#include "inspect/record_text.h"
#include "inspect/trace_state.h"
#include "lib/pkt/decode.h"

namespace amdrr::inspect {
namespace {

// Fields that differ between any two runs of the same program.
const std::set<std::string, std::less<>> kVolatile = {"timeNs",
                                                      "createdUnixNs",
                                                      "host",
                                                      "environment",
                                                      "toolVersion",
                                                      "handle",
                                                      "gpuId",
                                                      "deviceIds",
                                                      "uniqueId",
                                                      "mmapOffset",
                                                      "mmapOffsetOut",
                                                      "doorbellOffset",
                                                      "eventPageOffset",
                                                      "eventPageOffsetOut",
                                                      "durationNs",
                                                      "drmFd",
                                                      "pciLocation",
                                                      "drmRenderMinor",
                                                      "lastEventAge",
                                                      "gpuClockCounter",
                                                      "cpuClockCounter",
                                                      "systemClockCounter",
                                                      "thread",
                                                      "kernelRelease",
                                                      "commandLine",
                                                      "storedBlobBytes",
                                                      "logicalBlobBytes",
                                                      "records",
                                                      "seq"};

class Differ {
 public:
  Differ(format::TraceReader& a, format::TraceReader& b, const DiffOptions& options)
      : a_(a), b_(b), options_(options), state_a_(a.header()), state_b_(b.header()) {}

  DiffResult run() {
    while (true) {
      fill(a_, queue_a_);
      fill(b_, queue_b_);
      if (queue_a_.empty() && queue_b_.empty()) break;
      if (queue_a_.empty() || queue_b_.empty()) {
        // The rest of the longer trace: one difference each.
        auto& rest = queue_a_.empty() ? queue_b_ : queue_a_;
        skip(rest, rest.size(), &rest == &queue_a_);
        continue;
      }
      if (signature(front(queue_a_)) != signature(front(queue_b_)) && realign()) continue;
      ++result_.records_a;
      ++result_.records_b;
      compare_records(view(queue_a_, state_a_), view(queue_b_, state_b_));
      queue_a_.pop_front();
      queue_b_.pop_front();
    }
    return std::move(result_);
  }

 private:
  // A record copied out of its reader, so both traces can be looked ahead in.
  struct Held {
    uint64_t number;
    std::unique_ptr<capnp::MallocMessageBuilder> message;
  };
  static constexpr size_t kWindow = 256;  // records looked ahead to realign

  // Tops `queue` up to the window with the reader's next non-blob records.
  void fill(format::TraceReader& r, std::deque<Held>& queue) {
    while (queue.size() < kWindow) {
      auto v = r.next();
      if (!v) return;
      if (v->record.which() == schema::Record::BLOB) continue;
      auto message = std::make_unique<capnp::MallocMessageBuilder>();
      message->setRoot(v->record);
      queue.push_back({v->number, std::move(message)});
    }
  }

  static schema::Record::Reader front(const std::deque<Held>& q) {
    return q.front().message->getRoot<schema::Record>().asReader();
  }

  // The front record as a view, with the trace's state advanced past it.
  format::RecordView view(std::deque<Held>& q, TraceState& state) {
    format::RecordView v;
    v.number = q.front().number;
    v.record = front(q);
    format::visit(v, state);
    return v;
  }

  // What must match for two records to be the same step of the program:
  // the kind, a Kmd call's variant and phase, a doorbell's queue.
  static std::string signature(schema::Record::Reader r) {
    std::string s = format::record_kind_name(r.which());
    if (r.isKmdCall()) {
      capnp::DynamicStruct::Reader call = r.getKmdCall();
      KJ_IF_MAYBE (active, call.which()) {
        s.append(".").append(active->getProto().getName().cStr());
      }
      s += r.getKmdCall().getPhase() == schema::KmdCall::Phase::ISSUED ? ".issued" : ".returned";
    } else if (r.isDoorbell()) {
      s += ".q" + std::to_string(r.getDoorbell().getQueueId());
    }
    return s;
  }

  // The heads differ in kind: finds the nearest pair of positions in the
  // windows where the two traces agree again and reports what lies before
  // as records only in one trace. False when nothing agrees in the window
  // (the heads are then compared as they are).
  bool realign() {
    const size_t na = queue_a_.size(), nb = queue_b_.size();
    for (size_t total = 1; total < na + nb; ++total) {
      for (size_t i = 0; i <= total; ++i) {
        const size_t j = total - i;
        if (i >= na || j >= nb) continue;
        if (signature(queue_a_[i].message->getRoot<schema::Record>().asReader()) ==
            signature(queue_b_[j].message->getRoot<schema::Record>().asReader())) {
          skip(queue_a_, i, true);
          skip(queue_b_, j, false);
          return true;
        }
      }
    }
    return false;
  }

  void skip(std::deque<Held>& q, size_t n, bool in_a) {
    TraceState& state = in_a ? state_a_ : state_b_;
    for (size_t k = 0; k < n; ++k) {
      format::RecordView v = view(q, state);
      add({in_a ? v.number : 0, in_a ? 0 : v.number, "extra records",
           in_a ? "record only in a" : "record only in b", in_a ? signature(v.record) : "(none)",
           in_a ? "(none)" : signature(v.record)});
      q.pop_front();
    }
  }

  void add(Difference d) {
    ++result_.total;
    ++result_.by_kind[d.kind];
    if (result_.listed.size() <= options_.max_listed) result_.listed.push_back(std::move(d));
  }

  void compare_records(const format::RecordView& va, const format::RecordView& vb) {
    auto ra = va.record, rb = vb.record;
    a_number_ = va.number;
    b_number_ = vb.number;
    if (ra.which() != rb.which()) {
      add({va.number, vb.number, "record kind", "record", format::record_kind_name(ra.which()),
           format::record_kind_name(rb.which())});
      return;
    }
    const std::string kind = format::record_kind_name(ra.which());
    if (ra.which() == schema::Record::DOORBELL) {
      compare_doorbells(ra.getDoorbell(), rb.getDoorbell());
    }
    compare(capnp::DynamicStruct::Reader(ra), capnp::DynamicStruct::Reader(rb), "", "", true);
  }

  void compare_doorbells(schema::Doorbell::Reader a, schema::Doorbell::Reader b) {
    std::vector<uint32_t> da, db;
    std::string error;
    if (!doorbell_dwords(a_, a, &da, &error) || !doorbell_dwords(b_, b, &db, &error)) {
      add({a_number_, b_number_, "doorbell.packets", "doorbell packets", "unreadable", error});
      return;
    }
    const QueueInfo* q = state_a_.queue(0, a.getQueueId());
    std::string queue = "doorbell q" + std::to_string(a.getQueueId());
    std::vector<pkt::DecodedPacket> packets;
    if (q != nullptr && q->table != nullptr) packets = pkt::decode_all(*q->table, da);
    size_t diffs = 0;
    for (size_t i = 0; i < std::max(da.size(), db.size()); ++i) {
      const bool in_a = i < da.size(), in_b = i < db.size();
      if (in_a && in_b && da[i] == db[i]) continue;
      if (++diffs > 8) continue;  // counted once per doorbell below
      std::string where = queue + " dword " + std::to_string(i);
      for (const pkt::DecodedPacket& p : packets) {
        if (i < p.offset || i >= p.offset + p.dwords.size()) continue;
        where = queue + " packet at +" + hex_text(p.offset * 4) + " " +
                (p.desc ? std::string(p.desc->name) : std::string("UNKNOWN")) + " dword " +
                std::to_string(i - p.offset);
        if (p.desc && in_a && in_b) {
          for (const pkt::Field& f : p.desc->fields) {
            if (f.dword == i - p.offset && f.extract(da[i]) != f.extract(db[i])) {
              where.append(" ").append(f.name);
            }
          }
        }
      }
      add({a_number_, b_number_, "doorbell.packets", where, in_a ? hex_text(da[i]) : "(none)",
           in_b ? hex_text(db[i]) : "(none)"});
    }
  }

  void compare_blobs(schema::BlobRef::Reader a, schema::BlobRef::Reader b, const std::string& kind,
                     const std::string& where, uint64_t va) {
    if (a.getHash().getLo() == b.getHash().getLo() && a.getHash().getHi() == b.getHash().getHi() &&
        a.getSize() == b.getSize()) {
      return;
    }
    std::vector<uint8_t> ba, bb;
    std::string error;
    if (!a_.read_blob(blob_id(a), &ba, &error) || !b_.read_blob(blob_id(b), &bb, &error)) {
      add({a_number_, b_number_, kind, where, "content unreadable", error});
      return;
    }
    size_t i = 0;
    while (i < ba.size() && i < bb.size() && ba[i] == bb[i]) ++i;
    std::string at = where + " byte +" + hex_text(i);
    if (va != 0)
      at += " (" + BufferMap::hex(va + i) + " = " + state_a_.buffers().describe(va + i) + ")";
    auto text = [&](const std::vector<uint8_t>& v) {
      if (i >= v.size()) return std::string("(ends, ") + std::to_string(v.size()) + " bytes)";
      std::string s;
      for (size_t k = i; k < v.size() && k < i + 8; ++k) {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%02x", v[k]);
        s += buf;
      }
      return s;
    };
    add({a_number_, b_number_, kind, at, text(ba), text(bb)});
  }

  void compare(capnp::DynamicStruct::Reader a, capnp::DynamicStruct::Reader b,
               const std::string& kind, const std::string& path, bool top) {
    if (a.getSchema() == capnp::Schema::from<schema::BlobRef>()) {
      uint64_t va = 0;
      if (path.rfind("memWrite", 0) == 0 && parent_va_) va = parent_va_;
      compare_blobs(a.as<schema::BlobRef>(), b.as<schema::BlobRef>(), kind, path, va);
      return;
    }
    if (a.getSchema() == capnp::Schema::from<schema::MemWrite>()) {
      parent_va_ = a.as<schema::MemWrite>().getVa();
    }
    auto join = [](const std::string& left, const std::string& right) {
      return left.empty() ? right : left + "." + right;
    };
    auto fields = [&](capnp::StructSchema::Field f) {
      std::string name = f.getProto().getName().cStr();
      if (!options_.strict && kVolatile.count(name)) return;
      if (top && name == "doorbell") {
        // Packets were compared dword by dword; the other fields generically.
        auto da = a.get(f).as<capnp::DynamicStruct>(), db = b.get(f).as<capnp::DynamicStruct>();
        for (auto g : da.getSchema().getFields()) {
          std::string n = g.getProto().getName().cStr();
          if (n == "packets" || n == "packetsBlob") continue;
          compare_value(da.get(g), db.get(g), join(join(kind, name), n), join(join(path, name), n));
        }
        return;
      }
      compare_value(a.get(f), b.get(f), join(kind, name), join(path, name));
    };
    for (auto f : a.getSchema().getNonUnionFields()) fields(f);
    auto wa = a.which(), wb = b.which();
    KJ_IF_MAYBE (fa, wa) {
      KJ_IF_MAYBE (fb, wb) {
        if (*fa != *fb) {
          add({a_number_, b_number_, kind + " variant", path, fa->getProto().getName().cStr(),
               fb->getProto().getName().cStr()});
          return;
        }
        fields(*fa);
      }
    }
  }

  void compare_value(capnp::DynamicValue::Reader a, capnp::DynamicValue::Reader b,
                     const std::string& kind, const std::string& path) {
    using T = capnp::DynamicValue;
    if (a.getType() != b.getType()) return;
    switch (a.getType()) {
      case T::STRUCT:
        return compare(a.as<capnp::DynamicStruct>(), b.as<capnp::DynamicStruct>(), kind, path,
                       false);
      case T::LIST: {
        auto la = a.as<capnp::DynamicList>(), lb = b.as<capnp::DynamicList>();
        if (la.size() != lb.size()) {
          add({a_number_, b_number_, kind, path + " length", std::to_string(la.size()),
               std::to_string(lb.size())});
        }
        for (unsigned i = 0; i < la.size() && i < lb.size(); ++i) {
          compare_value(la[i], lb[i], kind, path + "[" + std::to_string(i) + "]");
        }
        return;
      }
      default: {
        const std::string ta = scalar_text(a, path), tb = scalar_text(b, path);
        if (ta != tb) add({a_number_, b_number_, kind, path, ta, tb});
        return;
      }
    }
  }

  static std::string scalar_text(capnp::DynamicValue::Reader v, const std::string& path) {
    using T = capnp::DynamicValue;
    switch (v.getType()) {
      case T::BOOL:
        return v.as<bool>() ? "true" : "false";
      case T::INT:
        return std::to_string(v.as<int64_t>());
      case T::UINT: {
        const std::string field = path.substr(path.rfind('.') + 1);
        if (is_address_field(field)) return BufferMap::hex(v.as<uint64_t>());
        return is_hex_field(field) ? hex_text(v.as<uint64_t>()) : std::to_string(v.as<uint64_t>());
      }
      case T::FLOAT:
        return std::to_string(v.as<double>());
      case T::TEXT:
        return std::string("\"") + v.as<capnp::Text>().cStr() + "\"";
      case T::DATA: {
        auto d = v.as<capnp::Data>();
        return std::to_string(d.size()) + " bytes, hash " +
               std::to_string(std::hash<std::string_view>{}(
                   std::string_view(reinterpret_cast<const char*>(d.begin()), d.size())));
      }
      case T::ENUM: {
        auto e = v.as<capnp::DynamicEnum>();
        KJ_IF_MAYBE (en, e.getEnumerant()) {
          return en->getProto().getName().cStr();
        }
        return std::to_string(e.getRaw());
      }
      default:
        return "";
    }
  }

  format::TraceReader& a_;
  format::TraceReader& b_;
  const DiffOptions& options_;
  TraceState state_a_, state_b_;
  std::deque<Held> queue_a_, queue_b_;
  DiffResult result_;
  uint64_t a_number_ = 0, b_number_ = 0;
  uint64_t parent_va_ = 0;
};

}  // namespace

DiffResult diff_traces(format::TraceReader& a, format::TraceReader& b, const DiffOptions& options) {
  return Differ(a, b, options).run();
}

void print_diff(const DiffResult& r, std::ostream& out) {
  if (r.same()) {
    out << "same: " << r.records_a << " records compared, no difference"
        << " (times, handles, gpu ids, offsets and durations ignored; --strict compares them)\n";
    return;
  }
  const Difference& first = r.listed.front();
  out << "first difference: record #" << first.record_a << " in a, #" << first.record_b
      << " in b\n  " << first.where << "\n    a: " << first.a_text << "\n    b: " << first.b_text
      << "\n";
  if (r.listed.size() > 1) {
    out << "then:\n";
    for (size_t i = 1; i < r.listed.size(); ++i) {
      const Difference& d = r.listed[i];
      out << "  #" << d.record_a << "/#" << d.record_b << " " << d.where << ": " << d.a_text
          << " -> " << d.b_text << "\n";
    }
    if (r.total > r.listed.size()) out << "  ... " << r.total - r.listed.size() << " more\n";
  }
  out << "differences by kind (" << r.total << " in all):\n";
  for (const auto& [kind, n] : r.by_kind) out << "  " << kind << ": " << n << "\n";
}

}  // namespace amdrr::inspect

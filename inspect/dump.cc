#include "inspect/dump.h"

#include <cinttypes>
#include <cstdio>
#include <ostream>

#include "inspect/disasm.h"
#include "inspect/doorbell_packets.h"
#include "inspect/memory_image.h"
#include "inspect/record_json.h"
#include "inspect/record_text.h"
#include "inspect/trace_state.h"
#include "lib/pkt/decode.h"
#include "lib/pkt/describe.h"
#include "lib/pkt/pm4_table.h"

namespace amdrr::inspect {
namespace {

std::string time_text(uint64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%" PRIu64 ".%06" PRIu64 "ms", ns / 1000000, ns % 1000000);
  return buf;
}

// The queue a record belongs to, when it has one.
std::optional<uint32_t> record_queue(schema::Record::Reader r) {
  switch (r.which()) {
    case schema::Record::DOORBELL:
      return r.getDoorbell().getQueueId();
    case schema::Record::GPU_ERROR:
      return r.getGpuError().getQueueId();
    case schema::Record::KMD_CALL: {
      auto c = r.getKmdCall();
      switch (c.which()) {
        case schema::KmdCall::CREATE_QUEUE:
          return c.getCreateQueue().getQueueId();
        case schema::KmdCall::DESTROY_QUEUE:
          return c.getDestroyQueue().getQueueId();
        case schema::KmdCall::UPDATE_QUEUE:
          return c.getUpdateQueue().getQueueId();
        case schema::KmdCall::WRITE_DOORBELL:
          return c.getWriteDoorbell().getQueueId();
        default:
          return std::nullopt;
      }
    }
    default:
      return std::nullopt;
  }
}

class Dumper {
 public:
  Dumper(format::TraceReader& reader, const DumpOptions& options, std::ostream& out)
      : reader_(reader), options_(options), out_(out), state_(reader.header()) {}

  DumpSummary run() {
    DumpSummary summary;
    while (auto view = reader_.next()) {
      ++summary.records;
      const auto r = view->record;
      if (r.which() == schema::Record::ANNOTATION && !options_.label.empty()) {
        in_label_ = r.getAnnotation().getLabel() == options_.label.c_str();
      }
      if (r.which() == schema::Record::DOORBELL) ++submission_;
      const bool show = selected(r);
      // State first for calls (an alloc names itself), after for the rest.
      format::visit(*view, state_);
      if (r.which() == schema::Record::CODE_OBJECT) keep_code_object(r.getCodeObject());
      if (r.which() == schema::Record::MEM_WRITE) remember(r.getMemWrite());
      if (r.which() == schema::Record::DOORBELL) {
        doorbell(*view, r.getDoorbell(), show);
      } else if (show) {
        print(*view);
      }
      if (show) ++summary.printed;
    }
    if (reader_.end() != format::TraceEnd::kClean && !options_.json) {
      out_ << "# trace " << format::trace_end_name(reader_.end()) << ": " << reader_.end_message()
           << "\n";
    }
    bool code_wanted = options_.kinds.empty();
    for (const std::string& k : options_.kinds) code_wanted = code_wanted || k == "codeObject";
    if (!options_.json && options_.disassemble && code_wanted) list_code();
    return summary;
  }

 private:
  bool selected(schema::Record::Reader r) const {
    if (!options_.kinds.empty()) {
      const std::string kind = format::record_kind_name(r.which());
      bool any = false;
      for (const std::string& k : options_.kinds) any = any || k == kind;
      if (!any) return false;
    }
    if (options_.queue) {
      auto q = record_queue(r);
      if (!q || *q != *options_.queue) return false;
    }
    if (options_.first_submission &&
        (submission_ < 0 || uint64_t(submission_) < *options_.first_submission)) {
      return false;
    }
    if (options_.last_submission && submission_ >= 0 &&
        uint64_t(submission_) > *options_.last_submission) {
      return false;
    }
    if (!options_.label.empty() && !in_label_) return false;
    return true;
  }

  void prefix(const format::RecordView& view) {
    out_ << "#" << view.number << " +" << time_text(view.record.getTimeNs()) << " "
         << format::record_kind_name(view.record.which());
  }

  void print(const format::RecordView& view) {
    const auto r = view.record;
    if (options_.json) {
      out_ << json_.encode(r) << "\n";
      return;
    }
    prefix(view);
    switch (r.which()) {
      case schema::Record::KMD_CALL: {
        auto c = r.getKmdCall();
        capnp::DynamicStruct::Reader dyn = c;
        out_ << " #" << c.getSeq()
             << (c.getPhase() == schema::KmdCall::Phase::ISSUED ? " issued " : " returned ");
        KJ_IF_MAYBE (active, dyn.which()) {
          out_ << active->getProto().getName().cStr()
               << struct_text(dyn.get(*active).as<capnp::DynamicStruct>(), &state_.buffers(), true);
        }
        if (c.getPhase() == schema::KmdCall::Phase::RETURNED && c.getErrnum() != 0) {
          out_ << " FAILED errno=" << c.getErrnum();
        }
        break;
      }
      case schema::Record::MEM_WRITE: {
        auto w = r.getMemWrite();
        out_ << " " << BufferMap::hex(w.getVa()) << " = " << state_.buffers().describe(w.getVa())
             << ", " << w.getContent().getSize() << " bytes from "
             << (w.getSource() == schema::WriteSource::DRIVER          ? "driver"
                 : w.getSource() == schema::WriteSource::TRAPPED_STORE ? "trapped store"
                                                                       : "syscall");
        break;
      }
      case schema::Record::BLOB: {
        auto b = r.getBlob();
        char hash[48];
        std::snprintf(hash, sizeof hash, "%016" PRIx64 "%016" PRIx64, b.getHash().getHi(),
                      b.getHash().getLo());
        out_ << " " << hash << " " << b.getSize() << " bytes"
             << (b.isChunks() ? ", " + std::to_string(b.getChunks().size()) + " chunks" : "");
        break;
      }
      case schema::Record::HEADER:
        out_ << " " << struct_text(capnp::DynamicStruct::Reader(r.getHeader()), nullptr);
        break;
      default: {
        capnp::DynamicStruct::Reader dyn = r;
        KJ_IF_MAYBE (active, dyn.which()) {
          out_ << " "
               << struct_text(dyn.get(*active).as<capnp::DynamicStruct>(), &state_.buffers(), true);
        }
        break;
      }
    }
    out_ << "\n";
  }

  void doorbell(const format::RecordView& view, schema::Doorbell::Reader d, bool show) {
    const QueueInfo* q = state_.queue(d.getGpuId(), d.getQueueId());
    std::vector<uint32_t> dwords;
    std::string error;
    const bool have = doorbell_dwords(reader_, d, &dwords, &error);
    std::vector<pkt::DecodedPacket> packets;
    if (have && q != nullptr && q->table != nullptr) {
      packets = pkt::decode_all(*q->table, dwords);
      state_.name_from_packets(packets);
      dispatches_.add_packets(view.number, d.getQueueId(), packets, *q->table);
    }
    if (!show || options_.json) {
      // Dispatches inside IBs still count for the code listing.
      if (q != nullptr && q->table != nullptr) {
        walk_packets(packets, *q->table, q->gpu_id, view.number, d.getQueueId(), "", 0, false);
      }
      if (show) print(view);
      return;
    }
    prefix(view);
    out_ << " " << (q ? q->label() : "q" + std::to_string(d.getQueueId()) + " (no createQueue)")
         << " value=" << d.getValue() << " wptr=" << d.getWritePointer()
         << " rptr=" << d.getReadPointer() << " ring+0x" << std::hex << d.getRingOffset()
         << std::dec << ", " << dwords.size() << " dwords";
    if (!have) out_ << " (packets unreadable: " << error << ")";
    out_ << "\n";
    if (q == nullptr || q->table == nullptr) {
      for (size_t i = 0; i < dwords.size(); ++i) {
        char buf[16];
        std::snprintf(buf, sizeof buf, " %08x", dwords[i]);
        out_ << (i % 8 == 0 ? "    raw" : "") << buf << (i % 8 == 7 ? "\n" : "");
      }
      if (dwords.size() % 8 != 0) out_ << "\n";
      return;
    }
    walk_packets(packets, *q->table, q->gpu_id, view.number, d.getQueueId(), "    ", 0, true);
  }

  // Prints packets, and under each indirect buffer the packets it points at
  // when the trace recorded them (depth-limited: chained IBs may loop).
  void walk_packets(const std::vector<pkt::DecodedPacket>& packets, const pkt::PacketTable& table,
                    uint32_t gpu_id, uint64_t record, uint32_t queue_id, const std::string& indent,
                    int depth, bool print) {
    auto name = [this](uint64_t va) { return state_.buffers().describe(va); };
    for (const pkt::DecodedPacket& p : packets) {
      char at[24];
      std::snprintf(at, sizeof at, "[+0x%zx] ", p.offset * 4);
      if (print) out_ << indent << at << pkt::describe(p, table, name) << "\n";
      if (depth >= kMaxIbDepth) continue;
      std::vector<pkt::DecodedPacket> jump;
      const pkt::DecodedPacket* ib = nullptr;
      if (p.kind() == pkt::Kind::kPm4IndirectBuffer) {
        ib = &p;
      } else if (p.kind() == pkt::Kind::kAqlVendorPm4Ib && p.ok()) {
        // IB_JUMP_CMD0..3 are an INDIRECT_BUFFER packet.
        jump = pkt::decode_all(state_.pm4_table(gpu_id), p.dwords.subspan(1, 4));
        if (!jump.empty() && jump[0].kind() == pkt::Kind::kPm4IndirectBuffer) ib = &jump[0];
      }
      if (ib == nullptr) continue;
      constexpr auto kLo = pkt::field_id(pkt::pm4::kIndirectBuffer, "IB_BASE_LO");
      constexpr auto kHi = pkt::field_id(pkt::pm4::kIndirectBuffer, "IB_BASE_HI");
      constexpr auto kSize = pkt::field_id(pkt::pm4::kIndirectBuffer, "IB_SIZE");
      const uint64_t base = ib->get64(kLo, kHi) & ~uint64_t{3};
      auto dwords = memory_.read_dwords(base, ib->get(kSize));
      if (!dwords) {
        if (print)
          out_ << indent << "  (IB contents not in the trace: no CPU write recorded there)\n";
        continue;
      }
      const pkt::PacketTable& pm4 = state_.pm4_table(gpu_id);
      auto nested = pkt::decode_all(pm4, *dwords);
      if (print) state_.name_from_packets(nested);
      dispatches_.add_packets(record, queue_id, nested, pm4);
      walk_packets(nested, pm4, gpu_id, record, queue_id, indent + "  IB> ", depth + 1, print);
    }
  }

  void remember(schema::MemWrite::Reader w) {
    if (w.getContent().getSize() > MemoryImage::kMaxWriteBytes) return;
    std::vector<uint8_t> bytes;
    std::string error;
    if (reader_.read_blob(blob_id(w.getContent()), &bytes, &error)) memory_.write(w.getVa(), bytes);
  }

  void keep_code_object(schema::CodeObject::Reader c) {
    CodeEntry e{c.getLoadVa(), c.getName().cStr(), {}, {}};
    if (!reader_.read_blob(blob_id(c.getElf()), &e.elf, &e.error)) e.elf.clear();
    code_.push_back(std::move(e));
  }

  void list_code() {
    if (code_.empty()) return;
    const auto objdump = find_llvm_objdump();
    out_ << "\n";
    for (const CodeEntry& c : code_) {
      if (!c.error.empty()) {
        out_ << "code object \"" << c.name << "\": ELF unreadable: " << c.error << "\n";
        continue;
      }
      print_listing(list_code_object(c.elf, c.load_va, c.name, dispatches_, objdump), out_);
    }
  }

  struct CodeEntry {
    uint64_t load_va;
    std::string name;
    std::vector<uint8_t> elf;
    std::string error;
  };

  format::TraceReader& reader_;
  const DumpOptions& options_;
  std::ostream& out_;
  TraceState state_;
  DispatchLog dispatches_;
  std::vector<CodeEntry> code_;
  RecordJson json_;
  MemoryImage memory_;
  static constexpr int kMaxIbDepth = 2;
  int64_t submission_ = -1;
  bool in_label_ = false;
};

}  // namespace

bool is_record_kind(const std::string& kind) {
  for (size_t k = 0; k < format::kRecordKinds; ++k) {
    if (kind == format::record_kind_name(static_cast<schema::Record::Which>(k))) return true;
  }
  return false;
}

DumpSummary dump_trace(format::TraceReader& reader, const DumpOptions& options, std::ostream& out) {
  return Dumper(reader, options, out).run();
}

}  // namespace amdrr::inspect

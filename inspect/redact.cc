#include "inspect/redact.h"

#include <capnp/dynamic.h>

#include <cstring>
#include <ostream>

#include "format/record_visitor.h"
#include "format/trace_reader.h"
#include "format/trace_writer.h"
#include "inspect/doorbell_packets.h"
#include "inspect/trace_state.h"
#include "lib/code/code_object.h"
#include "lib/pkt/aql_table.h"
#include "lib/pkt/decode.h"
#include "lib/pkt/pm4_regs.h"
#include "lib/pkt/pm4_table.h"
#include "lib/pkt/tables.h"

namespace amdrr::inspect {
namespace {

constexpr char kPattern[] = "amdrr-redacted--";  // 16 bytes, repeated

struct Range {
  uint64_t va, size;
};

// True when [va, va + size) overlaps one of `ranges`.
bool overlaps(const std::vector<Range>& ranges, uint64_t va, uint64_t size) {
  for (const Range& r : ranges) {
    if (va < r.va + r.size && r.va < va + size) return true;
  }
  return false;
}

// Memory that is GPU work rather than data, found by a first pass (its
// memWrites come before the records that show what it is): code object
// images, indirect buffers (PM4 INDIRECT_BUFFER, AQL PM4_IB) and kernel
// argument segments (AQL KERNARG_ADDRESS, PM4 COMPUTE_USER_DATA_0/1).
void add_work_ranges(const std::vector<pkt::DecodedPacket>& packets, std::vector<Range>* out) {
  using pkt::field_id;
  constexpr auto kIbLo = field_id(pkt::pm4::kIndirectBuffer, "IB_BASE_LO");
  constexpr auto kIbHi = field_id(pkt::pm4::kIndirectBuffer, "IB_BASE_HI");
  constexpr auto kIbSize = field_id(pkt::pm4::kIndirectBuffer, "IB_SIZE");
  constexpr auto kKernarg = field_id(pkt::aql::kKernelDispatch, "KERNARG_ADDRESS_LO");
  constexpr auto kKernargHi = field_id(pkt::aql::kKernelDispatch, "KERNARG_ADDRESS_HI");
  constexpr auto kShOffset = field_id(pkt::pm4::kSetShReg, "REG_OFFSET");
  const uint32_t user_data =
      pkt::pm4::reg_addr(pkt::pm4::kComputeCommonRegs, "COMPUTE_USER_DATA_0");
  for (const pkt::DecodedPacket& p : packets) {
    switch (p.kind()) {
      case pkt::Kind::kPm4IndirectBuffer:
        out->push_back({p.get64(kIbLo, kIbHi), uint64_t{p.get(kIbSize)} * 4});
        break;
      case pkt::Kind::kAqlVendorPm4Ib: {
        // The IB_JUMP_CMD dwords are an INDIRECT_BUFFER packet.
        auto nested =
            pkt::decode_all(pkt::pm4_table(pkt::Pm4Family::kGfx9), p.dwords.subspan(1, 4));
        add_work_ranges(nested, out);
        break;
      }
      case pkt::Kind::kAqlKernelDispatch:
        out->push_back({p.get64(kKernarg, kKernargHi), 1});
        break;
      case pkt::Kind::kPm4SetShReg: {
        auto data = p.payload();
        const uint32_t first = pkt::pm4::kShRegBase + p.get(kShOffset);
        if (first == user_data && data.size() >= 2) {
          out->push_back({(uint64_t{data[1]} << 32) | data[0], 1});
        }
        break;
      }
      default:
        break;
    }
  }
}

std::vector<Range> work_ranges(const std::string& path, bool code_too) {
  std::vector<Range> out;
  std::string error;
  auto reader = format::TraceReader::open(path, &error);
  if (!reader) return out;
  TraceState state(reader->header());
  while (auto v = reader->next()) {
    format::visit(*v, state);
    if (v->record.which() == schema::Record::DOORBELL) {
      auto d = v->record.getDoorbell();
      const QueueInfo* q = state.queue(d.getGpuId(), d.getQueueId());
      std::vector<uint32_t> dwords;
      if (q && q->table && doorbell_dwords(*reader, d, &dwords, &error)) {
        add_work_ranges(pkt::decode_all(*q->table, dwords), &out);
      }
    }
    if (!code_too || v->record.which() != schema::Record::CODE_OBJECT) continue;
    auto c = v->record.getCodeObject();
    const uint64_t va = c.getLoadVa();
    std::vector<uint8_t> elf;
    if (!reader->read_blob(blob_id(c.getElf()), &elf, &error)) continue;
    code::CodeObjectResult parsed = code::parse_code_object(elf);
    out.push_back({va, parsed.object ? parsed.object->image.size() : elf.size()});
  }
  return out;
}

bool is_queue_memory(const BufferMap& buffers, uint64_t va) {
  AddressInfo a = buffers.find(va);
  if (a.state != AddressState::kLive) return false;
  const std::string& n = a.buffer->name;
  for (const char* prefix : {"ring ", "wptr/rptr ", "eop ", "ctx-save "}) {
    if (n.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// Copies every field of a struct but those named in `skip`.
void copy_except(capnp::DynamicStruct::Reader from, capnp::DynamicStruct::Builder to,
                 std::initializer_list<std::string_view> skip) {
  for (auto f : from.getSchema().getFields()) {
    std::string_view name = f.getProto().getName().cStr();
    bool skipped = false;
    for (std::string_view s : skip) skipped = skipped || s == name;
    if (!skipped && from.has(f)) to.set(f, from.get(f));
  }
}

}  // namespace

void redaction_pattern(uint64_t va, uint8_t* bytes, size_t size) {
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(kPattern[(va + i) % 16]);
}

RedactSummary redact_trace(const std::string& in, const std::string& out,
                           const RedactOptions& options) {
  RedactSummary s;
  std::string error;
  auto reader = format::TraceReader::open(in, &error);
  if (!reader) {
    s.error = error;
    return s;
  }
  const std::vector<Range> work = work_ranges(in, options.keep_code);
  auto writer = format::TraceWriter::create(
      out,
      [&](schema::Header::Builder h) {
        copy_except(capnp::DynamicStruct::Reader(reader->header()),
                    capnp::DynamicStruct::Builder(h),
                    {"formatMajor", "formatMinor", "toolVersion", "createdUnixNs", "commandLine",
                     "environment", "host"});
      },
      &error);
  if (!writer) {
    s.error = error;
    return s;
  }
  TraceState state(reader->header());
  std::vector<uint8_t> bytes;
  while (auto v = reader->next()) {
    ++s.records_in;
    format::visit(*v, state);
    const auto r = v->record;
    auto stamp = [&](schema::Record::Builder b) {
      b.setTimeNs(r.getTimeNs());
      b.setThread(r.getThread());
    };
    switch (r.which()) {
      case schema::Record::HEADER:
      case schema::Record::END:
      case schema::Record::BLOB:
        continue;  // written by the writer itself, content re-put below
      case schema::Record::OBSERVED:
        ++s.observations_dropped;
        continue;
      case schema::Record::ANNOTATION: {
        bool keep = false;
        for (const std::string& l : options.keep_labels) {
          keep = keep || r.getAnnotation().getLabel() == l.c_str();
        }
        if (!keep) {
          ++s.annotations_dropped;
          continue;
        }
        ++s.annotations_kept;
        writer->write([&](schema::Record::Builder b) {
          stamp(b);
          b.setAnnotation(r.getAnnotation());
        });
        break;
      }
      case schema::Record::MEM_WRITE: {
        auto w = r.getMemWrite();
        if (!reader->read_blob(blob_id(w.getContent()), &bytes, &error)) {
          s.error = "memWrite content of record #" + std::to_string(v->number) + ": " + error;
          return s;
        }
        const uint64_t va = w.getVa();
        if (is_queue_memory(state.buffers(), va) || overlaps(work, va, bytes.size())) {
          ++s.writes_kept;
          s.bytes_kept += bytes.size();
        } else {
          ++s.writes_redacted;
          s.bytes_redacted += bytes.size();
          std::vector<uint8_t> red(bytes.size());
          redaction_pattern(va, red.data(), red.size());
          // Keep aligned 8-byte words that are addresses of recorded buffers.
          for (size_t i = (8 - va % 8) % 8; i + 8 <= bytes.size(); i += 8) {
            uint64_t word;
            std::memcpy(&word, bytes.data() + i, 8);
            if (word >= 0x10000 && state.buffers().find(word).state == AddressState::kLive) {
              std::memcpy(red.data() + i, &word, 8);
              ++s.pointers_kept;
            }
          }
          bytes.swap(red);
        }
        const format::BlobId id = writer->put_blob(bytes);
        writer->write([&](schema::Record::Builder b) {
          stamp(b);
          auto nw = b.initMemWrite();
          nw.setVa(va);
          nw.setSource(w.getSource());
          format::TraceWriter::set_blob_ref(nw.initContent(), id);
        });
        break;
      }
      case schema::Record::CODE_OBJECT: {
        if (!options.keep_code) continue;
        auto c = r.getCodeObject();
        if (!reader->read_blob(blob_id(c.getElf()), &bytes, &error)) {
          s.error = "code object of record #" + std::to_string(v->number) + ": " + error;
          return s;
        }
        ++s.code_objects;
        const format::BlobId id = writer->put_blob(bytes);
        writer->write([&](schema::Record::Builder b) {
          stamp(b);
          b.setCodeObject(c);
          format::TraceWriter::set_blob_ref(b.getCodeObject().initElf(), id);
        });
        break;
      }
      case schema::Record::DOORBELL: {
        auto d = r.getDoorbell();
        std::vector<uint32_t> dwords;
        if (!doorbell_dwords(*reader, d, &dwords, &error)) {
          s.error = "doorbell packets of record #" + std::to_string(v->number) + ": " + error;
          return s;
        }
        const bool blob = d.hasPacketsBlob() && d.getPacketsBlob().getSize() > 0;
        format::BlobId id;
        if (blob) {
          id = writer->put_blob(
              {reinterpret_cast<const uint8_t*>(dwords.data()), dwords.size() * 4});
        }
        writer->write([&](schema::Record::Builder b) {
          stamp(b);
          b.setDoorbell(d);
          if (blob) format::TraceWriter::set_blob_ref(b.getDoorbell().initPacketsBlob(), id);
        });
        break;
      }
      default:
        // Kmd calls, waits and GPU errors hold no program data.
        writer->write([&](schema::Record::Builder b) {
          stamp(b);
          capnp::DynamicStruct::Builder db = b;
          capnp::DynamicStruct::Reader dr = r;
          KJ_IF_MAYBE (active, dr.which()) {
            db.set(*active, dr.get(*active));
          }
        });
        break;
    }
    ++s.records_out;
  }
  s.source_damaged = reader->end() != format::TraceEnd::kClean;
  if (!writer->close()) s.error = writer->error();
  return s;
}

void print_redact_summary(const RedactSummary& s, std::ostream& out) {
  out << "redacted: " << s.records_in << " records in, " << s.records_out << " out\n"
      << "  replaced " << s.writes_redacted << " memory writes (" << s.bytes_redacted
      << " bytes) by a pattern of the same size, keeping " << s.pointers_kept
      << " 8-byte addresses of recorded buffers\n"
      << "  kept " << s.writes_kept << " writes (" << s.bytes_kept
      << " bytes) of GPU work: queue memory, indirect buffers, kernel arguments, code images; "
      << s.code_objects << " code objects\n"
      << "  dropped the command line, environment and host name, " << s.observations_dropped
      << " observations, " << s.annotations_dropped << " annotations (kept " << s.annotations_kept
      << ")\n"
      << "still shows: every Kmd call, buffer and queue; every packet, decoded; waits; GPU "
         "faults and hangs, and the addresses involved; kernels (disassembly) and which "
         "dispatches ran them; the timeline\n"
      << "cannot show: the program's data, so whether results diverge (observations are "
         "gone, and kernels now compute on the pattern: a fault or hang that depends on data "
         "values may not reproduce); what the program was called or with which environment\n";
  if (s.source_damaged) out << "note: the source trace was damaged; the copy stops there\n";
}

}  // namespace amdrr::inspect

#include "replay/trace_submissions.h"

#include <algorithm>
#include <cstring>

#include "format/kmd_records.h"
#include "lib/gpu/gpu_target.h"
#include "lib/pkt/aql_build.h"
#include "lib/pkt/decode.h"
#include "lib/pkt/describe.h"
#include "lib/pkt/pm4_build.h"
#include "lib/pkt/sdma_build.h"
#include "lib/pkt/tables.h"

namespace amdrr::replay {

namespace {

// Longest NOP emitted at once: both PM4 and SDMA NOPs carry a 14-bit count.
constexpr size_t kMaxNopDwords = 0x3000;

QueueKind kind_of(kmd::QueueType type) {
  switch (type) {
    case kmd::QueueType::kCompute:
      return QueueKind::kPm4;
    case kmd::QueueType::kComputeAql:
      return QueueKind::kAql;
    default:
      return QueueKind::kSdma;
  }
}

// The packet families of the recorded GPU `gpu_id`, from the header.
std::optional<gpu::GpuTarget> target_of(schema::Header::Reader header, uint32_t gpu_id) {
  for (auto g : header.getGpus()) {
    if (g.getGpuId() != gpu_id) continue;
    gpu::Node node;
    node.gpu_id = gpu_id;
    node.properties.set("gfx_target_version", uint64_t{g.getGfxTargetVersion()});
    auto target = gpu::resolve_target(node);
    if (target.ok()) return target.value();
  }
  return std::nullopt;
}

const pkt::PacketTable& table_of(QueueKind kind, const gpu::GpuTarget& target) {
  switch (kind) {
    case QueueKind::kPm4:
      return pkt::pm4_table(target.pm4_family);
    case QueueKind::kSdma:
      return pkt::sdma_table(target.sdma_version);
    case QueueKind::kAql:
      return pkt::aql_table(target.aql_family);
  }
  return pkt::pm4_table(target.pm4_family);
}

}  // namespace

const char* queue_kind_name(QueueKind kind) {
  switch (kind) {
    case QueueKind::kPm4:
      return "PM4";
    case QueueKind::kSdma:
      return "SDMA";
    case QueueKind::kAql:
      return "AQL";
  }
  return "?";
}

bool index_submissions(format::TraceReader& reader, TraceSubmissions* out, std::string* error) {
  *out = {};
  std::map<uint32_t, size_t> live;  // recorded queue id -> its latest creation
  if (!reader.seek(0)) {
    *error = "cannot read the header: " + reader.end_message();
    return false;
  }
  while (auto view = reader.next()) {
    out->records = view->number + 1;
    auto r = view->record;
    if (r.which() == schema::Record::KMD_CALL) {
      auto call = format::read_kmd_call(r.getKmdCall(), error);
      if (!call) {
        *error = "record " + std::to_string(view->number) + ": " + *error;
        return false;
      }
      auto* create = std::get_if<format::KmdCallOf<format::KmdOp::kCreateQueue>>(&call->call);
      if (!create || call->phase != format::KmdPhase::kReturned || call->errnum != 0 ||
          !create->result) {
        continue;
      }
      TraceQueue q;
      q.id = create->result->queue_id;
      q.args = create->args;
      q.kind = kind_of(q.args.queue_type);
      auto target = target_of(reader.header(), q.args.gpu_id);
      if (!target) {
        *error = "queue " + std::to_string(q.id) + " is on a GPU the header does not describe";
        return false;
      }
      q.table = &table_of(q.kind, *target);
      live[q.id] = out->queues.size();
      out->queues.push_back(q);
    } else if (r.which() == schema::Record::DOORBELL) {
      auto d = r.getDoorbell();
      auto queue = live.find(d.getQueueId());
      if (queue == live.end()) {
        *error = "record " + std::to_string(view->number) + ": doorbell of unknown queue " +
                 std::to_string(d.getQueueId());
        return false;
      }
      Submission s;
      s.record = view->number;
      s.queue_id = d.getQueueId();
      s.queue = queue->second;
      s.ring_offset = d.getRingOffset();
      s.write_pointer = d.getWritePointer();
      s.bytes = d.getPacketsBlob().getSize() > 0 ? d.getPacketsBlob().getSize()
                                                 : uint64_t{d.getPackets().size()} * 4;
      out->submissions.push_back(s);
    }
  }
  if (reader.end() == format::TraceEnd::kCorrupt) {
    *error = "damaged trace: " + reader.end_message();
    return false;
  }
  return true;
}

bool doorbell_packets(format::TraceReader& reader, schema::Doorbell::Reader d,
                      std::vector<uint32_t>* out, std::string* error) {
  out->clear();
  if (d.getPacketsBlob().getSize() > 0) {
    format::BlobId id;
    id.hash = {d.getPacketsBlob().getHash().getLo(), d.getPacketsBlob().getHash().getHi()};
    id.size = d.getPacketsBlob().getSize();
    std::vector<uint8_t> bytes;
    if (!reader.read_blob(id, &bytes, error)) return false;
    if (bytes.size() % 4 != 0) {
      *error = "doorbell packets of " + std::to_string(bytes.size()) + " bytes, not whole dwords";
      return false;
    }
    out->resize(bytes.size() / 4);
    std::memcpy(out->data(), bytes.data(), bytes.size());
    return true;
  }
  for (uint32_t dword : d.getPackets()) out->push_back(dword);
  return true;
}

bool submission_packets(format::TraceReader& reader, const Submission& submission,
                        std::vector<uint32_t>* out, std::string* error) {
  auto view = reader.seek(submission.record);
  if (!view || view->record.which() != schema::Record::DOORBELL) {
    *error = "record " + std::to_string(submission.record) + " is not a doorbell";
    return false;
  }
  return doorbell_packets(reader, view->record.getDoorbell(), out, error);
}

std::vector<std::pair<size_t, size_t>> split_packets(const TraceQueue& queue,
                                                     std::span<const uint32_t> dwords) {
  std::vector<std::pair<size_t, size_t>> spans;
  size_t offset = 0;
  while (offset < dwords.size()) {
    size_t length = 16;  // AQL packets are 64 bytes whatever they hold
    if (queue.kind != QueueKind::kAql) {
      length = pkt::decode_one(*queue.table, dwords, offset).next_offset() - offset;
    }
    length = std::min(length, dwords.size() - offset);
    spans.emplace_back(offset, length);
    offset += length;
  }
  return spans;
}

std::string describe_packets(const TraceQueue& queue, std::span<const uint32_t> dwords,
                             const std::string& indent) {
  std::string text;
  for (auto [offset, length] : split_packets(queue, dwords)) {
    auto packet = pkt::decode_one(*queue.table, dwords.subspan(offset, length), 0);
    text.append(indent).append(pkt::describe(packet, *queue.table)).append("\n");
  }
  return text;
}

bool is_nop(const TraceQueue& queue, std::span<const uint32_t> packet) {
  if (packet.empty()) return false;
  auto kind = pkt::decode_one(*queue.table, packet, 0).kind();
  if (queue.kind == QueueKind::kAql) {
    // What append_nops writes: a barrier-AND with no dependency and no signal.
    if (kind != pkt::Kind::kAqlBarrierAnd || packet.size() != 16) return false;
    return std::all_of(packet.begin() + 2, packet.end(), [](uint32_t d) { return d == 0; });
  }
  return kind == pkt::Kind::kPm4Nop || kind == pkt::Kind::kPm4Type2Nop ||
         kind == pkt::Kind::kSdmaNop;
}

void append_nops(QueueKind kind, size_t dwords, std::vector<uint32_t>* out) {
  if (kind == QueueKind::kAql) {
    pkt::aql::Barrier nop;
    nop.header.barrier = false;
    const pkt::aql::Packet packet = pkt::aql::barrier_and(nop);
    for (size_t i = 0; i < dwords / 16; ++i) out->insert(out->end(), packet.begin(), packet.end());
    return;
  }
  while (dwords > 0) {
    // A NOP covers 1 .. kMaxNopDwords dwords on both engines.
    size_t n = std::min(dwords, kMaxNopDwords);
    if (kind == QueueKind::kPm4) {
      pkt::pm4::nop(*out, static_cast<uint32_t>(n - 1));
    } else {
      pkt::sdma::nop(*out, static_cast<uint32_t>(n - 1));
    }
    dwords -= n;
  }
}

}  // namespace amdrr::replay

#include "tests/capture/trace_records.h"

#include <gtest/gtest.h>

#include <cstring>

#include "format/record_visitor.h"

namespace amdrr::capture::testing {

size_t Trace::count(schema::Record::Which kind) const {
  size_t n = 0;
  for (const Rec& r : records) n += r.kind == kind;
  return n;
}

std::vector<const format::KmdCallRecord*> Trace::calls(format::KmdOp op,
                                                       format::KmdPhase phase) const {
  std::vector<const format::KmdCallRecord*> out;
  for (const Rec& r : records) {
    if (r.call && r.call->op() == op && r.call->phase == phase) out.push_back(&*r.call);
  }
  return out;
}

Trace read_trace(const std::string& path) {
  Trace t;
  std::string error;
  auto reader = format::TraceReader::open(path, &error);
  if (!reader) {
    ADD_FAILURE() << "cannot open " << path << ": " << error;
    return t;
  }
  t.gpus = reader->header().getGpus().size();
  if (t.gpus > 0) t.gfx_target = reader->header().getGpus()[0].getGfxTarget().cStr();
  std::map<std::pair<uint64_t, uint64_t>, std::vector<uint8_t>> blobs;
  auto blob_bytes = [&](schema::BlobRef::Reader ref) {
    auto it = blobs.find({ref.getHash().getLo(), ref.getHash().getHi()});
    if (it == blobs.end()) return std::vector<uint8_t>{};
    return it->second;
  };
  while (auto view = reader->next()) {
    auto r = view->record;
    if (r.isBlob()) {
      auto b = r.getBlob();
      std::vector<uint8_t> bytes;
      if (b.isData()) {
        auto d = b.getData();
        bytes.assign(d.begin(), d.end());
      } else {
        for (auto chunk : b.getChunks()) {
          auto c = blob_bytes(chunk);
          bytes.insert(bytes.end(), c.begin(), c.end());
        }
      }
      blobs[{b.getHash().getLo(), b.getHash().getHi()}] = std::move(bytes);
      continue;
    }
    Rec rec;
    rec.kind = r.which();
    switch (r.which()) {
      case schema::Record::KMD_CALL: {
        std::string err;
        rec.call = format::read_kmd_call(r.getKmdCall(), &err);
        EXPECT_TRUE(rec.call.has_value()) << err;
        break;
      }
      case schema::Record::DOORBELL: {
        auto d = r.getDoorbell();
        ++t.doorbells;
        rec.queue_id = d.getQueueId();
        rec.value = d.getValue();
        rec.write_pointer = d.getWritePointer();
        rec.read_pointer = d.getReadPointer();
        rec.ring_offset = d.getRingOffset();
        if (d.getPacketsBlob().getSize() > 0) {
          rec.packets = blob_bytes(d.getPacketsBlob());
        } else {
          for (uint32_t dw : d.getPackets()) {
            uint8_t b[4];
            std::memcpy(b, &dw, 4);
            rec.packets.insert(rec.packets.end(), b, b + 4);
          }
        }
        break;
      }
      case schema::Record::MEM_WRITE: {
        auto w = r.getMemWrite();
        rec.va = w.getVa();
        rec.content = blob_bytes(w.getContent());
        rec.source = w.getSource();
        break;
      }
      case schema::Record::WAIT_RESULT: {
        auto w = r.getWaitResult();
        rec.wait_kind = w.getKind();
        rec.va = w.getVa();
        rec.reference = w.getReference();
        rec.value_seen = w.getValueSeen();
        break;
      }
      case schema::Record::ANNOTATION:
        rec.label = r.getAnnotation().getLabel().cStr();
        rec.detail = r.getAnnotation().getDetail().cStr();
        break;
      case schema::Record::GPU_ERROR:
        rec.error_kind = r.getGpuError().getKind();
        rec.va = r.getGpuError().getVa();
        rec.gpu_id = r.getGpuError().getGpuId();
        rec.queue_id = r.getGpuError().getQueueId();
        rec.label = r.getGpuError().getMessage().cStr();
        break;
      case schema::Record::OBSERVED: {
        auto o = r.getObserved();
        rec.va = o.getVa();
        rec.size = o.getSize();
        rec.hash = {o.getHash().getLo(), o.getHash().getHi()};
        rec.reason = o.getReason();
        rec.is_timestamp = o.getIsTimestamp();
        if (o.hasContent()) rec.content = blob_bytes(o.getContent());
        break;
      }
      default:
        break;
    }
    t.records.push_back(std::move(rec));
  }
  t.end = reader->end();
  return t;
}

}  // namespace amdrr::capture::testing

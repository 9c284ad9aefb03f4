#include "format/trace_stats.h"

namespace amdrr::format {

size_t TraceStats::kind_index(const RecordView& view) {
  auto which = static_cast<size_t>(view.record.which());
  return which < kRecordKinds ? which : kRecordKinds;
}

void TraceStats::any(const RecordView& view) {
  size_t kind = kind_index(view);
  kinds_[kind].records++;
  kinds_[kind].bytes += view.bytes;
  if (frame_bytes_.size() <= view.frame) frame_bytes_.resize(view.frame + 1);
  frame_bytes_[view.frame][kind] += view.bytes;
  records_++;
  uint64_t t = view.record.getTimeNs();
  if (t < first_time_ns_) first_time_ns_ = t;
  if (t > last_time_ns_) last_time_ns_ = t;
}

void TraceStats::blob(const RecordView&, schema::Blob::Reader blob) {
  if (blob.isData()) stored_ += blob.getData().size();
}

void TraceStats::end(const RecordView&, schema::End::Reader end) {
  has_end_ = true;
  end_logical_ = end.getLogicalBlobBytes();
}

void TraceStats::mem_write(const RecordView&, schema::MemWrite::Reader write) {
  referenced_ += write.getContent().getSize();
}

void TraceStats::code_object(const RecordView&, schema::CodeObject::Reader code) {
  referenced_ += code.getElf().getSize();
}

void TraceStats::doorbell(const RecordView&, schema::Doorbell::Reader doorbell) {
  referenced_ += doorbell.getPacketsBlob().getSize();
}

void TraceStats::finish(const TraceReader& reader) {
  const auto& frames = reader.frames();
  for (size_t f = 0; f < frame_bytes_.size() && f < frames.size(); ++f) {
    uint64_t content = frames[f].content_size;
    if (content == 0) continue;
    for (size_t k = 0; k < frame_bytes_[f].size(); ++k) {
      // No overflow: a frame holds at most 64 MiB, compressed or not.
      kinds_[k].compressed_bytes += frames[f].compressed_size * frame_bytes_[f][k] / content;
    }
  }
}

}  // namespace amdrr::format

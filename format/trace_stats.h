#pragma once
// TraceStats: what `amdrr info` reports — records and bytes by kind, blob
// dedup, time span. A visitor, so it shares the one pass with other tools.

#include <array>
#include <cstdint>
#include <vector>

#include "format/record_visitor.h"

namespace amdrr::format {

struct KindStats {
  uint64_t records = 0;
  uint64_t bytes = 0;             // serialized (uncompressed) bytes
  uint64_t compressed_bytes = 0;  // share of the frames' compressed bytes
};

class TraceStats : public RecordVisitor {
 public:
  void any(const RecordView& view) override;
  void blob(const RecordView& view, schema::Blob::Reader blob) override;
  void end(const RecordView& view, schema::End::Reader end) override;
  void mem_write(const RecordView& view, schema::MemWrite::Reader write) override;
  void code_object(const RecordView& view, schema::CodeObject::Reader code) override;
  void doorbell(const RecordView& view, schema::Doorbell::Reader doorbell) override;

  /// Splits each frame's compressed size among kinds by their share of its
  /// bytes. Call once reading has ended.
  void finish(const TraceReader& reader);

  /// Indexed by schema::Record::Which; the last entry counts unknown kinds.
  const std::array<KindStats, kRecordKinds + 1>& kinds() const { return kinds_; }
  uint64_t records() const { return records_; }
  uint64_t first_time_ns() const { return first_time_ns_; }
  uint64_t last_time_ns() const { return last_time_ns_; }
  /// Content referenced by records, counting every repeat.
  uint64_t referenced_blob_bytes() const { return referenced_; }
  /// Content actually stored (Blob data records).
  uint64_t stored_blob_bytes() const { return stored_; }
  bool has_end() const { return has_end_; }
  uint64_t end_logical_blob_bytes() const { return end_logical_; }

 private:
  static size_t kind_index(const RecordView& view);

  std::array<KindStats, kRecordKinds + 1> kinds_{};
  std::vector<std::array<uint64_t, kRecordKinds + 1>> frame_bytes_;
  uint64_t records_ = 0;
  uint64_t first_time_ns_ = UINT64_MAX;
  uint64_t last_time_ns_ = 0;
  uint64_t referenced_ = 0;
  uint64_t stored_ = 0;
  bool has_end_ = false;
  uint64_t end_logical_ = 0;
};

}  // namespace amdrr::format

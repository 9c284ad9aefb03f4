#pragma once
// RecordVisitor: one callback per record kind, each a no-op by default, so a
// tool overrides only what it needs. dispatch() feeds several visitors from
// one pass over a TraceReader.

#include <initializer_list>
#include <string>

#include "format/trace_reader.h"

namespace amdrr::format {

class RecordVisitor {
 public:
  virtual ~RecordVisitor() = default;

  /// Called first for every record, whatever its kind.
  virtual void any(const RecordView&) {}
  virtual void header(const RecordView&, schema::Header::Reader) {}
  virtual void end(const RecordView&, schema::End::Reader) {}
  virtual void kmd_call(const RecordView&, schema::KmdCall::Reader) {}
  virtual void doorbell(const RecordView&, schema::Doorbell::Reader) {}
  virtual void mem_write(const RecordView&, schema::MemWrite::Reader) {}
  virtual void wait_result(const RecordView&, schema::WaitResult::Reader) {}
  virtual void observed(const RecordView&, schema::ObservedMemory::Reader) {}
  virtual void code_object(const RecordView&, schema::CodeObject::Reader) {}
  virtual void annotation(const RecordView&, schema::Annotation::Reader) {}
  virtual void gpu_error(const RecordView&, schema::GpuError::Reader) {}
  virtual void blob(const RecordView&, schema::Blob::Reader) {}
  /// A record kind newer than this reader: skipped, but counted.
  virtual void unknown(const RecordView&) {}

  /// True once the visitor needs no more records.
  virtual bool done() const { return false; }
};

/// Calls the visitor's callback for one record.
void visit(const RecordView& view, RecordVisitor& visitor);

/// Reads records until the trace ends or every visitor is done. Returns the
/// number of records visited; the reader's end() says how reading ended.
uint64_t dispatch(TraceReader& reader, std::initializer_list<RecordVisitor*> visitors);

/// The schema name of a record's kind ("doorbell", "memWrite", ...).
const char* record_kind_name(schema::Record::Which which);
/// Number of record kinds this reader knows; kinds are numbered by `which`.
inline constexpr size_t kRecordKinds = static_cast<size_t>(schema::Record::BLOB) + 1;

}  // namespace amdrr::format

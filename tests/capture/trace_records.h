#pragma once
// Test helpers: read a whole trace back into plain structs, so tests compare
// values, not capnp readers.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "format/hash.h"
#include "format/kmd_records.h"
#include "format/trace_reader.h"

namespace amdrr::capture::testing {

struct Rec {
  schema::Record::Which kind;
  std::optional<format::KmdCallRecord> call;  // kmdCall
  // doorbell
  uint32_t queue_id = 0;
  uint64_t value = 0, write_pointer = 0, read_pointer = 0, ring_offset = 0;
  std::vector<uint8_t> packets;  // inline dwords or the blob, as bytes
  // memWrite
  uint64_t va = 0;
  std::vector<uint8_t> content;
  schema::WriteSource source = schema::WriteSource::DRIVER;
  // waitResult
  schema::WaitKind wait_kind = schema::WaitKind::KFD_EVENTS;
  uint64_t reference = 0, value_seen = 0;
  // annotation / gpuError (message in `label`)
  std::string label, detail;
  schema::GpuErrorKind error_kind = schema::GpuErrorKind::VM_FAULT;
  uint32_t gpu_id = 0;
  // observed (va above; content above, empty when not kept)
  uint64_t size = 0;
  format::Hash128 hash;
  schema::ObservedReason reason = schema::ObservedReason::DECLARED;
  bool is_timestamp = false;
};

struct Trace {
  std::vector<Rec> records;  // every record but blobs, in order
  format::TraceEnd end = format::TraceEnd::kReading;
  uint64_t doorbells = 0;
  std::string gfx_target;
  size_t gpus = 0;

  size_t count(schema::Record::Which kind) const;
  /// KmdCall records of one op and phase.
  std::vector<const format::KmdCallRecord*> calls(format::KmdOp op, format::KmdPhase phase) const;
};

/// Reads `path` completely; fails the test (ADD_FAILURE) if it cannot open.
Trace read_trace(const std::string& path);

}  // namespace amdrr::capture::testing

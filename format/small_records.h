#pragma once
// The records capture writes at every wait, laid out by hand
// (format/capnp_layout): a CPU-poll WaitResult, an ObservedMemory and the
// small Blob that carries its content. Each wait wrote three to five of
// them through capnp's MessageBuilder, whose set-up cost more than the rest
// of the wait's bookkeeping. The same bytes the builder writes when the
// structs are initialised in the order below (tests compare them).
//
// Each pair: *_bytes() is the framed size; encode_*() writes exactly that
// many bytes at `out`, which must be zeroed.

#include <cstddef>
#include <cstdint>
#include <span>

#include "format/hash.h"

namespace amdrr::format {

/// A WaitResult of kind cpuPoll (no event ids). `op` and `kind` are the
/// schema's enum values.
struct CpuPollFields {
  uint64_t va = 0;
  uint8_t width = 0;
  uint16_t op = 0;
  uint64_t mask = 0;
  uint64_t reference = 0;
  uint64_t value_seen = 0;
  uint64_t duration_ns = 0;
};
size_t cpu_poll_record_bytes();
size_t encode_cpu_poll(uint8_t* out, uint64_t time_ns, uint32_t thread, const CpuPollFields& f);

/// An ObservedMemory record; without `has_content`, `content` stays null.
struct ObservedFields {
  uint64_t va = 0;
  uint64_t size = 0;
  Hash128 hash;
  uint16_t reason = 0;
  bool is_timestamp = false;
  bool has_content = false;  // content: a BlobRef to {hash, size}
};
size_t observed_record_bytes(bool has_content);
size_t encode_observed(uint8_t* out, uint64_t time_ns, uint32_t thread, const ObservedFields& f);

/// A Blob record holding `data` whole (hash, size, data).
size_t blob_record_bytes(size_t data_bytes);
size_t encode_blob(uint8_t* out, uint64_t time_ns, uint32_t thread, const Hash128& hash,
                   std::span<const uint8_t> data);

}  // namespace amdrr::format

#pragma once
// The Doorbell record, laid out by hand: capture writes one per submission,
// and building it through capnp's MessageBuilder (arena, segment, pointer
// bookkeeping) cost more than the rest of the record path together. This
// writes the same bytes capnp's builder writes — one segment: the Record,
// then the Doorbell, then the packet list — with the struct sizes and field
// offsets taken from the compiled schema (capnp reflection) once, so a
// schema change cannot silently desynchronise it. Tests compare it byte for
// byte with the builder.

#include <cstddef>
#include <cstdint>
#include <span>

namespace amdrr::format {

struct DoorbellFields {
  uint32_t gpu_id = 0;
  uint32_t queue_id = 0;
  uint64_t value = 0;
  uint64_t write_pointer = 0;
  uint64_t read_pointer = 0;
  uint64_t ring_offset = 0;
  bool has_pointers = false;  // false: the queue's ring was not readable
};

/// Bytes encode_doorbell() writes for `packet_bytes` bytes of packets
/// (stream framing included).
size_t doorbell_record_bytes(size_t packet_bytes);

/// Writes a framed single-segment message (the stream framing header, then
/// a Record whose union arm is `doorbell`) at `out`, which must be zeroed
/// and hold doorbell_record_bytes(). `packet_bytes` is a whole number of
/// dwords. Returns the bytes written.
size_t encode_doorbell(uint8_t* out, uint64_t time_ns, uint32_t thread, const DoorbellFields& d,
                       std::span<const uint8_t> packet_bytes);

}  // namespace amdrr::format

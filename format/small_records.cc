#include "format/small_records.h"

#include "format/capnp_layout.h"
#include "format/trace.capnp.h"

namespace amdrr::format {
namespace {

using namespace capnp_layout;

struct HashLayout {
  Shape shape;
  uint32_t lo_at = 0, hi_at = 0;
};

struct Layouts {
  HashLayout hash;
  struct {
    RecordArm arm;
    uint32_t kind_at, va_at, width_at, op_at, mask_at, reference_at, seen_at, duration_at;
  } wait;
  struct {
    RecordArm arm;
    uint32_t va_at, size_at, reason_at, timestamp_bit, hash_slot, content_slot;
    Shape ref;
    uint32_t ref_hash_slot, ref_size_at;
  } observed;
  struct {
    RecordArm arm;
    uint32_t size_at, which_at, hash_slot, data_slot;
    uint16_t which_data;
  } blob;
};

Layouts read_layouts() {
  Layouts l;
  const auto hash = capnp::Schema::from<schema::Hash128>();
  l.hash = {shape_of(hash), data_byte(hash, "lo"), data_byte(hash, "hi")};

  const auto wait = capnp::Schema::from<schema::WaitResult>();
  l.wait.arm = record_arm("waitResult");
  l.wait.kind_at = data_byte(wait, "kind");
  l.wait.va_at = data_byte(wait, "va");
  l.wait.width_at = data_byte(wait, "width");
  l.wait.op_at = data_byte(wait, "op");
  l.wait.mask_at = data_byte(wait, "mask");
  l.wait.reference_at = data_byte(wait, "reference");
  l.wait.seen_at = data_byte(wait, "valueSeen");
  l.wait.duration_at = data_byte(wait, "durationNs");

  const auto observed = capnp::Schema::from<schema::ObservedMemory>();
  const auto ref = capnp::Schema::from<schema::BlobRef>();
  l.observed.arm = record_arm("observed");
  l.observed.va_at = data_byte(observed, "va");
  l.observed.size_at = data_byte(observed, "size");
  l.observed.reason_at = data_byte(observed, "reason");
  l.observed.timestamp_bit = bool_bit(observed, "isTimestamp");
  l.observed.hash_slot = pointer_slot(observed, "hash");
  l.observed.content_slot = pointer_slot(observed, "content");
  l.observed.ref = shape_of(ref);
  l.observed.ref_hash_slot = pointer_slot(ref, "hash");
  l.observed.ref_size_at = data_byte(ref, "size");

  const auto blob = capnp::Schema::from<schema::Blob>();
  l.blob.arm = record_arm("blob");
  l.blob.size_at = data_byte(blob, "size");
  l.blob.which_at = blob.getProto().getStruct().getDiscriminantOffset() * 2;
  l.blob.which_data = blob.getFieldByName("data").getProto().getDiscriminantValue();
  l.blob.hash_slot = pointer_slot(blob, "hash");
  l.blob.data_slot = pointer_slot(blob, "data");
  return l;
}

const Layouts& layouts() {
  static const Layouts l = read_layouts();
  return l;
}

size_t record_words(const RecordArm& arm) {
  return 1 + arm.record.words() + arm.arm.words();  // root pointer, Record, arm
}

// A Hash128 struct pointed to from pointer word `slot`.
void put_hash(MessageWriter& m, size_t slot, const Hash128& h) {
  const HashLayout& l = layouts().hash;
  const size_t at = m.new_struct(slot, l.shape);
  put(m.word(at) + l.lo_at, h.lo);
  put(m.word(at) + l.hi_at, h.hi);
}

}  // namespace

size_t cpu_poll_record_bytes() {
  return 8 + 8 * record_words(layouts().wait.arm);
}

size_t encode_cpu_poll(uint8_t* out, uint64_t time_ns, uint32_t thread, const CpuPollFields& f) {
  const auto& l = layouts().wait;
  MessageWriter m(out);
  uint8_t* w = m.word(m.begin_record(l.arm, time_ns, thread));
  put(w + l.kind_at, static_cast<uint16_t>(schema::WaitKind::CPU_POLL));
  put(w + l.va_at, f.va);
  put(w + l.width_at, f.width);
  put(w + l.op_at, f.op);
  put(w + l.mask_at, f.mask);
  put(w + l.reference_at, f.reference);
  put(w + l.seen_at, f.value_seen);
  put(w + l.duration_at, f.duration_ns);
  return m.finish();
}

size_t observed_record_bytes(bool has_content) {
  const Layouts& l = layouts();
  size_t words = record_words(l.observed.arm) + l.hash.shape.words();
  if (has_content) words += l.observed.ref.words() + l.hash.shape.words();
  return 8 + 8 * words;
}

size_t encode_observed(uint8_t* out, uint64_t time_ns, uint32_t thread, const ObservedFields& f) {
  const auto& l = layouts().observed;
  MessageWriter m(out);
  const size_t o = m.begin_record(l.arm, time_ns, thread);
  uint8_t* data = m.word(o);
  put(data + l.va_at, f.va);
  put(data + l.size_at, f.size);
  put(data + l.reason_at, f.reason);
  if (f.is_timestamp) data[l.timestamp_bit / 8] |= uint8_t(1u << (l.timestamp_bit % 8));
  const size_t pointers = o + l.arm.arm.data_words;
  put_hash(m, pointers + l.hash_slot, f.hash);
  if (f.has_content) {
    const size_t ref = m.new_struct(pointers + l.content_slot, l.ref);
    put(m.word(ref) + l.ref_size_at, f.size);
    put_hash(m, ref + l.ref.data_words + l.ref_hash_slot, f.hash);
  }
  return m.finish();
}

size_t blob_record_bytes(size_t data_bytes) {
  const Layouts& l = layouts();
  return 8 + 8 * (record_words(l.blob.arm) + l.hash.shape.words() + words_of(data_bytes));
}

size_t encode_blob(uint8_t* out, uint64_t time_ns, uint32_t thread, const Hash128& hash,
                   std::span<const uint8_t> data) {
  const auto& l = layouts().blob;
  MessageWriter m(out);
  const size_t b = m.begin_record(l.arm, time_ns, thread);
  put(m.word(b) + l.size_at, uint64_t{data.size()});
  put(m.word(b) + l.which_at, l.which_data);
  const size_t pointers = b + l.arm.arm.data_words;
  put_hash(m, pointers + l.hash_slot, hash);
  const size_t slot = pointers + l.data_slot;
  const size_t at = m.alloc(words_of(data.size()));
  put(m.word(slot), list_pointer(slot, at, 2, data.size()));
  if (!data.empty()) std::memcpy(m.word(at), data.data(), data.size());
  return m.finish();
}

}  // namespace amdrr::format

#pragma once
// Writing small Cap'n Proto messages by hand, for the records capture writes
// per submission or per wait (format/doorbell_encoding, format/small_records):
// capnp's MessageBuilder sets up an arena per message, which cost more than
// the rest of those records' paths. Struct sizes and field offsets come from
// the compiled schema (capnp reflection), read once, so a schema change
// cannot silently desynchronise the bytes; the encoders' tests compare their
// output byte for byte with the builder's.
//
// The messages are single-segment and framed as capnp's stream framing
// does. Words are handed out in order, as the builder does when structs are
// initialised in that order.

#include <capnp/schema.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace amdrr::format::capnp_layout {

template <typename T>
void put(uint8_t* at, T value) {
  std::memcpy(at, &value, sizeof(T));  // capnp is little-endian, as is x86-64
}

inline size_t words_of(size_t bytes) {
  return (bytes + 7) / 8;
}

/// A struct's data words and pointer count.
struct Shape {
  uint32_t data_words = 0;
  uint32_t pointers = 0;
  size_t words() const { return size_t{data_words} + pointers; }
};
Shape shape_of(capnp::StructSchema s);

/// Byte offset of a 8-, 16-, 32- or 64-bit (or enum) field in the data section.
uint32_t data_byte(capnp::StructSchema s, const char* field);
/// Bit offset of a Bool field in the data section.
uint32_t bool_bit(capnp::StructSchema s, const char* field);
/// Pointer-section index of a pointer field.
uint32_t pointer_slot(capnp::StructSchema s, const char* field);

/// A struct pointer at word `from` to a struct at word `to`.
uint64_t struct_pointer(size_t from, size_t to, Shape shape);
/// A list pointer; `element_code` is capnp's element size (2: bytes, 4: 32-bit).
uint64_t list_pointer(size_t from, size_t to, uint32_t element_code, uint64_t count);

/// Where a Record's common fields sit, and the shape of one union arm.
struct RecordArm {
  Shape record;
  uint32_t time_at = 0;
  uint32_t thread_at = 0;
  uint32_t which_at = 0;
  uint32_t arm_slot = 0;
  uint16_t which = 0;
  Shape arm;
};
RecordArm record_arm(const char* arm_name);

/// Lays out one framed single-segment message at `out`, which must be zeroed
/// and large enough (the caller computed the size from the same shapes).
class MessageWriter {
 public:
  explicit MessageWriter(uint8_t* out) : out_(out) {}

  /// `words` more words; returns the index of the first.
  size_t alloc(size_t words) {
    const size_t at = next_;
    next_ += words;
    return at;
  }
  uint8_t* word(size_t index) { return out_ + 8 + 8 * index; }
  /// A new struct of `shape`, pointed to from pointer word `slot`.
  size_t new_struct(size_t slot, Shape shape) {
    const size_t at = alloc(shape.words());
    put(word(slot), struct_pointer(slot, at, shape));
    return at;
  }
  /// The root pointer and the Record, stamped; returns the arm struct's word.
  size_t begin_record(const RecordArm& arm, uint64_t time_ns, uint32_t thread);
  /// Writes the stream framing; returns the message's size in bytes.
  size_t finish() {
    put<uint32_t>(out_, 0);  // segment count - 1
    put<uint32_t>(out_ + 4, static_cast<uint32_t>(next_));
    return 8 + 8 * next_;
  }

 private:
  uint8_t* out_;
  size_t next_ = 0;
};

}  // namespace amdrr::format::capnp_layout

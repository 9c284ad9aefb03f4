#include "format/doorbell_encoding.h"

#include <capnp/schema.h>

#include <cstring>

#include "format/trace.capnp.h"
#include "lib/base/check.h"

namespace amdrr::format {
namespace {

// Where things sit, in bytes from the start of their struct's data section
// (fields) or in pointer slots (pointers), read from the compiled schema.
struct Layout {
  uint32_t record_data_words = 0, record_pointers = 0;
  uint32_t time_at = 0, thread_at = 0, which_at = 0, union_slot = 0;
  uint16_t which = 0;
  uint32_t doorbell_data_words = 0, doorbell_pointers = 0;
  uint32_t gpu_at = 0, queue_at = 0, value_at = 0, wptr_at = 0, rptr_at = 0, offset_at = 0;
  uint32_t packets_slot = 0;
  // Derived once: word indexes in the segment, the fixed size, and the
  // bytes every record starts with (framing, pointers, union tag; fields 0).
  size_t doorbell = 0, list_slot = 0, packets = 0;
  size_t fixed_bytes = 0;  // everything but the packets
  static constexpr size_t kMaxPrefix = 256;
  uint8_t prefix[kMaxPrefix] = {};
};

template <typename T>
void put(uint8_t* at, T value) {
  std::memcpy(at, &value, sizeof(T));  // capnp is little-endian, as is x86-64
}

// A struct pointer at word `from` to a struct at word `to` (capnp encoding).
uint64_t struct_pointer(size_t from, size_t to, uint32_t data_words, uint32_t pointers) {
  const auto offset = static_cast<uint32_t>(to - from - 1);
  return uint64_t{offset << 2} | uint64_t{data_words} << 32 | uint64_t{pointers} << 48;
}
// A list of `count` 32-bit elements (element size code 4).
uint64_t dword_list_pointer(size_t from, size_t to, uint64_t count) {
  const auto offset = static_cast<uint32_t>(to - from - 1);
  return uint64_t{offset << 2 | 1} | uint64_t{4} << 32 | count << 35;
}

size_t words_of(size_t bytes) {
  return (bytes + 7) / 8;
}

uint32_t byte_offset(capnp::StructSchema s, const char* name, uint32_t width) {
  return s.getFieldByName(name).getProto().getSlot().getOffset() * width;
}
uint32_t pointer_slot(capnp::StructSchema s, const char* name) {
  return s.getFieldByName(name).getProto().getSlot().getOffset();
}

Layout read_layout() {
  Layout l;
  const auto record = capnp::Schema::from<schema::Record>();
  const auto rs = record.getProto().getStruct();
  l.record_data_words = rs.getDataWordCount();
  l.record_pointers = rs.getPointerCount();
  l.time_at = byte_offset(record, "timeNs", 8);
  l.thread_at = byte_offset(record, "thread", 4);
  l.which_at = rs.getDiscriminantOffset() * 2;
  const auto arm = record.getFieldByName("doorbell").getProto();
  l.which = arm.getDiscriminantValue();
  l.union_slot = arm.getSlot().getOffset();

  const auto doorbell = capnp::Schema::from<schema::Doorbell>();
  const auto ds = doorbell.getProto().getStruct();
  l.doorbell_data_words = ds.getDataWordCount();
  l.doorbell_pointers = ds.getPointerCount();
  l.gpu_at = byte_offset(doorbell, "gpuId", 4);
  l.queue_at = byte_offset(doorbell, "queueId", 4);
  l.value_at = byte_offset(doorbell, "value", 8);
  l.wptr_at = byte_offset(doorbell, "writePointer", 8);
  l.rptr_at = byte_offset(doorbell, "readPointer", 8);
  l.offset_at = byte_offset(doorbell, "ringOffset", 8);
  l.packets_slot = pointer_slot(doorbell, "packets");

  const size_t root = 1;  // the Record struct, after the root pointer
  const size_t record_pointers = root + l.record_data_words;
  l.doorbell = record_pointers + l.record_pointers;
  const size_t doorbell_pointers = l.doorbell + l.doorbell_data_words;
  l.list_slot = doorbell_pointers + l.packets_slot;
  l.packets = doorbell_pointers + l.doorbell_pointers;
  l.fixed_bytes = 8 + 8 * l.packets;
  AMDRR_REQUIRE(l.fixed_bytes <= Layout::kMaxPrefix, "the Doorbell record outgrew its prefix");
  uint8_t* segment = l.prefix + 8;
  auto word = [&](size_t w) { return segment + 8 * w; };
  put(word(0), struct_pointer(0, root, l.record_data_words, l.record_pointers));
  put(word(root) + l.which_at, l.which);
  put(word(record_pointers + l.union_slot),
      struct_pointer(record_pointers + l.union_slot, l.doorbell, l.doorbell_data_words,
                     l.doorbell_pointers));
  return l;
}

const Layout& layout() {
  static const Layout l = read_layout();
  return l;
}

}  // namespace

size_t doorbell_record_bytes(size_t packet_bytes) {
  return layout().fixed_bytes + 8 * words_of(packet_bytes);
}

size_t encode_doorbell(uint8_t* out, uint64_t time_ns, uint32_t thread, const DoorbellFields& d,
                       std::span<const uint8_t> packet_bytes) {
  AMDRR_REQUIRE(packet_bytes.size() % 4 == 0, "doorbell packets are whole dwords");
  const Layout& l = layout();
  const size_t total = l.fixed_bytes + 8 * words_of(packet_bytes.size());
  std::memcpy(out, l.prefix, l.fixed_bytes);
  // Stream framing: segment count - 1 (0, in the prefix), then the
  // segment's size in words.
  put<uint32_t>(out + 4, static_cast<uint32_t>((total - 8) / 8));
  uint8_t* segment = out + 8;
  auto word = [&](size_t w) { return segment + 8 * w; };
  put(word(1) + l.time_at, time_ns);
  put(word(1) + l.thread_at, thread);
  uint8_t* doorbell = word(l.doorbell);
  put(doorbell + l.gpu_at, d.gpu_id);
  put(doorbell + l.queue_at, d.queue_id);
  put(doorbell + l.value_at, d.value);
  if (d.has_pointers) {
    put(doorbell + l.wptr_at, d.write_pointer);
    put(doorbell + l.rptr_at, d.read_pointer);
    put(doorbell + l.offset_at, d.ring_offset);
    put(word(l.list_slot), dword_list_pointer(l.list_slot, l.packets, packet_bytes.size() / 4));
    if (!packet_bytes.empty()) {
      std::memcpy(word(l.packets), packet_bytes.data(), packet_bytes.size());
    }
  }
  return total;
}

}  // namespace amdrr::format

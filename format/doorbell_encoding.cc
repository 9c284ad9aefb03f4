#include "format/doorbell_encoding.h"

#include <cstring>

#include "format/capnp_layout.h"
#include "format/trace.capnp.h"
#include "lib/base/check.h"

namespace amdrr::format {
namespace {

using namespace capnp_layout;

// Where things sit, read from the compiled schema once, and the bytes every
// Doorbell record starts with (framing, pointers, union tag; fields zero).
struct Layout {
  uint32_t gpu_at = 0, queue_at = 0, value_at = 0, wptr_at = 0, rptr_at = 0, offset_at = 0;
  size_t time_at = 0, thread_at = 0;  // from the message's start
  size_t doorbell = 0;                // words in the segment
  size_t list_slot = 0;
  size_t packets = 0;
  size_t fixed_bytes = 0;  // everything but the packets
  static constexpr size_t kMaxPrefix = 256;
  uint8_t prefix[kMaxPrefix] = {};
};

Layout read_layout() {
  Layout l;
  const auto schema = capnp::Schema::from<schema::Doorbell>();
  l.gpu_at = data_byte(schema, "gpuId");
  l.queue_at = data_byte(schema, "queueId");
  l.value_at = data_byte(schema, "value");
  l.wptr_at = data_byte(schema, "writePointer");
  l.rptr_at = data_byte(schema, "readPointer");
  l.offset_at = data_byte(schema, "ringOffset");

  const RecordArm arm = record_arm("doorbell");
  AMDRR_REQUIRE(8 * (1 + arm.record.words() + arm.arm.words()) + 8 <= Layout::kMaxPrefix,
                "the Doorbell record outgrew its prefix");
  MessageWriter m(l.prefix);
  l.doorbell = m.begin_record(arm, 0, 0);
  l.list_slot = l.doorbell + arm.arm.data_words + pointer_slot(schema, "packets");
  l.packets = l.doorbell + arm.arm.words();
  l.fixed_bytes = m.finish();
  l.time_at = 8 + 8 * 1 + arm.time_at;  // the Record follows the root pointer
  l.thread_at = 8 + 8 * 1 + arm.thread_at;
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
  put<uint32_t>(out + 4, static_cast<uint32_t>((total - 8) / 8));  // the segment's words
  put(out + l.time_at, time_ns);
  put(out + l.thread_at, thread);
  uint8_t* segment = out + 8;
  uint8_t* doorbell = segment + 8 * l.doorbell;
  put(doorbell + l.gpu_at, d.gpu_id);
  put(doorbell + l.queue_at, d.queue_id);
  put(doorbell + l.value_at, d.value);
  if (d.has_pointers) {
    put(doorbell + l.wptr_at, d.write_pointer);
    put(doorbell + l.rptr_at, d.read_pointer);
    put(doorbell + l.offset_at, d.ring_offset);
    put(segment + 8 * l.list_slot,
        list_pointer(l.list_slot, l.packets, 4, packet_bytes.size() / 4));
    if (!packet_bytes.empty()) {
      std::memcpy(segment + 8 * l.packets, packet_bytes.data(), packet_bytes.size());
    }
  }
  return total;
}

}  // namespace amdrr::format

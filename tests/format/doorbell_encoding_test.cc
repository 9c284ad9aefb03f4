// The hand-laid Doorbell record must be the very bytes capnp's builder
// writes, and read back through the ordinary reader.

#include "format/doorbell_encoding.h"

#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "format/slot_message_builder.h"
#include "format/trace.capnp.h"

namespace amdrr::format {
namespace {

std::vector<uint8_t> dword_bytes(size_t count, uint32_t seed) {
  std::vector<uint8_t> out(count * 4);
  for (size_t i = 0; i < count; ++i) {
    const uint32_t v = seed * 2654435761u + static_cast<uint32_t>(i) * 40503u + 1;
    std::memcpy(out.data() + 4 * i, &v, 4);
  }
  return out;
}

// The same record through capnp's builder, framed as the trace writer frames it.
std::vector<uint8_t> built(uint64_t time_ns, uint32_t thread, const DoorbellFields& f,
                           std::span<const uint8_t> packets) {
  std::vector<capnp::word> space(4096);
  SlotMessageBuilder message({space.data(), space.size()});
  auto r = message.initRoot<schema::Record>();
  r.setTimeNs(time_ns);
  r.setThread(thread);
  auto d = r.initDoorbell();
  d.setGpuId(f.gpu_id);
  d.setQueueId(f.queue_id);
  d.setValue(f.value);
  if (f.has_pointers) {
    d.setWritePointer(f.write_pointer);
    d.setReadPointer(f.read_pointer);
    d.setRingOffset(f.ring_offset);
    auto list = d.initPackets(static_cast<unsigned>(packets.size() / 4));
    for (unsigned i = 0; i < list.size(); ++i) {
      uint32_t v;
      std::memcpy(&v, packets.data() + 4 * i, 4);
      list.set(i, v);
    }
  }
  auto words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  return {bytes.begin(), bytes.end()};
}

std::vector<uint8_t> encoded(uint64_t time_ns, uint32_t thread, const DoorbellFields& f,
                             std::span<const uint8_t> packets) {
  std::vector<uint8_t> out(doorbell_record_bytes(packets.size()), 0);
  EXPECT_EQ(encode_doorbell(out.data(), time_ns, thread, f, packets), out.size());
  return out;
}

TEST(DoorbellEncoding, SameBytesAsCapnpsBuilder) {
  const DoorbellFields full{7, 1023, 0xFFFF'FFFF'FFFF'FFFEull, 0x1234'5678'9ABCull, 42, 4092, true};
  for (size_t dwords : {0u, 1u, 2u, 5u, 7u, 64u, 4096u}) {
    SCOPED_TRACE(dwords);
    const auto packets = dword_bytes(dwords, static_cast<uint32_t>(dwords));
    EXPECT_EQ(encoded(123456789, 3, full, packets), built(123456789, 3, full, packets));
  }
  // A queue capture never saw created: no pointers, no packet list.
  const DoorbellFields bare{1, 2, 3};
  EXPECT_EQ(encoded(0, 0, bare, {}), built(0, 0, bare, {}));
  // Zero fields stay zero (the space is zeroed, nothing is written twice).
  const DoorbellFields zeros{0, 0, 0, 0, 0, 0, true};
  EXPECT_EQ(encoded(0, 0, zeros, {}), built(0, 0, zeros, {}));
}

TEST(DoorbellEncoding, ReadsBackThroughTheReader) {
  const DoorbellFields f{2, 9, 77, 80, 64, 256, true};
  const auto packets = dword_bytes(5, 9);
  const auto bytes = encoded(555, 1, f, packets);
  kj::ArrayPtr<const capnp::word> words(reinterpret_cast<const capnp::word*>(bytes.data()),
                                        bytes.size() / sizeof(capnp::word));
  capnp::FlatArrayMessageReader reader(words);
  auto r = reader.getRoot<schema::Record>();
  ASSERT_TRUE(r.isDoorbell());
  EXPECT_EQ(r.getTimeNs(), 555u);
  EXPECT_EQ(r.getThread(), 1u);
  auto d = r.getDoorbell();
  EXPECT_EQ(d.getGpuId(), 2u);
  EXPECT_EQ(d.getQueueId(), 9u);
  EXPECT_EQ(d.getValue(), 77u);
  EXPECT_EQ(d.getWritePointer(), 80u);
  EXPECT_EQ(d.getReadPointer(), 64u);
  EXPECT_EQ(d.getRingOffset(), 256u);
  ASSERT_EQ(d.getPackets().size(), 5u);
  for (unsigned i = 0; i < 5; ++i) {
    uint32_t v;
    std::memcpy(&v, packets.data() + 4 * i, 4);
    EXPECT_EQ(d.getPackets()[i], v);
  }
  EXPECT_FALSE(d.hasPacketsBlob());
}

}  // namespace
}  // namespace amdrr::format

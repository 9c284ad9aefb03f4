// The hand-laid wait records must be the very bytes capnp's builder writes
// (structs initialised in the same order), and read back through the reader.

#include "format/small_records.h"

#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <vector>

#include "format/slot_message_builder.h"
#include "format/trace.capnp.h"

namespace amdrr::format {
namespace {

// A Record through capnp's builder, framed as the trace writer frames it.
std::vector<uint8_t> built(uint64_t time_ns, uint32_t thread,
                           const std::function<void(schema::Record::Builder)>& fill) {
  std::vector<capnp::word> space(4096);
  SlotMessageBuilder message({space.data(), space.size()});
  auto r = message.initRoot<schema::Record>();
  r.setTimeNs(time_ns);
  r.setThread(thread);
  fill(r);
  auto words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  return {bytes.begin(), bytes.end()};
}

schema::Record::Reader read(const std::vector<uint8_t>& bytes,
                            std::unique_ptr<capnp::FlatArrayMessageReader>& keep) {
  kj::ArrayPtr<const capnp::word> words(reinterpret_cast<const capnp::word*>(bytes.data()),
                                        bytes.size() / sizeof(capnp::word));
  keep = std::make_unique<capnp::FlatArrayMessageReader>(words);
  return keep->getRoot<schema::Record>();
}

TEST(SmallRecords, CpuPollIsTheBuildersBytes) {
  for (const CpuPollFields& f :
       {CpuPollFields{}, CpuPollFields{0x7fff'1234'5000, 4, 5, 0xFFFF'FFFF, 17, 18, 999},
        CpuPollFields{~uint64_t{0}, 8, 6, ~uint64_t{0}, ~uint64_t{0}, 1, 1}}) {
    std::vector<uint8_t> out(cpu_poll_record_bytes(), 0);
    EXPECT_EQ(encode_cpu_poll(out.data(), 77, 2, f), out.size());
    EXPECT_EQ(out, built(77, 2, [&](schema::Record::Builder r) {
                auto w = r.initWaitResult();
                w.setKind(schema::WaitKind::CPU_POLL);
                w.setVa(f.va);
                w.setWidth(f.width);
                w.setOp(static_cast<schema::CompareOp>(f.op));
                w.setMask(f.mask);
                w.setReference(f.reference);
                w.setValueSeen(f.value_seen);
                w.setDurationNs(f.duration_ns);
              }));
  }
}

TEST(SmallRecords, ObservedIsTheBuildersBytes) {
  for (bool content : {false, true}) {
    for (bool timestamp : {false, true}) {
      SCOPED_TRACE(content * 2 + timestamp);
      ObservedFields f{0x1000'2000, 64, {0x1111, 0x2222}, 1, timestamp, content};
      std::vector<uint8_t> out(observed_record_bytes(content), 0);
      EXPECT_EQ(encode_observed(out.data(), 5, 0, f), out.size());
      EXPECT_EQ(out, built(5, 0, [&](schema::Record::Builder r) {
                  auto o = r.initObserved();
                  o.setVa(f.va);
                  o.setSize(f.size);
                  auto h = o.initHash();
                  h.setLo(f.hash.lo);
                  h.setHi(f.hash.hi);
                  o.setReason(static_cast<schema::ObservedReason>(f.reason));
                  o.setIsTimestamp(f.is_timestamp);
                  if (f.has_content) {
                    auto c = o.initContent();
                    auto ch = c.initHash();
                    ch.setLo(f.hash.lo);
                    ch.setHi(f.hash.hi);
                    c.setSize(f.size);
                  }
                }));
    }
  }
}

TEST(SmallRecords, ObservedReadsBack) {
  ObservedFields f{0xABC0, 12, {7, 8}, 2, true, true};
  std::vector<uint8_t> out(observed_record_bytes(true), 0);
  encode_observed(out.data(), 9, 3, f);
  std::unique_ptr<capnp::FlatArrayMessageReader> keep;
  auto r = read(out, keep);
  ASSERT_TRUE(r.isObserved());
  EXPECT_EQ(r.getTimeNs(), 9u);
  EXPECT_EQ(r.getThread(), 3u);
  auto o = r.getObserved();
  EXPECT_EQ(o.getVa(), 0xABC0u);
  EXPECT_EQ(o.getSize(), 12u);
  EXPECT_EQ(o.getHash().getLo(), 7u);
  EXPECT_EQ(o.getHash().getHi(), 8u);
  EXPECT_EQ(o.getReason(), schema::ObservedReason::PACKET_TARGET);
  EXPECT_TRUE(o.getIsTimestamp());
  ASSERT_TRUE(o.hasContent());
  EXPECT_EQ(o.getContent().getSize(), 12u);
  EXPECT_EQ(o.getContent().getHash().getHi(), 8u);
}

TEST(SmallRecords, BlobIsTheBuildersBytes) {
  for (size_t n : {0u, 1u, 7u, 8u, 9u, 64u, 4097u}) {
    SCOPED_TRACE(n);
    std::vector<uint8_t> data(n);
    for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(i * 37 + 1);
    const Hash128 hash{n + 1, n + 2};
    std::vector<uint8_t> out(blob_record_bytes(n), 0);
    EXPECT_EQ(encode_blob(out.data(), 11, 1, hash, data), out.size());
    EXPECT_EQ(out, built(11, 1, [&](schema::Record::Builder r) {
                auto b = r.initBlob();
                auto h = b.initHash();
                h.setLo(hash.lo);
                h.setHi(hash.hi);
                b.setSize(n);
                auto d = b.initData(static_cast<unsigned>(n));
                if (n) std::memcpy(d.begin(), data.data(), n);
              }));
    std::unique_ptr<capnp::FlatArrayMessageReader> keep;
    auto r = read(out, keep);
    ASSERT_TRUE(r.isBlob());
    ASSERT_TRUE(r.getBlob().isData());
    auto d = r.getBlob().getData();
    EXPECT_EQ(std::vector<uint8_t>(d.begin(), d.end()), data);
  }
}

}  // namespace
}  // namespace amdrr::format

#include "inspect/dump.h"

#include "inspect/record_json.h"

#include <capnp/compat/json.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string_view>

#include "format/trace_writer.h"
#include "tests/inspect/inspect_fixtures.h"
#include "tests/support/temp_dir.h"

namespace amdrr::inspect {
namespace {

std::string dump(const std::string& path, const DumpOptions& options = {}) {
  std::string error;
  auto reader = format::TraceReader::open(path, &error);
  EXPECT_TRUE(reader) << error;
  if (!reader) return "";
  std::ostringstream out;
  dump_trace(*reader, options, out);
  return out.str();
}

TEST(Dump, PacketsDecodedAndAddressesAnnotated) {
  testing::TempDir dir;
  const std::string path = dir.file("t.amdrr");
  testing::write_inspect_trace(path);
  const std::string text = dump(path);
  EXPECT_NE(text.find("doorbell q3 compute gpu 0x4000"), std::string::npos) << text;
  // WAIT_REG_MEM polls the upload buffer, RELEASE_MEM writes the queue's wptr page.
  EXPECT_NE(text.find("WAIT_REG_MEM"), std::string::npos) << text;
  EXPECT_NE(text.find("POLL_ADDRESS=0x300000020040 [buf#2 \"gtt\" +0x40]"), std::string::npos)
      << text;
  EXPECT_NE(text.find("ADDRESS=0x300000010008 [buf#1 \"wptr/rptr q3\" +0x8]"), std::string::npos)
      << text;
  // After the free: the write into the freed buffer and the one to nowhere are flagged.
  EXPECT_NE(text.find("DST_ADDR=0x300000020010 [FREED buf#2 \"gtt\" +0x10"), std::string::npos)
      << text;
  EXPECT_NE(text.find("DST_ADDR=0x500000000000 [UNMAPPED (no buffer)]"), std::string::npos) << text;
  EXPECT_NE(text.find("gpuError (kind=vmFault"), std::string::npos) << text;
  EXPECT_NE(text.find("va=0x5000_0000_0000 [UNMAPPED (no buffer)]"), std::string::npos) << text;
  EXPECT_NE(text.find("createQueue(ringBaseAddress=0x3000_0000_0000 [buf#0 \"ring q3\" +0x0]"),
            std::string::npos)
      << text;
}

TEST(Dump, FiltersByKindQueueSubmissionAndLabel) {
  testing::TempDir dir;
  const std::string path = dir.file("t.amdrr");
  testing::write_inspect_trace(path);
  DumpOptions kinds;
  kinds.kinds = {"doorbell"};
  std::string text = dump(path, kinds);
  EXPECT_EQ(text.find("kmdCall"), std::string::npos) << text;
  EXPECT_NE(text.find("#9 "), std::string::npos) << text;
  EXPECT_NE(text.find("#12 "), std::string::npos) << text;

  DumpOptions second;
  second.first_submission = 1;
  text = dump(path, second);
  EXPECT_EQ(text.find("WAIT_REG_MEM"), std::string::npos) << text;
  EXPECT_NE(text.find("WRITE_DATA"), std::string::npos) << text;

  DumpOptions other_queue;
  other_queue.queue = 7;
  text = dump(path, other_queue);
  EXPECT_EQ(text.find("doorbell"), std::string::npos) << text;

  DumpOptions label;
  label.label = "upload";
  text = dump(path, label);
  EXPECT_NE(text.find("memWrite 0x3000_0002_0000"), std::string::npos) << text;
  EXPECT_EQ(text.find("doorbell"), std::string::npos) << text;
}

TEST(Dump, JsonLinesParseBackOnePerRecord) {
  testing::TempDir dir;
  const std::string path = dir.file("t.amdrr");
  const uint64_t records = testing::write_inspect_trace(path);
  DumpOptions options;
  options.json = true;
  std::istringstream lines(dump(path, options));
  capnp::JsonCodec codec;
  RecordJson typed_codec;
  std::string line;
  uint64_t blobs = 0;
  uint64_t n = 0, doorbells = 0;
  while (std::getline(lines, line)) {
    capnp::MallocMessageBuilder generic;
    auto value = generic.initRoot<capnp::JsonValue>();
    ASSERT_NO_THROW(codec.decodeRaw(kj::StringPtr(line.c_str()), value)) << line;
    ASSERT_EQ(value.which(), capnp::JsonValue::OBJECT) << line;
    bool has_time = false;
    for (auto field : value.getObject())
      has_time = has_time || std::string_view(field.getName().cStr()) == "timeNs";
    EXPECT_TRUE(has_time) << line;
    // Field names follow the schema: the line decodes back into a Record.
    capnp::MallocMessageBuilder typed;
    auto record = typed.initRoot<schema::Record>();
    ASSERT_NO_THROW(typed_codec.decode(line, record)) << line;
    if (record.which() == schema::Record::BLOB && record.getBlob().isData()) {
      // Blob bytes come back exactly (base64 in the JSON).
      auto data = record.getBlob().getData();
      EXPECT_EQ(std::vector<uint8_t>(data.begin(), data.end()), testing::secret_bytes());
      ++blobs;
    }
    if (record.which() == schema::Record::DOORBELL) {
      ++doorbells;
      if (doorbells == 1) {
        auto packets = record.getDoorbell().getPackets();
        auto expected = testing::first_doorbell_packets();
        ASSERT_EQ(packets.size(), expected.size());
        for (unsigned i = 0; i < packets.size(); ++i) EXPECT_EQ(packets[i], expected[i]);
      }
    }
    ++n;
  }
  EXPECT_EQ(n, records);
  EXPECT_EQ(doorbells, 2u);
  EXPECT_EQ(blobs, 1u);
}

TEST(Dump, KernelsDisassembledWithTheirDispatches) {
  testing::TempDir dir;
  const std::string trace = testing::capture_sample("dispatch", dir.path().string());
  const std::string text = dump(trace);
  EXPECT_NE(text.find("KERNEL_DISPATCH"), std::string::npos);
  EXPECT_NE(text.find("DISPATCH_DIRECT"), std::string::npos);
  // The AQL queue's PM4 IB is followed into the packets the driver wrote there.
  EXPECT_NE(text.find("AMD_AQL_FORMAT_PM4_IB"), std::string::npos);
  EXPECT_NE(text.find("      IB> [+0x0] RELEASE_MEM"), std::string::npos);
  const size_t kernel = text.find("kernel vector_add code 0x");
  ASSERT_NE(kernel, std::string::npos) << text.substr(text.size() > 3000 ? text.size() - 3000 : 0);
  // Two dispatches ran it: the PM4 one and the AQL one.
  const std::string line = text.substr(kernel, text.find('\n', kernel) - kernel);
  EXPECT_NE(line.find("dispatched by #"), std::string::npos) << line;
  EXPECT_NE(line.find(", #"), std::string::npos) << line;
  EXPECT_NE(text.find("s_endpgm", kernel), std::string::npos) << text.substr(kernel);
  EXPECT_NE(text.find("global_store_dword", kernel), std::string::npos);
}

}  // namespace
}  // namespace amdrr::inspect

namespace amdrr::inspect {
namespace {

// A hostile trace: a doorbell on a queue never created, packets with absurd
// sizes and unknown opcodes, a code object that is not an ELF. dump prints
// them raw and flagged; it never crashes.
TEST(Dump, HostileContentIsShownRawNeverACrash) {
  testing::TempDir dir;
  const std::string path = dir.file("hostile.amdrr");
  std::string error;
  auto w = format::TraceWriter::create(
      path, [](schema::Header::Builder h) { h.initGpus(1)[0].setGpuId(1); }, &error);
  ASSERT_TRUE(w) << error;
  w->write([](schema::Record::Builder r) {
    auto d = r.initDoorbell();
    d.setQueueId(99);
    d.initPackets(3).set(0, 0xC3FF1100);
  });
  w->write([](schema::Record::Builder r) {
    auto c = r.initKmdCall();
    c.setPhase(schema::KmdCall::Phase::RETURNED);
    auto q = c.initCreateQueue();
    q.setQueueId(5);
    q.setGpuId(1);
    q.setQueueType(schema::QueueType::COMPUTE);
  });
  w->write([](schema::Record::Builder r) {
    auto d = r.initDoorbell();
    d.setGpuId(1);
    d.setQueueId(5);
    auto p = d.initPackets(4);
    p.set(0, 0xFFFF7600);  // SET_SH_REG, COUNT [29:16] = 0x3FFF: 16 K dwords
    p.set(1, 0xFFFF);
    p.set(2, 0xC0001100);  // after it, never reached
  });
  const std::vector<uint8_t> junk(64, 0xEE);
  const format::BlobId elf = w->put_blob(junk);
  w->write([&](schema::Record::Builder r) {
    auto c = r.initCodeObject();
    c.setName("junk");
    format::TraceWriter::set_blob_ref(c.initElf(), elf);
  });
  ASSERT_TRUE(w->close());
  const std::string text = dump(path);
  EXPECT_NE(text.find("q99 (no createQueue)"), std::string::npos) << text;
  EXPECT_NE(text.find("raw c3ff1100 00000000 00000000"), std::string::npos) << text;
  EXPECT_NE(text.find("TRUNCATED SET_SH_REG declared=16385 have=4"), std::string::npos) << text;
  EXPECT_NE(text.find("code object \"junk\""), std::string::npos) << text;
  EXPECT_NE(text.find("not a code object"), std::string::npos) << text;
}

}  // namespace
}  // namespace amdrr::inspect

// Records whose pointers have the wrong kind for their field (a struct where
// the schema says text or a list) pass Cap'n Proto's bounds checks; the
// reader must still refuse them as corrupt, since a tool's getter would
// otherwise throw kj::Exception where nothing catches it. Found by
// fuzz_trace_record (CodeObject.name holding a struct pointer).

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "format/trace_reader.h"
#include "format/zstd_frames.h"
#include "tests/support/temp_dir.h"

namespace amdrr::format {
namespace {

std::vector<uint8_t> flat(capnp::MallocMessageBuilder& message) {
  auto words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  return {bytes.begin(), bytes.end()};
}

/// A trace holding a header and one record shaped by `fill`.
std::string trace_with(const std::string& path,
                       const std::function<void(schema::Record::Builder)>& fill) {
  capnp::MallocMessageBuilder header;
  auto h = header.initRoot<schema::Record>().initHeader();
  h.setFormatMajor(schema::FORMAT_MAJOR);
  h.setFormatMinor(schema::FORMAT_MINOR);
  capnp::MallocMessageBuilder record;
  fill(record.initRoot<schema::Record>());
  auto a = flat(header), b = flat(record);
  FILE* f = std::fopen(path.c_str(), "wb");
  EXPECT_NE(f, nullptr);
  EXPECT_TRUE(write_raw_frame(fileno(f), a.data(), a.size()));
  EXPECT_TRUE(write_raw_frame(fileno(f), b.data(), b.size()));
  std::fclose(f);
  return path;
}

void expect_corrupt_at_record_1(const std::string& path) {
  std::string error;
  auto reader = TraceReader::open(path, &error);
  ASSERT_NE(reader, nullptr) << error;
  ASSERT_TRUE(reader->next().has_value());  // the header
  EXPECT_FALSE(reader->next().has_value());
  EXPECT_EQ(reader->end(), TraceEnd::kCorrupt);
  EXPECT_NE(reader->end_message().find("record 1"), std::string::npos) << reader->end_message();
}

TEST(HostileRecord, StructWhereTextIsDeclaredIsCorrupt) {
  testing::TempDir dir;
  expect_corrupt_at_record_1(trace_with(dir.file("t.amdrr"), [](schema::Record::Builder r) {
    auto code = r.initCodeObject();
    // CodeObject's pointers: elf (0), name (1). A struct where text goes.
    capnp::toAny(code).getPointerSection()[1].initAs<schema::Hash128>().setLo(1);
  }));
}

TEST(HostileRecord, StructWhereAListIsDeclaredIsCorrupt) {
  testing::TempDir dir;
  expect_corrupt_at_record_1(trace_with(dir.file("t.amdrr"), [](schema::Record::Builder r) {
    // Doorbell's pointers: packets (0), packetsBlob (1).
    auto doorbell = r.initDoorbell();
    capnp::toAny(doorbell).getPointerSection()[0].initAs<schema::Hash128>().setHi(2);
  }));
}

TEST(HostileRecord, WellFormedRecordStillReads) {
  testing::TempDir dir;
  std::string error;
  auto reader = TraceReader::open(
      trace_with(dir.file("t.amdrr"),
                 [](schema::Record::Builder r) { r.initCodeObject().setName("vector_add"); }),
      &error);
  ASSERT_NE(reader, nullptr) << error;
  ASSERT_TRUE(reader->next().has_value());  // the header
  auto v = reader->next();
  ASSERT_TRUE(v.has_value()) << reader->end_message();
  EXPECT_EQ(std::string(v->record.getCodeObject().getName().cStr()), "vector_add");
}

}  // namespace
}  // namespace amdrr::format

// Seeking by record number, through the frame index and without one.
#include <gtest/gtest.h>

#include "format/trace_reader.h"
#include "format/zstd_frames.h"
#include "tests/format/trace_fixtures.h"
#include "tests/support/temp_dir.h"

namespace amdrr {
namespace {

using format::TraceReader;

void expect_seeks(TraceReader& reader, uint64_t total) {
  // Forwards, backwards, and the same record twice.
  for (uint64_t n : {uint64_t{5}, uint64_t{3}, total - 2, uint64_t{1}, uint64_t{77}, uint64_t{77},
                     uint64_t{0}, total - 1}) {
    auto v = reader.seek(n);
    ASSERT_TRUE(v.has_value()) << "record " << n << ": " << reader.end_message();
    EXPECT_EQ(v->number, n);
    if (v->record.which() == schema::Record::DOORBELL) {
      EXPECT_EQ(v->record.getDoorbell().getValue(), n - 1);  // record 0 is the header
    }
    if (n + 1 < total) {
      auto after = reader.next();
      ASSERT_TRUE(after.has_value());
      EXPECT_EQ(after->number, n + 1);
    }
  }
  EXPECT_FALSE(reader.seek(total).has_value());
  EXPECT_EQ(reader.end(), format::TraceEnd::kClean);
  // The reader is still usable after running off the end.
  auto v = reader.seek(10);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->number, 10u);
}

TEST(TraceSeek, ThroughTheIndex) {
  testing::TempDir dir;
  std::string path = dir.file("t.amdrr");
  uint64_t total = testing::write_many_frames(path, 300, 512);
  std::string error;
  auto reader = TraceReader::open(path, &error);
  ASSERT_NE(reader, nullptr) << error;
  EXPECT_TRUE(reader->has_index());
  expect_seeks(*reader, total);
}

TEST(TraceSeek, WithoutAnIndexByScanning) {
  testing::TempDir dir;
  std::string path = dir.file("t.amdrr");
  uint64_t total = testing::write_many_frames(path, 300, 512);
  auto bytes = testing::read_file(path);
  // Drop the footer: the index can no longer be found, the records remain.
  bytes.resize(bytes.size() - format::kFooterBytes);
  testing::write_file(path, bytes);
  std::string error;
  auto reader = TraceReader::open(path, &error);
  ASSERT_NE(reader, nullptr) << error;
  EXPECT_FALSE(reader->has_index());
  expect_seeks(*reader, total);
}

TEST(TraceSeek, BlobsResolveAfterAJumpThroughTheIndex) {
  testing::TempDir dir;
  std::string path = dir.file("t.amdrr");
  uint64_t total = testing::write_every_kind(path);
  std::string error;
  auto reader = TraceReader::open(path, &error);
  ASSERT_NE(reader, nullptr) << error;
  // Jump to the end without reading the blobs' frames: the index knows them.
  auto last = reader->seek(total - 1);
  ASSERT_TRUE(last.has_value());
  auto content = testing::big_blob_content();
  std::vector<uint8_t> out;
  ASSERT_TRUE(reader->read_blob({format::hash128(content), content.size()}, &out, &error)) << error;
  EXPECT_EQ(out, content);
}

}  // namespace
}  // namespace amdrr

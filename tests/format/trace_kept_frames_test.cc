// A reader keeps the frames it has read through, decompressed and checked,
// so reading the trace again (replay reads it after its scan) neither
// decompresses nor checks them again, and cannot see them change.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <vector>

#include "format/trace_reader.h"
#include "tests/format/trace_fixtures.h"
#include "tests/support/temp_dir.h"

namespace amdrr {
namespace {

using format::TraceReader;

struct Seen {
  uint64_t number;
  uint64_t bytes;
  uint64_t doorbell_value;
  bool operator==(const Seen&) const = default;
};

// Every record from the start, or nothing past where the reader stopped.
std::vector<Seen> read_all(TraceReader& reader) {
  std::vector<Seen> out;
  auto v = reader.seek(0);
  while (v) {
    const bool doorbell = v->record.which() == schema::Record::DOORBELL;
    out.push_back({v->number, v->bytes, doorbell ? v->record.getDoorbell().getValue() : ~0ull});
    v = reader.next();
  }
  return out;
}

std::unique_ptr<TraceReader> open(const std::string& path, uint64_t keep_bytes) {
  format::ReadLimits limits;
  limits.max_kept_frame_bytes = keep_bytes;
  std::string error;
  auto reader = TraceReader::open(path, &error, limits);
  EXPECT_NE(reader, nullptr) << error;
  return reader;
}

// Overwrites the middle third of the file in place, as another process might.
void damage_in_place(const std::string& path) {
  const auto bytes = testing::read_file(path);
  const std::vector<uint8_t> junk(bytes.size() / 3, 0xa5);
  const int fd = ::open(path.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(pwrite(fd, junk.data(), junk.size(), static_cast<off_t>(bytes.size() / 3)),
            static_cast<ssize_t>(junk.size()));
  ::close(fd);
}

TEST(KeptFrames, SecondPassNeitherDecompressesNorDiffers) {
  testing::TempDir dir;
  const std::string path = dir.file("t.amdrr");
  const uint64_t total = testing::write_many_frames(path, 300, 512);
  auto reader = open(path, 64u << 20);
  const auto first = read_all(*reader);
  ASSERT_EQ(first.size(), total);
  ASSERT_EQ(reader->end(), format::TraceEnd::kClean);
  const uint64_t before = reader->frames_decompressed();
  // Frames that do not compress 2:1 (here the last, with the End record
  // alone) decompress at memcpy speed: those are not kept.
  uint64_t not_kept = 0;
  for (const format::FrameInfo& f : reader->frames()) {
    if (f.compressed_size * 2 > f.content_size) ++not_kept;
  }
  EXPECT_GT(reader->frames().size(), 10 + not_kept);
  EXPECT_EQ(read_all(*reader), first);
  EXPECT_EQ(reader->end(), format::TraceEnd::kClean);
  EXPECT_EQ(reader->frames_decompressed(), before + not_kept);
}

TEST(KeptFrames, WithoutRoomEveryPassDecompressesAgain) {
  testing::TempDir dir;
  const std::string path = dir.file("t.amdrr");
  testing::write_many_frames(path, 300, 512);
  auto reader = open(path, 0);
  const auto first = read_all(*reader);
  const uint64_t before = reader->frames_decompressed();
  const uint64_t frames = reader->frames().size();
  EXPECT_GT(frames, 10u);
  EXPECT_EQ(read_all(*reader), first);
  EXPECT_EQ(reader->frames_decompressed(), before + frames);
}

TEST(KeptFrames, WhatWasCheckedCannotChangeUnderTheReader) {
  testing::TempDir dir;
  const std::string path = dir.file("t.amdrr");
  const uint64_t total = testing::write_many_frames(path, 300, 512);
  auto keeping = open(path, 64u << 20);
  auto not_keeping = open(path, 0);
  const auto first = read_all(*keeping);
  ASSERT_EQ(first.size(), total);
  ASSERT_EQ(read_all(*not_keeping), first);

  damage_in_place(path);
  // The mapping shows the damage to a reader that reads the file again...
  const auto damaged = read_all(*not_keeping);
  EXPECT_EQ(not_keeping->end(), format::TraceEnd::kCorrupt);
  EXPECT_LT(damaged.size(), total);
  // ...while the kept frames are the reader's own, checked once.
  EXPECT_EQ(read_all(*keeping), first);
  EXPECT_EQ(keeping->end(), format::TraceEnd::kClean);
}

}  // namespace
}  // namespace amdrr

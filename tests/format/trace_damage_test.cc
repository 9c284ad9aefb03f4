// A trace cut at any byte, or with bytes flipped anywhere, yields every record
// before the damage and a clear outcome — never a crash or a hang.
#include <gtest/gtest.h>
#include <zstd.h>

#include <random>

#include "format/trace_reader.h"
#include "format/zstd_frames.h"
#include "tests/format/trace_fixtures.h"
#include "tests/support/temp_dir.h"

namespace amdrr {
namespace {

using format::TraceEnd;
using format::TraceReader;
using testing::TempDir;

struct Scan {
  bool opened = false;
  std::string open_error;
  uint64_t records = 0;
  TraceEnd end = TraceEnd::kReading;
  std::string message;
  std::vector<uint64_t> values;  // doorbell values, in order
};

Scan scan(const std::string& path) {
  Scan s;
  auto reader = TraceReader::open(path, &s.open_error);
  if (!reader) return s;
  s.opened = true;
  while (auto v = reader->next()) {
    ++s.records;
    if (v->record.which() == schema::Record::DOORBELL) {
      s.values.push_back(v->record.getDoorbell().getValue());
    }
  }
  s.end = reader->end();
  s.message = reader->end_message();
  return s;
}

TEST(TraceDamage, TruncationAtEveryByteKeepsEveryCompleteFrame) {
  TempDir dir;
  std::string full = dir.file("full.amdrr");
  uint64_t total = testing::write_many_frames(full, 60, 400);
  auto bytes = testing::read_file(full);

  std::string error;
  auto reader = TraceReader::open(full, &error);
  ASSERT_NE(reader, nullptr) << error;
  while (reader->next()) {
  }
  ASSERT_EQ(reader->end(), TraceEnd::kClean);
  auto frames = reader->frames();
  ASSERT_GT(frames.size(), 5u) << "the sweep needs several frames";
  uint64_t data_end = frames.back().offset + frames.back().compressed_size;

  std::string cut = dir.file("cut.amdrr");
  for (size_t len = 0; len <= bytes.size(); ++len) {
    testing::write_file(
        cut, std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<long>(len)));
    Scan s = scan(cut);
    uint64_t expected = 0;
    for (const auto& f : frames) {
      if (f.offset + f.compressed_size <= len) expected += f.records;
    }
    if (expected == 0) {
      EXPECT_FALSE(s.opened) << "length " << len;
      EXPECT_FALSE(s.open_error.empty());
      continue;
    }
    ASSERT_TRUE(s.opened) << "length " << len << ": " << s.open_error;
    EXPECT_EQ(s.records, expected) << "length " << len;
    for (size_t i = 0; i < s.values.size(); ++i) ASSERT_EQ(s.values[i], i);
    if (len >= data_end) {
      EXPECT_EQ(s.end, TraceEnd::kClean) << "length " << len << ": " << s.message;
      EXPECT_EQ(s.records, total);
    } else {
      EXPECT_EQ(s.end, TraceEnd::kCutShort) << "length " << len << ": " << s.message;
      EXPECT_NE(s.message.find("byte "), std::string::npos) << s.message;
    }
  }
}

TEST(TraceDamage, RandomCorruptionNeverCrashesAndKeepsAPrefix) {
  TempDir dir;
  std::string full = dir.file("full.amdrr");
  uint64_t total = testing::write_many_frames(full, 200, 1024);
  auto bytes = testing::read_file(full);
  std::mt19937_64 rng(20261125);
  std::string bad = dir.file("bad.amdrr");
  int detected = 0;
  for (int round = 0; round < 400; ++round) {
    auto copy = bytes;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) {
      copy[rng() % copy.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    }
    testing::write_file(bad, copy);
    Scan s = scan(bad);
    if (!s.opened) {
      EXPECT_FALSE(s.open_error.empty());
      ++detected;
      continue;
    }
    // Whatever was read is the true prefix of the trace.
    for (size_t i = 0; i < s.values.size(); ++i) ASSERT_EQ(s.values[i], i) << "round " << round;
    if (s.end == TraceEnd::kClean) {
      EXPECT_EQ(s.records, total) << "round " << round;  // damage only in the index/footer
    } else {
      EXPECT_FALSE(s.message.empty());
      ++detected;
    }
  }
  EXPECT_GT(detected, 300) << "checksums should catch nearly every flip in frame data";
}

// A frame whose checksum is right but whose content is not capnp: the
// message validation, not the checksum, must catch it.
TEST(TraceDamage, GarbageInsideAValidFrameIsCorruptNotACrash) {
  TempDir dir;
  std::string path = dir.file("t.amdrr");
  testing::write_many_frames(path, 3, 1 << 20);
  auto bytes = testing::read_file(path);
  std::string error;
  auto reader = TraceReader::open(path, &error);
  ASSERT_NE(reader, nullptr);
  while (reader->next()) {
  }
  uint64_t header_end = reader->frames()[0].offset + reader->frames()[0].compressed_size;

  std::mt19937_64 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::vector<uint64_t> garbage(16 + rng() % 64);
    for (auto& w : garbage) w = rng();
    if (round % 2 == 0)
      garbage[0] = (garbage[0] & 0xffffffff00000000ull);  // one segment, huge size
    std::vector<uint8_t> frame(ZSTD_compressBound(garbage.size() * 8));
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    size_t n = ZSTD_compress2(cctx, frame.data(), frame.size(), garbage.data(), garbage.size() * 8);
    ZSTD_freeCCtx(cctx);
    ASSERT_FALSE(ZSTD_isError(n));
    std::vector<uint8_t> hostile(bytes.begin(), bytes.begin() + static_cast<long>(header_end));
    hostile.insert(hostile.end(), frame.begin(), frame.begin() + static_cast<long>(n));
    testing::write_file(path, hostile);
    Scan s = scan(path);
    ASSERT_TRUE(s.opened) << s.open_error;
    EXPECT_EQ(s.end, TraceEnd::kCorrupt) << s.message;
    EXPECT_NE(s.message.find("malformed"), std::string::npos) << s.message;
  }
}

// One flipped header bit can clear a frame's checksum flag, after which
// damaged data would decode silently (found by the random-corruption test):
// a frame without a checksum is refused.
TEST(TraceDamage, FrameWithoutAChecksumIsRefused) {
  TempDir dir;
  std::string path = dir.file("t.amdrr");
  testing::write_many_frames(path, 3, 1 << 20);
  auto bytes = testing::read_file(path);
  std::string error;
  auto reader = TraceReader::open(path, &error);
  ASSERT_NE(reader, nullptr) << error;
  while (reader->next()) {
  }
  const auto& frame = reader->frames()[1];
  std::vector<uint8_t> content(frame.content_size);
  ASSERT_EQ(ZSTD_decompress(content.data(), content.size(), bytes.data() + frame.offset,
                            frame.compressed_size),
            content.size());
  std::vector<uint8_t> plain(ZSTD_compressBound(content.size()));
  size_t n = ZSTD_compress(plain.data(), plain.size(), content.data(), content.size(), 1);
  ASSERT_FALSE(ZSTD_isError(n));  // ZSTD_compress writes no checksum
  std::vector<uint8_t> hostile(bytes.begin(), bytes.begin() + static_cast<long>(frame.offset));
  hostile.insert(hostile.end(), plain.begin(), plain.begin() + static_cast<long>(n));
  testing::write_file(path, hostile);
  Scan s = scan(path);
  ASSERT_TRUE(s.opened) << s.open_error;
  EXPECT_EQ(s.end, TraceEnd::kCorrupt);
  EXPECT_NE(s.message.find("without a content checksum"), std::string::npos) << s.message;
}

TEST(TraceDamage, RawFrameFromTheSignalPathIsValidZstd) {
  TempDir dir;
  for (size_t size : {size_t{0}, size_t{1}, size_t{128 * 1024}, size_t{300 * 1024 + 5}}) {
    std::vector<uint8_t> content(size);
    for (size_t i = 0; i < size; ++i) content[i] = static_cast<uint8_t>(i * 31 + 7);
    std::string path = dir.file("raw" + std::to_string(size));
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_TRUE(format::write_raw_frame(fileno(f), content.data(), content.size()));
    std::fclose(f);
    auto frame = testing::read_file(path);
    auto probe = format::probe_frame(frame);
    ASSERT_EQ(probe.kind, format::FrameProbe::Kind::kZstd) << probe.error;
    EXPECT_EQ(probe.content_size, size);
    std::vector<uint8_t> out(size + 1);
    size_t got = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
    ASSERT_FALSE(ZSTD_isError(got)) << ZSTD_getErrorName(got);
    out.resize(got);
    EXPECT_EQ(out, content);
    if (size > 0) {
      frame[frame.size() - 5] ^= 1;  // a content byte: the checksum must catch it
      got = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
      EXPECT_TRUE(ZSTD_isError(got));
    }
  }
}

}  // namespace
}  // namespace amdrr

// Frames whose content would not shrink are stored as raw zstd blocks; the
// sampler that decides must not take compressible content for noise, and
// either kind reads back byte for byte.

#include <gtest/gtest.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <tuple>
#include <vector>

#include "format/trace_reader.h"
#include "format/trace_writer.h"
#include "format/zstd_frames.h"
#include "tests/support/temp_dir.h"

namespace amdrr::format {
namespace {

std::vector<uint8_t> noise(size_t size, uint64_t seed) {
  std::vector<uint8_t> out(size);
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (auto& b : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<uint8_t>(x);
  }
  return out;
}

// Floats of a smooth signal: what a GPU buffer often holds, and compressible.
std::vector<uint8_t> ramp(size_t size) {
  std::vector<uint8_t> out(size);
  for (size_t i = 0; i + 4 <= size; i += 4) {
    const float v = static_cast<float>(i / 4 % 4096) * 0.25f;
    std::memcpy(out.data() + i, &v, 4);
  }
  return out;
}

struct Cctx {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  Cctx() { ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 1); }
  ~Cctx() { ZSTD_freeCCtx(c); }
};

TEST(RawFrames, TheSamplerTellsNoiseFromContent) {
  Cctx z;
  const auto n = noise(1 << 20, 1);
  const auto r = ramp(1 << 20);
  EXPECT_TRUE(looks_incompressible(z.c, n.data(), n.size()));
  EXPECT_FALSE(looks_incompressible(z.c, r.data(), r.size()));
  // Small frames are always compressed.
  EXPECT_FALSE(looks_incompressible(z.c, n.data(), 128 * 1024));
  // Mostly noise with compressible stretches where two samples fall: compressed.
  auto mixed = n;
  std::memcpy(mixed.data() + mixed.size() / 8 - 64 * 1024, r.data(), 128 * 1024);
  std::memcpy(mixed.data() + mixed.size() * 5 / 8 - 64 * 1024, r.data(), 128 * 1024);
  EXPECT_FALSE(looks_incompressible(z.c, mixed.data(), mixed.size()));
}

TEST(RawFrames, EncodedRawFrameDecodesWithZstd) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{128 * 1024}, size_t{300 * 1024 + 7}}) {
    const auto in = noise(size, size);
    std::vector<uint8_t> frame(raw_frame_bytes(size));
    ASSERT_EQ(encode_raw_frame(frame.data(), in.data(), in.size()), frame.size());
    std::vector<uint8_t> out(size + 1);
    const size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
    ASSERT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
    ASSERT_EQ(n, size);
    EXPECT_TRUE(std::equal(in.begin(), in.end(), out.begin()));
  }
}

// The gathered write (the compressor's, content straight from the slot)
// writes the very frame the encoder builds.
TEST(RawFrames, GatheredWriteIsTheEncodedFrame) {
  testing::TempDir dir;
  for (size_t size : {size_t{0}, size_t{1}, size_t{16}, size_t{17}, size_t{128 * 1024 - 1},
                      size_t{128 * 1024}, size_t{128 * 1024 + 5}, size_t{3 << 20}}) {
    SCOPED_TRACE(size);
    const auto in = noise(size, size + 3);
    std::vector<uint8_t> expected(raw_frame_bytes(size));
    ASSERT_EQ(encode_raw_frame(expected.data(), in.data(), in.size()), expected.size());
    const std::string path = dir.file("gathered" + std::to_string(size));
    FILE* f = std::fopen(path.c_str(), "w+b");
    ASSERT_NE(f, nullptr);
    ASSERT_TRUE(writev_raw_frame(fileno(f), in.data(), in.size()));
    std::fclose(f);
    ASSERT_EQ(std::filesystem::file_size(path), expected.size());
    std::vector<uint8_t> got(expected.size());
    f = std::fopen(path.c_str(), "rb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(std::fread(got.data(), 1, got.size(), f), got.size());
    std::fclose(f);
    EXPECT_TRUE(got == expected);
  }
}

TEST(RawFrames, NoiseAndContentBlobsReadBackAndContentStillShrinks) {
  testing::TempDir dir;
  const auto n = noise(6 << 20, 7);
  const auto r = ramp(6 << 20);
  auto trace_of = [&](const std::vector<uint8_t>& blob, BlobId* id) {
    const std::string path = dir.file("t" + std::to_string(blob[100]) + ".amdrr");
    std::string error;
    auto w = TraceWriter::create(path, nullptr, &error);
    EXPECT_NE(w, nullptr) << error;
    *id = w->put_blob(blob);
    EXPECT_TRUE(w->close());
    return path;
  };
  BlobId nid, rid;
  const std::string npath = trace_of(n, &nid);
  const std::string rpath = trace_of(r, &rid);
  // Noise costs its size and little more; the ramp shrinks a lot.
  EXPECT_LT(std::filesystem::file_size(npath), n.size() + 64 * 1024);
  EXPECT_LT(std::filesystem::file_size(rpath), r.size() / 4);
  for (const auto& [path, id, want] : {std::tuple{npath, nid, &n}, std::tuple{rpath, rid, &r}}) {
    std::string error;
    auto reader = TraceReader::open(path, &error);
    ASSERT_NE(reader, nullptr) << error;
    std::vector<uint8_t> got;
    ASSERT_TRUE(reader->read_blob(id, &got, &error)) << error;
    EXPECT_EQ(got, *want);
  }
}

}  // namespace
}  // namespace amdrr::format

#include "format/zstd_frames.h"

#include <limits.h>
#include <sys/uio.h>
#include <unistd.h>
#include <xxhash.h>
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace amdrr::format {
namespace {

constexpr size_t kMaxRawBlock = 128 * 1024;  // zstd's Block_Maximum_Size

void store_le32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void store_le64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

bool write_all(int fd, const uint8_t* p, size_t n) noexcept {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

uint32_t load_le32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
uint64_t load_le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

namespace {

// A zstd frame of raw blocks, handed piece by piece to `put(bytes, n)`.
template <typename Put>
bool emit_raw_frame(const uint8_t* bytes, size_t size, Put&& put) noexcept {
  // Frame header (RFC 8878 3.1.1.1): magic, descriptor, 8-byte content size.
  // Descriptor 0xE4: content-size field of 8 bytes, single segment (no window
  // descriptor), content checksum present.
  uint8_t header[4 + 1 + 8];
  store_le32(header, kZstdMagic);
  header[4] = 0xE4;
  store_le64(header + 5, size);
  if (!put(header, sizeof(header))) return false;

  size_t done = 0;
  do {
    size_t block = size - done < kMaxRawBlock ? size - done : kMaxRawBlock;
    bool last = done + block == size;
    // Block header: bit 0 last block, bits 1-2 type (0 = raw), bits 3-23 size.
    uint32_t bh = (last ? 1u : 0u) | (static_cast<uint32_t>(block) << 3);
    uint8_t block_header[3] = {static_cast<uint8_t>(bh), static_cast<uint8_t>(bh >> 8),
                               static_cast<uint8_t>(bh >> 16)};
    if (!put(block_header, 3) || !put(bytes + done, block)) return false;
    done += block;
  } while (done < size);

  uint8_t checksum[4];
  store_le32(checksum, static_cast<uint32_t>(XXH64(bytes, size, 0)));
  return put(checksum, 4);
}

}  // namespace

bool write_raw_frame(int fd, const uint8_t* bytes, size_t size) noexcept {
  return emit_raw_frame(bytes, size,
                        [fd](const uint8_t* p, size_t n) { return write_all(fd, p, n); });
}

size_t raw_frame_bytes(size_t size) {
  const size_t blocks = size == 0 ? 1 : (size + kMaxRawBlock - 1) / kMaxRawBlock;
  return 13 + 3 * blocks + size + 4;
}

size_t encode_raw_frame(uint8_t* out, const uint8_t* bytes, size_t size) noexcept {
  uint8_t* at = out;
  emit_raw_frame(bytes, size, [&at](const uint8_t* p, size_t n) {
    if (n == 0) return true;  // an empty frame's block: `p` may be null
    std::memcpy(at, p, n);
    at += n;
    return true;
  });
  return static_cast<size_t>(at - out);
}

bool writev_raw_frame(int fd, const uint8_t* bytes, size_t size) {
  // Headers (at most 13 bytes each) are copied aside, content is pointed at.
  struct Piece {
    const uint8_t* data;  // nullptr: `small` from `offset`
    size_t offset;
    size_t size;
  };
  std::vector<uint8_t> small;
  std::vector<Piece> pieces;
  small.reserve(13 + 3 * (size / kMaxRawBlock + 1) + 4);
  emit_raw_frame(bytes, size, [&](const uint8_t* p, size_t n) {
    if (n == 0) return true;
    if (n <= 16) {
      pieces.push_back({nullptr, small.size(), n});
      small.insert(small.end(), p, p + n);
    } else {
      pieces.push_back({p, 0, n});
    }
    return true;
  });
  std::vector<iovec> iov;
  iov.reserve(pieces.size());
  for (const Piece& piece : pieces) {
    const uint8_t* at = piece.data ? piece.data : small.data() + piece.offset;
    iov.push_back({const_cast<uint8_t*>(at), piece.size});
  }
  size_t next = 0;
  while (next < iov.size()) {
    const int count = static_cast<int>(std::min<size_t>(iov.size() - next, IOV_MAX));
    ssize_t w = ::writev(fd, iov.data() + next, count);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    // Skip what was written; a partial write leaves the rest of a piece.
    auto left = static_cast<size_t>(w);
    while (next < iov.size() && left >= iov[next].iov_len) left -= iov[next++].iov_len;
    if (left > 0) {
      iov[next].iov_base = static_cast<uint8_t*>(iov[next].iov_base) + left;
      iov[next].iov_len -= left;
    }
  }
  return true;
}

// Whether a frame's content would not shrink: four 16 KiB samples spread
// over it, each compressed on its own, save under 3 %. Such frames (a
// GPU buffer of noise-like floats, say) are stored as raw blocks: zstd -1
// runs ~1.5 GB/s a core on such data here only to find that out, and the
// samples are 64 KiB of a frame of 256 KiB or more. Small frames are always
// compressed.
bool looks_incompressible(ZSTD_CCtx* cctx, const uint8_t* data, size_t size) {
  constexpr size_t kSample = 16 * 1024;
  constexpr int kSamples = 4;
  if (size < 16 * kSample) return false;
  thread_local std::vector<uint8_t> out(ZSTD_compressBound(kSample));
  size_t compressed = 0;
  for (int i = 0; i < kSamples; ++i) {
    const size_t at =
        size / kSamples * static_cast<size_t>(i) + size / (2 * kSamples) - kSample / 2;
    const size_t n = ZSTD_compress2(cctx, out.data(), out.size(), data + at, kSample);
    if (ZSTD_isError(n)) return false;
    compressed += n;
  }
  return compressed * 100 >= kSamples * kSample * 97;
}

std::vector<uint8_t> make_skippable_frame(uint32_t magic, std::span<const uint8_t> payload) {
  std::vector<uint8_t> out(8 + payload.size());
  store_le32(out.data(), magic);
  store_le32(out.data() + 4, static_cast<uint32_t>(payload.size()));
  if (!payload.empty()) std::memcpy(out.data() + 8, payload.data(), payload.size());
  return out;
}

std::vector<uint8_t> make_footer(uint64_t index_frame_offset) {
  uint8_t payload[16];
  std::memcpy(payload, kFooterTag, 8);
  store_le64(payload + 8, index_frame_offset);
  return make_skippable_frame(kFooterMagic, payload);
}

FrameProbe probe_frame(std::span<const uint8_t> bytes) {
  FrameProbe probe;
  if (bytes.size() < 4) {
    probe.kind = FrameProbe::Kind::kTruncated;
    return probe;
  }
  uint32_t magic = load_le32(bytes.data());
  probe.magic = magic;
  if (magic >= kSkippableMagicFirst && magic <= kSkippableMagicLast) {
    if (bytes.size() < 8) {
      probe.kind = FrameProbe::Kind::kTruncated;
      return probe;
    }
    uint64_t size = 8ull + load_le32(bytes.data() + 4);
    probe.kind = size <= bytes.size() ? FrameProbe::Kind::kSkippable : FrameProbe::Kind::kTruncated;
    probe.size = size;
    return probe;
  }
  if (magic != kZstdMagic) {
    probe.error = "not a zstd frame (magic " + std::to_string(magic) + ")";
    return probe;
  }
  size_t size = ZSTD_findFrameCompressedSize(bytes.data(), bytes.size());
  if (ZSTD_isError(size)) {
    if (ZSTD_getErrorCode(size) == ZSTD_error_srcSize_wrong) {
      probe.kind = FrameProbe::Kind::kTruncated;
    } else {
      probe.error = std::string("bad zstd frame: ") + ZSTD_getErrorName(size);
    }
    return probe;
  }
  // amdrr writes every frame with its content size and content checksum. A
  // frame without them is refused: one flipped header bit can clear the
  // checksum flag, and damage in the data would then go unnoticed.
  ZSTD_frameHeader header{};
  if (ZSTD_getFrameHeader(&header, bytes.data(), size) != 0 ||
      header.frameContentSize == ZSTD_CONTENTSIZE_UNKNOWN) {
    probe.error = "zstd frame without a content size (damaged, or not written by amdrr)";
    return probe;
  }
  if (!header.checksumFlag) {
    probe.error = "zstd frame without a content checksum (damaged, or not written by amdrr)";
    return probe;
  }
  unsigned long long content = header.frameContentSize;
  probe.kind = FrameProbe::Kind::kZstd;
  probe.size = size;
  probe.content_size = content;
  return probe;
}

bool read_footer(std::span<const uint8_t> file, uint64_t* index_offset) {
  if (file.size() < kFooterBytes) return false;
  const uint8_t* f = file.data() + file.size() - kFooterBytes;
  if (load_le32(f) != kFooterMagic || load_le32(f + 4) != 16) return false;
  if (std::memcmp(f + 8, kFooterTag, 8) != 0) return false;
  *index_offset = load_le64(f + 16);
  return true;
}

}  // namespace amdrr::format

#pragma once
// The byte layer of a trace: zstd frames, skippable frames, and the raw-block
// frame written from a fatal-signal handler. Knows nothing of the schema.

#include <zstd.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace amdrr::format {

inline constexpr uint32_t kZstdMagic = 0xFD2FB528u;
// Skippable frames use magics 0x184D2A50..5F; plain zstd ignores them.
inline constexpr uint32_t kSkippableMagicFirst = 0x184D2A50u;
inline constexpr uint32_t kSkippableMagicLast = 0x184D2A5Fu;
inline constexpr uint32_t kIndexMagic = 0x184D2A5Au;   // holds the TraceIndex
inline constexpr uint32_t kFooterMagic = 0x184D2A5Fu;  // points at the index
inline constexpr size_t kFooterBytes = 8 + 16;         // frame header + tag + offset
inline constexpr char kFooterTag[8] = {'A', 'M', 'D', 'R', 'R', 'F', 'T', '1'};

/// Writes `bytes` as one zstd frame of raw (uncompressed) blocks, with content
/// size and content checksum, using write(2) alone: async-signal-safe, no
/// allocation. Returns false if a write failed.
bool write_raw_frame(int fd, const uint8_t* bytes, size_t size) noexcept;
/// The same frame built at `out` (raw_frame_bytes(size) long); returns its size.
size_t encode_raw_frame(uint8_t* out, const uint8_t* bytes, size_t size) noexcept;
/// The same frame written with gathered writes (writev) straight from
/// `bytes`: no copy of the content, a few system calls. Not for signal
/// handlers (it allocates). Returns false if a write failed.
bool writev_raw_frame(int fd, const uint8_t* bytes, size_t size);
size_t raw_frame_bytes(size_t size);

/// Whether `data` would not shrink under `cctx`'s settings, judged from four
/// samples (frames that would not are stored raw). False for small inputs.
bool looks_incompressible(ZSTD_CCtx* cctx, const uint8_t* data, size_t size);

/// A skippable frame: magic, little-endian payload size, payload.
std::vector<uint8_t> make_skippable_frame(uint32_t magic, std::span<const uint8_t> payload);

/// The fixed-size footer frame that closes an indexed trace.
std::vector<uint8_t> make_footer(uint64_t index_frame_offset);

/// What lies at some offset of a trace file.
struct FrameProbe {
  enum class Kind {
    kZstd,       // a complete zstd frame of `size` bytes holding `content_size` bytes
    kSkippable,  // a complete skippable frame of `size` bytes; `magic` says which
    kTruncated,  // a frame starts here but the file ends inside it
    kInvalid,    // not a frame: `error` says why
  };
  Kind kind = Kind::kInvalid;
  uint64_t size = 0;
  uint64_t content_size = 0;
  uint32_t magic = 0;
  std::string error;
};

/// Looks at the frame starting at `bytes` (the rest of the file); never reads
/// past the span and never decompresses.
FrameProbe probe_frame(std::span<const uint8_t> bytes);

/// If the file ends with a footer frame, the offset of the index frame it names.
bool read_footer(std::span<const uint8_t> file, uint64_t* index_offset);

uint32_t load_le32(const uint8_t* p);
uint64_t load_le64(const uint8_t* p);

}  // namespace amdrr::format

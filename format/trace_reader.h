#pragma once
// TraceReader: one pull iterator over a trace's records, for every tool.
// Traces come from strangers: every frame is checked (zstd checksum), every
// message is bounds-checked and fully traversed before a tool sees it, and a
// damaged trace yields every record before the damage, then a clear message.

#include <capnp/serialize.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "format/hash.h"
#include "format/trace.capnp.h"
#include "format/trace_writer.h"

namespace amdrr::format {

/// How reading ended.
enum class TraceEnd {
  kReading,   // not at the end yet
  kClean,     // the End record was read and nothing follows it
  kCutShort,  // the file stops early (crash, kill -9, copy cut off)
  kCorrupt,   // bytes that are not a valid trace
};
const char* trace_end_name(TraceEnd end);

struct ReadLimits {
  uint64_t max_frame_content = 64u << 20;  // bytes of messages in one frame
  int nesting_limit = 16;                  // capnp struct/list nesting
  uint64_t max_blob_bytes = 4ull << 30;    // one blob read back in full
  // Frames read through once are kept decompressed, their records already
  // checked, up to this many bytes: reading the trace again (replay reads
  // it after its scan) then neither decompresses nor checks them again.
  // 0 (one pass: info, dump): none kept, each frame's memory is reused.
  uint64_t max_kept_frame_bytes = 0;
};

/// One validated record. Valid until the reader moves on (next / seek).
struct RecordView {
  uint64_t number = 0;           // position in the trace, the header is 0
  size_t frame = 0;              // index into TraceReader::frames()
  uint64_t offset_in_frame = 0;  // byte offset of the message in the frame's content
  uint64_t bytes = 0;            // serialized size
  schema::Record::Reader record;
};

struct FrameInfo {
  uint64_t offset = 0;
  uint64_t compressed_size = 0;
  uint64_t content_size = 0;
  uint64_t first_record = 0;
  uint64_t records = 0;
};

class TraceReader {
 public:
  /// Opens `path` and reads its header. Returns nullptr with a message in
  /// `error` if the file is not a trace, is cut before its header, or was
  /// written by a newer major format version.
  static std::unique_ptr<TraceReader> open(const std::string& path, std::string* error,
                                           const ReadLimits& limits = {});
  ~TraceReader();
  TraceReader(const TraceReader&) = delete;
  TraceReader& operator=(const TraceReader&) = delete;

  schema::Header::Reader header() { return header_message_->getRoot<schema::Header>(); }

  /// The next record, or nullopt at the end; then end() says how it ended.
  std::optional<RecordView> next();
  /// Record `number` (next() then continues after it). Jumps through the
  /// frame index when the trace has one, else scans. nullopt if there is no
  /// such record (end() then says why).
  std::optional<RecordView> seek(uint64_t number);

  TraceEnd end() const { return end_; }
  /// What stopped the reading, with the byte offset; empty when clean.
  const std::string& end_message() const { return end_message_; }
  /// Byte offset where reading stopped (cut short or corrupt).
  uint64_t end_offset() const { return end_offset_; }

  bool has_index() const { return has_index_; }
  /// Frames read so far, in file order (all of them once next() has ended).
  const std::vector<FrameInfo>& frames() const { return frames_; }
  uint64_t file_size() const { return file_.size(); }
  /// Frames decompressed so far (kept frames are not decompressed again).
  uint64_t frames_decompressed() const { return frames_decompressed_; }

  /// Reads a blob's content back in full, checking its hash. False with a
  /// message in `error` if it is missing (not seen yet / not in the index),
  /// damaged, or over the limit.
  bool read_blob(const BlobId& id, std::vector<uint8_t>* out, std::string* error);

 private:
  TraceReader(std::span<const uint8_t> file, const ReadLimits& limits);
  void reset();
  bool load_index();
  bool advance_frame();
  void stop(TraceEnd end, uint64_t offset, std::string message);
  bool decompress(uint64_t offset, uint64_t size, uint64_t content_size,
                  std::vector<capnp::word>* out, std::string* error);
  struct BlobPlace {
    uint64_t frame_offset;
    uint64_t offset_in_frame;
  };
  bool read_blob_record(const Hash128& hash, std::vector<uint8_t>* out, size_t depth,
                        std::string* error);

  std::span<const uint8_t> file_;
  ReadLimits limits_;
  std::unique_ptr<capnp::MallocMessageBuilder> header_message_;

  // Scan state.
  uint64_t pos_ = 0;  // file offset of the next frame
  std::vector<capnp::word> content_;
  uint64_t content_size_ = 0;
  uint64_t content_pos_ = 0;
  uint64_t next_record_ = 0;
  bool seen_end_ = false;
  TraceEnd end_ = TraceEnd::kReading;
  std::string end_message_;
  uint64_t end_offset_ = 0;
  std::optional<capnp::FlatArrayMessageReader> message_;  // in place: no allocation per record
  std::vector<FrameInfo> frames_;
  // Frames whose every record passed the checks, decompressed, by file
  // offset. They are this reader's own memory, so what was checked cannot
  // change under it (the file is mapped; someone may write to it).
  struct KeptFrame {
    uint64_t compressed_size;
    std::vector<capnp::word> words;
  };
  std::unordered_map<uint64_t, KeptFrame> checked_frames_;
  uint64_t checked_frame_bytes_ = 0;
  uint64_t frames_decompressed_ = 0;
  const std::vector<capnp::word>* words_ = &content_;  // the frame being read
  bool words_checked_ = false;                         // words_ is a checked frame
  void keep_finished_frame();

  // Index and blobs.
  bool has_index_ = false;
  std::vector<FrameInfo> index_frames_;
  std::unordered_map<Hash128, BlobPlace, Hash128Hasher> blobs_;
  uint64_t blob_cache_offset_ = UINT64_MAX;
  std::vector<capnp::word> blob_cache_;
};

}  // namespace amdrr::format

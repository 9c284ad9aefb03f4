#pragma once
// TraceWriter: records in, a trace file out. The calling thread only builds
// each record in place in the current frame slot; a background thread
// compresses full frames (FramePipeline). Bulk bytes go through put_blob()
// and are stored once per content.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "format/frame_pipeline.h"
#include "format/hash.h"
#include "format/slot_message_builder.h"
#include "format/trace.capnp.h"
#include "format/trace_clock.h"

namespace amdrr::format {

/// Content stored in the trace, as records refer to it.
struct BlobId {
  Hash128 hash;
  uint64_t size = 0;
};

struct WriterOptions {
  size_t frame_bytes = 1u << 20;  // uncompressed bytes per zstd frame
  int zstd_level = 1;
  int slots = 4;  // frames in flight before the writer blocks
  int workers = 0;  // compressing threads; 0: compressing_workers(usable_cpus())
};

struct WriterStats {
  uint64_t records = 0;
  uint64_t logical_blob_bytes = 0;  // content referenced, before dedup
  uint64_t stored_blob_bytes = 0;   // content stored, after dedup
  uint64_t bytes_in = 0;            // uncompressed bytes compressed so far
  uint64_t bytes_out = 0;           // compressed bytes written so far
};

class TraceWriter {
 public:
  using HeaderFill = std::function<void(schema::Header::Builder)>;

  /// Creates `path` (replacing it) and writes the header record, after
  /// setting the format version, tool version and creation time; `fill` adds
  /// the rest. Returns nullptr with a message in `error` on failure.
  static std::unique_ptr<TraceWriter> create(const std::string& path, const HeaderFill& fill,
                                             std::string* error, const WriterOptions& options = {});
  ~TraceWriter();
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  /// Appends one record: `fill(schema::Record::Builder)` sets its union arm;
  /// time and thread are stamped here. Returns the record's number.
  template <typename Fill>
  uint64_t write(Fill&& fill) {
    std::lock_guard lock(mutex_);
    return write_locked(std::forward<Fill>(fill));
  }

  /// Appends one record that lays itself out: `encode(uint8_t* at, uint64_t
  /// time_ns, uint32_t thread)` writes a framed message of exactly `bytes`
  /// bytes at `at` (zeroed). For the record written per submission, whose
  /// hand-laid encoder (format/doorbell_encoding.h) skips capnp's builder.
  template <typename Encode>
  uint64_t write_encoded(size_t bytes, Encode&& encode) {
    std::lock_guard lock(mutex_);
    uint8_t* at = reserve_bytes(bytes);
    const Stamp s = stamp_values();
    encode(at, s.time_ns, s.thread);
    return finish_bytes(bytes);
  }

  /// Stores `bytes` unless the same content is already in the trace.
  BlobId put_blob(std::span<const uint8_t> bytes);
  static void set_blob_ref(schema::BlobRef::Builder ref, const BlobId& id);

  /// Ends the current frame and waits until everything so far is written.
  void flush();
  /// Writes the End record, the frame index and the footer, and closes the
  /// file. Returns false (see error()) if any write failed. Idempotent.
  bool close(schema::EndReason reason = schema::EndReason::CLOSED);
  /// Async-signal-safe: writes what is pending as raw zstd frames. For a
  /// fatal-signal handler; the trace then reads as cut short. A process that
  /// survives the signal goes on writing: later records follow, each once.
  bool emergency_flush() noexcept { return pipeline_->emergency_flush(); }

  std::string error() const;
  WriterStats stats() const;

 private:
  TraceWriter(int fd, const WriterOptions& options);

  template <typename Fill>
  uint64_t write_locked(Fill&& fill) {
    SlotMessageBuilder message(reserve(kSmallRecordBytes));
    auto record = message.initRoot<schema::Record>();
    stamp(record);
    fill(record);
    return finish(message);
  }
  kj::ArrayPtr<capnp::word> reserve(size_t bytes);
  uint8_t* reserve_bytes(size_t bytes);  // a whole framed message
  uint64_t finish_bytes(size_t bytes);
  struct Stamp {
    uint64_t time_ns;
    uint32_t thread;
  };
  Stamp stamp_values();
  void stamp(schema::Record::Builder record);
  uint64_t counted(size_t used);  // bookkeeping after a record of either kind
  /// Frames the built record; `blob` names it when it is a Blob, for the index.
  uint64_t finish(SlotMessageBuilder& message, const Hash128* blob = nullptr);
  void seal_locked();
  void write_blob_record(const Hash128& hash, std::span<const uint8_t> bytes);
  void write_index();

  static constexpr size_t kSmallRecordBytes = 64 * 1024;
  static constexpr size_t kBlobChunkBytes = 1u << 20;

  int fd_;
  size_t frame_bytes_;
  std::unique_ptr<FramePipeline> pipeline_;
  bool closed_ = false;
  std::string close_error_;

  mutable std::mutex mutex_;  // guards everything below
  TraceClock clock_;          // records' times
  uint64_t records_ = 0;
  uint64_t last_record_offset_ = 0;  // offset of the last record in its frame
  uint64_t last_sealed_ = UINT64_MAX;
  FrameMeta meta_;  // of the frame being filled
  std::unordered_set<Hash128, Hash128Hasher> stored_;
  uint64_t logical_blob_bytes_ = 0;
  uint64_t stored_blob_bytes_ = 0;
  std::unordered_map<std::thread::id, uint32_t> threads_;
  uint64_t writer_id_;
};

}  // namespace amdrr::format

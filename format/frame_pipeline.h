#pragma once
// The compressing half of the trace writer: a ring of fixed-size slots that
// the submitting thread fills with whole messages, and background workers
// that compress sealed slots into independent zstd frames in parallel and
// write them in order. Knows nothing of the schema.
//
// Slot memory is allocated once and never moves, so a fatal-signal handler can
// read it: emergency_flush() writes whatever is sealed or committed as raw
// zstd frames with write(2) alone. A process that survives the signal goes
// on: each slot remembers how much of it the handler wrote (`cut_end`), and
// its worker later indexes those frames and writes only the rest.

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "format/hash.h"

namespace amdrr::format {

/// Where a blob's record sits inside a frame's content.
struct BlobAt {
  Hash128 hash;
  uint64_t offset_in_frame = 0;
};

/// What the writer knows about the records in one frame.
struct FrameMeta {
  uint64_t first_record = 0;
  uint64_t records = 0;
  std::vector<BlobAt> blobs;
};

/// A frame as written to the file.
struct FrameWritten {
  uint64_t offset = 0;
  uint64_t compressed_size = 0;
  uint64_t content_size = 0;
  FrameMeta meta;
};

struct PipelineOptions {
  size_t slot_bytes = 3u << 20;
  int slots = 4;
  int zstd_level = 1;
  // Compressing threads; 0: compressing_workers(usable_cpus()). Workers
  // beyond the first compress only while a frame waits behind the one they
  // would take (a backlog), so they stay off a small machine's CPUs unless
  // the data needs them.
  int workers = 0;
};

/// How many compressing threads suit `cpus` usable CPUs: one on one CPU,
/// else two, the second working only through backlogs (capture_bench on 2
/// CPUs: a second worker taking every other frame preempted the program,
/// +10 % wall for submissions, +40 % for uploads; trace_bench's compressible
/// bulk needs two to pass 500 MB/s).
int compressing_workers(int cpus);
/// CPUs this process may run on (its affinity mask).
int usable_cpus();

class FramePipeline {
 public:
  /// `fd` stays owned by the caller; `start_offset` is where the first frame lands.
  FramePipeline(int fd, uint64_t start_offset, const PipelineOptions& options);
  ~FramePipeline();
  FramePipeline(const FramePipeline&) = delete;
  FramePipeline& operator=(const FramePipeline&) = delete;

  // Submitter side. One submitter at a time (the writer's lock).
  uint8_t* fill_data() { return current().data; }
  size_t fill_size() const { return filling_->size.load(std::memory_order_relaxed); }
  size_t capacity() const { return slot_bytes_; }
  /// Publishes bytes appended to the filling slot (now safe for emergency_flush).
  void commit(size_t new_size) { current().size.store(new_size, std::memory_order_release); }
  /// Hands the filling slot to the compressor and starts the next one; blocks
  /// while every slot is still being compressed (back-pressure). Returns the
  /// sequence number of the sealed frame.
  uint64_t seal(FrameMeta meta);
  /// Blocks until every frame up to `seq` is written.
  void wait_written(uint64_t seq);
  /// Compresses and writes everything sealed, then stops the workers.
  void finish();

  /// Async-signal-safe: writes every sealed and the filling slot's committed
  /// bytes not written yet as raw zstd frames, in order. For fatal-signal
  /// handlers only. If the process survives, later frames follow them:
  /// records appended to the filling slot afterwards go out in its next
  /// frame, nothing twice. False if a write failed or it had to stop (a
  /// frame still being compressed: then the trace is cut short before it).
  bool emergency_flush() noexcept;

  /// After finish(): every frame written, in file order.
  const std::vector<FrameWritten>& frames() const { return written_; }
  /// The file offset after the last frame.
  uint64_t end_offset() const { return offset_; }
  /// Empty while all writes succeeded.
  std::string error() const;
  /// Bytes before and after compression, for statistics.
  uint64_t bytes_in() const { return bytes_in_.load(std::memory_order_relaxed); }
  uint64_t bytes_out() const { return bytes_out_.load(std::memory_order_relaxed); }
  /// Frames the workers beyond the first compressed (through backlogs).
  uint64_t backlog_frames() const { return backlog_frames_.load(std::memory_order_relaxed); }

 private:
  // kEmergency: a fatal-signal handler is writing the slot; it then gives
  // the slot back in the state it took it in (kSealed or kFilling).
  enum State : int { kFree, kFilling, kSealed, kCompressing, kEmergency };
  static constexpr int kMaxCuts = 8;  // emergency frames one slot can index
  struct Slot {
    uint8_t* data = nullptr;
    std::atomic<size_t> size{0};
    std::atomic<int> state{kFree};
    FrameMeta meta;  // written by the submitter before kSealed, read by the compressor after
    std::atomic<pid_t> compressor{0};  // the worker thread that claimed it last
    // Ends of the frames emergency_flush wrote from this slot, ascending;
    // written by the handler in kEmergency, read by the worker in kCompressing.
    int cuts = 0;
    size_t cut_end[kMaxCuts] = {};
    size_t written_prefix() const { return cuts > 0 ? cut_end[cuts - 1] : 0; }
  };

  // The slot being filled: slots_[fill_seq_ % slots_.size()], kept apart
  // because the record path asks several times a record and a division is
  // not free.
  Slot& current() { return *filling_; }
  void worker_main(int index);
  /// Writes a frame: `compressed`, or (empty) `content` as raw blocks;
  /// `out_size` is the frame's size either way.
  void write_frame(std::span<const uint8_t> content, std::span<const uint8_t> compressed,
                   size_t out_size, FrameMeta meta);
  /// Indexes the frames emergency_flush wrote from `slot` (they are in the
  /// file already); leaves in `meta` what the rest of the slot holds.
  void index_emergency_frames(const Slot& slot, FrameMeta& meta);
  bool write_all(std::span<const uint8_t> bytes);

  int fd_;
  size_t slot_bytes_;
  int level_;
  std::vector<Slot> slots_;
  void* arena_ = nullptr;

  std::atomic<uint64_t> fill_seq_{0};   // slot being filled (submitter)
  Slot* filling_ = nullptr;             // its slot (submitter)
  uint64_t claim_seq_ = 0;              // next slot a worker takes (guarded by mutex_)
  std::atomic<uint64_t> write_seq_{0};  // next slot to write, in file order
  std::mutex mutex_;
  std::condition_variable sealed_cv_;
  std::condition_variable freed_cv_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;

  // Written only by the worker whose turn it is (write_seq_), read after finish().
  uint64_t offset_;
  std::vector<FrameWritten> written_;
  std::string error_;                    // guarded by mutex_
  std::atomic<int> emergency_errno_{0};  // a failed write of emergency_flush
  std::atomic<uint64_t> bytes_in_{0};
  std::atomic<uint64_t> bytes_out_{0};
  std::atomic<uint64_t> backlog_frames_{0};
};

}  // namespace amdrr::format

#include "format/frame_pipeline.h"

#include <sched.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "format/zstd_frames.h"
#include "lib/base/check.h"

namespace amdrr::format {
namespace {

uint64_t monotonic_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// Whole messages in `size` bytes of stream-framed Cap'n Proto (what the
// writer puts in a slot): (segment count - 1), each segment's size in words,
// padding to a word, the segments.
uint64_t count_messages(const uint8_t* data, size_t size) {
  uint64_t count = 0;
  size_t at = 0;
  while (size - at >= 8) {
    const uint64_t segments = uint64_t{load_le32(data + at)} + 1;
    const uint64_t header = (4 + 4 * segments + 7) & ~uint64_t{7};
    if (header > size - at) break;
    uint64_t words = 0;
    for (uint64_t i = 0; i < segments; ++i) words += load_le32(data + at + 4 + 4 * i);
    if (words > (size - at - header) / 8) break;
    at += header + words * 8;
    ++count;
  }
  return count;
}

}  // namespace

int compressing_workers(int cpus) {
  return cpus <= 1 ? 1 : 2;
}

int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  return CPU_COUNT(&set);
}

FramePipeline::FramePipeline(int fd, uint64_t start_offset, const PipelineOptions& options)
    : fd_(fd),
      slot_bytes_(options.slot_bytes),
      level_(options.zstd_level),
      slots_(static_cast<size_t>(options.slots)),
      offset_(start_offset) {
  AMDRR_REQUIRE(options.slots >= 2 && slot_bytes_ % 8 == 0, "need >= 2 word-aligned slots");
  // Anonymous memory comes zeroed, as capnp needs for building in place, and
  // never moves, as the signal path needs.
  size_t total = slot_bytes_ * slots_.size();
  arena_ = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  AMDRR_ASSERT(arena_ != MAP_FAILED, "cannot reserve trace writer buffers");
  for (size_t i = 0; i < slots_.size(); ++i) {
    slots_[i].data = static_cast<uint8_t*>(arena_) + i * slot_bytes_;
  }
  slots_[0].state.store(kFilling, std::memory_order_release);
  filling_ = &slots_[0];
  const int workers = options.workers > 0 ? options.workers : compressing_workers(usable_cpus());
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this, i] { worker_main(i); });
}

FramePipeline::~FramePipeline() {
  finish();
  munmap(arena_, slot_bytes_ * slots_.size());
}

uint64_t FramePipeline::seal(FrameMeta meta) {
  uint64_t seq = fill_seq_.load(std::memory_order_relaxed);
  Slot& slot = current();
  slot.meta = std::move(meta);
  {
    std::unique_lock lock(mutex_);
    // A fatal-signal handler on another thread may be writing the slot
    // (kEmergency): wait until it gives the slot back (it cannot notify), or
    // a worker would write it a second time and zero it under the handler's
    // write. Then the worker writes only what the handler did not.
    int expected = kFilling;
    while (!slot.state.compare_exchange_strong(expected, kSealed, std::memory_order_acq_rel)) {
      expected = kFilling;
      freed_cv_.wait_for(lock, std::chrono::milliseconds(1));
    }
  }
  sealed_cv_.notify_all();

  Slot& next = slots_[(seq + 1) % slots_.size()];
  {
    std::unique_lock lock(mutex_);
    freed_cv_.wait(lock, [&] { return next.state.load(std::memory_order_acquire) == kFree; });
    next.state.store(kFilling, std::memory_order_release);
    filling_ = &next;
    fill_seq_.store(seq + 1, std::memory_order_release);
  }
  return seq;
}

void FramePipeline::wait_written(uint64_t seq) {
  std::unique_lock lock(mutex_);
  freed_cv_.wait(lock, [&] { return write_seq_.load(std::memory_order_acquire) > seq; });
}

void FramePipeline::finish() {
  if (workers_.empty()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  sealed_cv_.notify_all();
  for (auto& w : workers_) w.join();
  workers_.clear();
}

void FramePipeline::worker_main(int index) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level_);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  std::vector<uint8_t> out(ZSTD_compressBound(slot_bytes_));
  const pid_t self = gettid();
  for (;;) {
    uint64_t seq;
    {
      std::unique_lock lock(mutex_);
      for (;;) {
        const int state = slots_[claim_seq_ % slots_.size()].state.load(std::memory_order_acquire);
        // Workers beyond the first take a frame only while another waits
        // behind it (a backlog: bulk data compressing slower than it
        // comes); otherwise they would only preempt the program.
        const bool backlog = index == 0 || slots_[(claim_seq_ + 1) % slots_.size()].state.load(
                                               std::memory_order_acquire) == kSealed;
        if ((state == kSealed && backlog) || (stopping_ && state != kEmergency)) break;
        // A signal handler holding the slot gives it back without notifying.
        if (state == kEmergency) {
          sealed_cv_.wait_for(lock, std::chrono::milliseconds(1));
        } else {
          sealed_cv_.wait(lock);
        }
      }
      seq = claim_seq_;
      Slot& claimed = slots_[seq % slots_.size()];
      // Before the claim: a fatal signal on this thread then knows that it
      // would wait for itself (emergency_flush).
      claimed.compressor.store(self, std::memory_order_relaxed);
      int expected = kSealed;
      if (!claimed.state.compare_exchange_strong(expected, kCompressing)) {
        break;  // stopping, and nothing left to compress
      }
      ++claim_seq_;
    }
    Slot& slot = slots_[seq % slots_.size()];
    const size_t size = slot.size.load(std::memory_order_acquire);
    // What a fatal-signal handler wrote is in the file already.
    const std::span<const uint8_t> content(slot.data + slot.written_prefix(),
                                           size - slot.written_prefix());
    // A frame that would not shrink goes out as raw blocks, written
    // straight from the slot (no copy of the content).
    const bool raw = looks_incompressible(cctx, content.data(), content.size());
    size_t out_size;
    if (raw) {
      out_size = raw_frame_bytes(content.size());
    } else {
      out_size = ZSTD_compress2(cctx, out.data(), out.size(), content.data(), content.size());
      AMDRR_ASSERT(!ZSTD_isError(out_size), ZSTD_getErrorName(out_size));
    }
    {
      // Frames go to the file in order.
      std::unique_lock lock(mutex_);
      freed_cv_.wait(lock, [&] { return write_seq_.load(std::memory_order_acquire) == seq; });
    }
    FrameMeta meta = std::move(slot.meta);
    if (slot.cuts > 0) index_emergency_frames(slot, meta);
    if (!content.empty()) {
      if (index > 0) backlog_frames_.fetch_add(1, std::memory_order_relaxed);
      bytes_in_.fetch_add(content.size(), std::memory_order_relaxed);
      bytes_out_.fetch_add(out_size, std::memory_order_relaxed);
      write_frame(content, raw ? std::span<const uint8_t>{} : std::span(out.data(), out_size),
                  out_size, std::move(meta));
    }
    // Re-zero what was used: the next message is built in place on it.
    std::memset(slot.data, 0, size);
    slot.size.store(0, std::memory_order_relaxed);
    slot.meta = FrameMeta{};
    slot.cuts = 0;
    {
      std::lock_guard lock(mutex_);
      slot.state.store(kFree, std::memory_order_release);
      write_seq_.store(seq + 1, std::memory_order_release);
    }
    freed_cv_.notify_all();
  }
  ZSTD_freeCCtx(cctx);
}

void FramePipeline::write_frame(std::span<const uint8_t> content,
                                std::span<const uint8_t> compressed, size_t out_size,
                                FrameMeta meta) {
  const bool ok = compressed.empty() ? writev_raw_frame(fd_, content.data(), content.size())
                                     : write_all(compressed);
  if (!ok) {
    std::lock_guard lock(mutex_);
    if (error_.empty()) error_ = std::string("cannot write the trace: ") + std::strerror(errno);
    return;
  }
  written_.push_back(FrameWritten{offset_, out_size, content.size(), std::move(meta)});
  offset_ += out_size;
}

void FramePipeline::index_emergency_frames(const Slot& slot, FrameMeta& meta) {
  // The slot still holds their content: count the records in each.
  size_t begin = 0;
  for (int i = 0; i < slot.cuts; ++i) {
    const size_t end = slot.cut_end[i];
    FrameMeta front;
    front.first_record = meta.first_record;
    front.records = std::min(count_messages(slot.data + begin, end - begin), meta.records);
    meta.first_record += front.records;
    meta.records -= front.records;
    auto rest = std::stable_partition(meta.blobs.begin(), meta.blobs.end(),
                                      [&](const BlobAt& b) { return b.offset_in_frame < end; });
    for (auto it = meta.blobs.begin(); it != rest; ++it) {
      front.blobs.push_back(BlobAt{it->hash, it->offset_in_frame - begin});
    }
    meta.blobs.erase(meta.blobs.begin(), rest);
    const size_t frame_bytes = raw_frame_bytes(end - begin);
    bytes_in_.fetch_add(end - begin, std::memory_order_relaxed);
    bytes_out_.fetch_add(frame_bytes, std::memory_order_relaxed);
    written_.push_back(FrameWritten{offset_, frame_bytes, end - begin, std::move(front)});
    offset_ += frame_bytes;
    begin = end;
  }
  for (BlobAt& b : meta.blobs) b.offset_in_frame -= begin;  // now from the rest's start
}

bool FramePipeline::write_all(std::span<const uint8_t> bytes) {
  const uint8_t* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t w = ::write(fd_, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    left -= static_cast<size_t>(w);
  }
  return true;
}

std::string FramePipeline::error() const {
  std::lock_guard lock(const_cast<std::mutex&>(mutex_));
  if (error_.empty() && emergency_errno_.load(std::memory_order_relaxed) != 0) {
    return std::string("cannot write the trace (fatal-signal flush): ") +
           std::strerror(emergency_errno_.load(std::memory_order_relaxed));
  }
  return error_;
}

bool FramePipeline::emergency_flush() noexcept {
  bool ok = true;
  const pid_t self = gettid();
  uint64_t last = fill_seq_.load(std::memory_order_acquire);
  for (uint64_t seq = write_seq_.load(std::memory_order_acquire); seq <= last; ++seq) {
    Slot& slot = slots_[seq % slots_.size()];
    // A frame the compressor is writing right now: let it finish (bounded),
    // unless this thread is that compressor (a fatal signal on a worker).
    if (slot.state.load(std::memory_order_acquire) != kCompressing ||
        slot.compressor.load(std::memory_order_relaxed) != self) {
      uint64_t deadline = monotonic_ns() + 2'000'000'000ull;
      while (slot.state.load(std::memory_order_acquire) == kCompressing &&
             monotonic_ns() < deadline) {
        sched_yield();
      }
    }
    // Still compressing: its worker is stalled, or is the thread this runs
    // on. Stop: frames written after it would leave a hole in the trace,
    // where stopping leaves a trace cut short before it.
    if (slot.state.load(std::memory_order_acquire) == kCompressing) return false;
    for (int from : {kSealed, kFilling}) {
      int expected = from;
      if (!slot.state.compare_exchange_strong(expected, kEmergency)) continue;
      // Only what no earlier flush wrote; the slot's worker indexes it later.
      const size_t begin = slot.written_prefix();
      const size_t end = slot.size.load(std::memory_order_acquire);
      const bool room = slot.cuts < kMaxCuts;
      if (end > begin && room) {
        if (!write_raw_frame(fd_, slot.data + begin, end - begin)) {
          emergency_errno_.store(errno != 0 ? errno : EIO, std::memory_order_relaxed);
          ok = false;
        }
        slot.cut_end[slot.cuts++] = end;
      }
      // Given back as it was: a surviving process goes on filling or sealing it.
      slot.state.store(from, std::memory_order_release);
      // No room to index another frame of this slot: stop, as for a stall.
      if (end > begin && !room) return false;
      break;
    }
  }
  return ok;
}

}  // namespace amdrr::format

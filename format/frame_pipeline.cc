#include "format/frame_pipeline.h"

#include <sched.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

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

}  // namespace

int compressing_workers(int cpus) {
  return cpus <= 2 ? 1 : 2;
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
  const int workers = options.workers > 0 ? options.workers : compressing_workers(usable_cpus());
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { worker_main(); });
}

FramePipeline::~FramePipeline() {
  finish();
  munmap(arena_, slot_bytes_ * slots_.size());
}

uint64_t FramePipeline::seal(FrameMeta meta) {
  uint64_t seq = fill_seq_.load(std::memory_order_relaxed);
  Slot& slot = current();
  slot.meta = std::move(meta);
  bool sealed;
  {
    std::lock_guard lock(mutex_);
    // A fatal-signal handler may have taken the slot (kEmergency) and be
    // writing it: then it is the handler's alone, or a worker would write it
    // a second time and zero it under the handler's write.
    int expected = kFilling;
    sealed = slot.state.compare_exchange_strong(expected, kSealed, std::memory_order_acq_rel);
  }
  if (sealed) sealed_cv_.notify_all();

  Slot& next = slots_[(seq + 1) % slots_.size()];
  {
    std::unique_lock lock(mutex_);
    freed_cv_.wait(lock, [&] { return next.state.load(std::memory_order_acquire) == kFree; });
    next.state.store(kFilling, std::memory_order_release);
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

void FramePipeline::worker_main() {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level_);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  std::vector<uint8_t> out(ZSTD_compressBound(slot_bytes_));
  for (;;) {
    uint64_t seq;
    {
      std::unique_lock lock(mutex_);
      sealed_cv_.wait(lock, [&] {
        return slots_[claim_seq_ % slots_.size()].state.load(std::memory_order_acquire) ==
                   kSealed ||
               stopping_;
      });
      seq = claim_seq_;
      int expected = kSealed;
      if (!slots_[seq % slots_.size()].state.compare_exchange_strong(expected, kCompressing)) {
        break;  // stopping, and nothing left to compress
      }
      ++claim_seq_;
    }
    Slot& slot = slots_[seq % slots_.size()];
    size_t size = slot.size.load(std::memory_order_acquire);
    // A frame that would not shrink goes out as raw blocks, written
    // straight from the slot (no copy of the content).
    const bool raw = looks_incompressible(cctx, slot.data, size);
    size_t out_size;
    if (raw) {
      out_size = raw_frame_bytes(size);
    } else {
      out_size = ZSTD_compress2(cctx, out.data(), out.size(), slot.data, size);
      AMDRR_ASSERT(!ZSTD_isError(out_size), ZSTD_getErrorName(out_size));
    }
    {
      // Frames go to the file in order. Poll as well as wait: the signal path
      // may advance write_seq_ and cannot notify.
      std::unique_lock lock(mutex_);
      while (write_seq_.load(std::memory_order_acquire) != seq) {
        freed_cv_.wait_for(lock, std::chrono::milliseconds(1));
      }
    }
    bytes_in_.fetch_add(size, std::memory_order_relaxed);
    bytes_out_.fetch_add(out_size, std::memory_order_relaxed);
    write_frame(slot, raw ? std::span<const uint8_t>{} : std::span(out.data(), out_size), out_size);
    // Re-zero what was used: the next message is built in place on it.
    std::memset(slot.data, 0, size);
    slot.size.store(0, std::memory_order_relaxed);
    slot.meta = FrameMeta{};
    {
      std::lock_guard lock(mutex_);
      slot.state.store(kFree, std::memory_order_release);
      write_seq_.store(seq + 1, std::memory_order_release);
    }
    freed_cv_.notify_all();
  }
  ZSTD_freeCCtx(cctx);
}

void FramePipeline::write_frame(Slot& slot, std::span<const uint8_t> compressed, size_t out_size) {
  const size_t content = slot.size.load(std::memory_order_relaxed);
  const bool ok =
      compressed.empty() ? writev_raw_frame(fd_, slot.data, content) : write_all(compressed);
  if (!ok) {
    std::lock_guard lock(mutex_);
    if (error_.empty()) error_ = std::string("cannot write the trace: ") + std::strerror(errno);
    return;
  }
  written_.push_back(FrameWritten{offset_, out_size, content, std::move(slot.meta)});
  offset_ += out_size;
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
  return error_;
}

bool FramePipeline::emergency_flush() noexcept {
  bool ok = true;
  uint64_t last = fill_seq_.load(std::memory_order_acquire);
  for (uint64_t seq = write_seq_.load(std::memory_order_acquire); seq <= last; ++seq) {
    Slot& slot = slots_[seq % slots_.size()];
    // A frame the compressor is writing right now: let it finish (bounded).
    uint64_t deadline = monotonic_ns() + 2'000'000'000ull;
    while (slot.state.load(std::memory_order_acquire) == kCompressing &&
           monotonic_ns() < deadline) {
      sched_yield();
    }
    // Still compressing: its worker is stalled, or is the thread this runs
    // on. Stop: frames written after it would leave a hole in the trace
    // (its worker then waits for a turn that never comes), where stopping
    // leaves a trace cut short.
    if (slot.state.load(std::memory_order_acquire) == kCompressing) return false;
    for (int from : {kSealed, kFilling}) {
      int expected = from;
      if (slot.state.compare_exchange_strong(expected, kEmergency)) {
        size_t size = slot.size.load(std::memory_order_acquire);
        if (size > 0) ok = write_raw_frame(fd_, slot.data, size) && ok;
        // A worker holding a later slot now takes its turn (it polls).
        write_seq_.store(seq + 1, std::memory_order_release);
        break;
      }
    }
  }
  return ok;
}

}  // namespace amdrr::format

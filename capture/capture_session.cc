#include "capture/capture_session.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "capture/crash_handlers.h"
#include "capture/fork_guard.h"
#include "capture/gpu_info.h"
#include "format/host_info.h"

namespace amdrr::capture {
namespace {

// The active session: what atexit and the C API need to reach. One per
// process (a second start() while one runs replaces it for those two only).
std::atomic<CaptureSession*> g_active{nullptr};

void close_at_exit() {
  if (CaptureSession* s = g_active.load()) s->close(schema::EndReason::PROCESS_EXIT);
}

// What a fork child lets go of (the parent's writer and timer threads do not
// exist here; destroying them would join or write for the parent). Kept
// reachable from a global so leak checkers do not report them as lost.
std::atomic<void*> g_abandoned[4];

template <typename T>
void abandon(T* object) {
  for (auto& slot : g_abandoned) {
    void* empty = nullptr;
    if (slot.compare_exchange_strong(empty, object)) return;
  }
}

bool parse_ms(const char* text, std::chrono::milliseconds* out) {
  char* end = nullptr;
  unsigned long long v = std::strtoull(text, &end, 10);
  if (*text == '\0' || *end != '\0' || v == 0 || v > 3'600'000) return false;
  *out = std::chrono::milliseconds(v);
  return true;
}

}  // namespace

std::string expand_capture_path(const std::string& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 1 < path.size() && path[i + 1] == 'p') {
      out += std::to_string(getpid());
      ++i;
    } else {
      out += path[i];
    }
  }
  return out;
}

std::optional<CaptureOptions> capture_options_from_env(std::string* error) {
  const char* path = std::getenv("AMDRR_CAPTURE");
  if (path == nullptr || *path == '\0') return std::nullopt;
  CaptureOptions options;
  options.path = path;
  if (const char* ms = std::getenv("AMDRR_CAPTURE_FLUSH_MS")) {
    if (!parse_ms(ms, &options.flush_interval)) {
      *error = std::string("AMDRR_CAPTURE_FLUSH_MS=") + ms +
               " must be a number of milliseconds from 1 to 3600000";
      return std::nullopt;
    }
  }
  if (const char* stores = std::getenv("AMDRR_CAPTURE_STORES")) {
    options.track_stores = std::strcmp(stores, "0") != 0;
  }
  if (const char* packets = std::getenv("AMDRR_CAPTURE_OBSERVE_PACKETS")) {
    options.observe_packets = std::strcmp(packets, "0") != 0;
  }
  if (const char* max = std::getenv("AMDRR_CAPTURE_OBSERVE_CONTENT_MAX")) {
    char* end = nullptr;
    options.observe_content_max = std::strtoull(max, &end, 10);
    if (*max == '\0' || *end != '\0' || options.observe_content_max > (uint64_t{1} << 30)) {
      *error = std::string("AMDRR_CAPTURE_OBSERVE_CONTENT_MAX=") + max +
               " must be a number of bytes from 0 to 1073741824";
      return std::nullopt;
    }
  }
  return options;
}

std::unique_ptr<CaptureSession> CaptureSession::start(kmd::Kmd& backend,
                                                      const CaptureOptions& options,
                                                      std::string* error) {
  std::unique_ptr<CaptureSession> s(new CaptureSession());
  s->path_ = expand_capture_path(options.path);
  s->pid_ = getpid();
  s->flush_interval_ = options.flush_interval;
  s->writer_ = format::TraceWriter::create(
      s->path_,
      [&](schema::Header::Builder h) {
        format::fill_host_info(h);
        h.setBackend(options.backend);
        if (options.backend == schema::Backend::SIM) {
          h.setSimSeed(options.sim_seed);
          h.setSimThreaded(options.sim_threaded);
          h.setSimProfile(options.sim_profile);
        }
        fill_machine_info(backend, h, options.backend == schema::Backend::KFD);
      },
      error, options.writer);
  if (!s->writer_) return nullptr;
  s->recorder_ = std::make_unique<RecordingKmd>(backend, *s->writer_);
  s->recorder_->set_observe_content_max(options.observe_content_max);
  s->recorder_->set_observe_packets(options.observe_packets);
  CaptureSession* raw = s.get();
  s->recorder_->set_wait_listener([raw] { raw->request_flush(); });
  if (options.signal_handlers && options.track_stores) {
    s->tracker_ = std::make_unique<StoreTracker>();
    s->recorder_->set_store_tracker(s->tracker_.get());
  }
  if (options.signal_handlers) set_crash_targets(s->writer_.get(), s->tracker_.get());
  install_fork_guard();
  link_syscall_interposers();
  static std::atomic<bool> atexit_registered{false};
  if (!atexit_registered.exchange(true)) std::atexit(close_at_exit);
  g_active.store(raw);
  s->timer_ = std::make_unique<std::thread>([raw] { raw->timer_loop(); });
  return s;
}

CaptureSession::~CaptureSession() {
  close();
  if (tracker_) forget_crash_tracker(tracker_.get());  // before it goes
}

void CaptureSession::request_flush() {
  // No wake-up (a context switch per wait would cost more than the record):
  // the timer thread looks at this every kMinWaitFlushGap.
  flush_pending_.store(true, std::memory_order_release);
}

void CaptureSession::timer_loop() {
  auto last = std::chrono::steady_clock::now();
  std::unique_lock lock(timer_mutex_);
  while (!stopping_) {
    timer_cv_.wait_for(lock, kMinWaitFlushGap, [&] { return stopping_; });
    if (stopping_) break;
    auto now = std::chrono::steady_clock::now();
    if (now - last < flush_interval_ && !flush_pending_.load(std::memory_order_acquire)) continue;
    flush_pending_.store(false, std::memory_order_release);
    lock.unlock();
    writer_->flush();
    last = now;
    lock.lock();
  }
}

bool CaptureSession::close(schema::EndReason reason) {
  std::lock_guard guard(close_mutex_);
  if (closed_) return true;
  closed_ = true;
  CaptureSession* self = this;
  g_active.compare_exchange_strong(self, nullptr);
  if (in_fork_child() || getpid() != pid_) {
    // The writer's and the timer's threads exist only in the parent: let go
    // of them without touching the parent's trace.
    abandon(timer_.release());
    abandon(writer_.release());
    if (recorder_) recorder_->stop();
    if (tracker_) tracker_->untrack_all();
    return true;
  }
  recorder_->stop();
  {
    std::lock_guard lock(timer_mutex_);
    stopping_ = true;
  }
  timer_cv_.notify_one();
  if (timer_ && timer_->joinable()) timer_->join();
  // Under the recorder's lock: other threads may still be using its Kmd.
  if (tracker_) recorder_->detach_store_tracker();
  // The SIGSEGV path keeps the (now empty) tracker until the session goes:
  // a store that faulted before the detach is then retried, not a crash.
  set_crash_targets(nullptr, tracker_.get());
  bool ok = writer_->close(reason);
  if (!ok) std::fprintf(stderr, "amdrr: capture: %s\n", writer_->error().c_str());
  return ok;
}

CaptureSession* active_session() {
  return g_active.load();
}

}  // namespace amdrr::capture

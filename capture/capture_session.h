#pragma once
// CaptureSession: one process capturing into one trace. It opens the trace
// with a full header (host, command line, AMDRR_* environment, every GPU
// node, KFD version, backend), puts a RecordingKmd in front of the backend,
// and keeps the trace readable whatever happens to the process:
//  - frames are flushed after each wait (by the timer thread, within
//    kMinWaitFlushGap, so a wait-heavy loop neither blocks on the writer nor
//    makes a frame per wait) and on a timer
//    (AMDRR_CAPTURE_FLUSH_MS, default 200 ms);
//  - the trace is closed with an End record when the session is destroyed,
//    or at exit() (reason processExit) if the program never destroys it;
//  - fatal signals write pending frames through the writer's
//    async-signal-safe path (crash_handlers.h);
//  - a forked child does not capture (fork_guard.h).
//
// Started by the driver when AMDRR_CAPTURE is set (lib/driver/system.cc),
// or directly by tests over any Kmd.

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "capture/recording_kmd.h"
#include "capture/store_tracker.h"
#include "format/trace_writer.h"

namespace amdrr::capture {

struct CaptureOptions {
  /// The trace file; "%p" becomes the process id.
  std::string path;
  schema::Backend backend = schema::Backend::UNKNOWN;
  uint64_t sim_seed = 0;      // backend sim only
  bool sim_threaded = false;  // backend sim only: engines on their own threads
  std::string sim_profile;    // backend sim only, e.g. "gfx942"
  std::chrono::milliseconds flush_interval{200};
  /// Write-protect host-visible BOs to see plain program stores
  /// (AMDRR_CAPTURE_STORES=0 turns it off).
  bool track_stores = true;
  /// Observed ranges up to this many bytes carry their content
  /// (AMDRR_CAPTURE_OBSERVE_CONTENT_MAX; 0: hashes only).
  uint64_t observe_content_max = kDefaultObserveContentMax;
  /// Decode submitted packets to observe their destinations after waits
  /// (AMDRR_CAPTURE_OBSERVE_PACKETS=0 turns it off: less work per doorbell).
  bool observe_packets = true;
  /// Install the fatal-signal handlers (and the SIGSEGV store tracking).
  bool signal_handlers = true;
  format::WriterOptions writer;
};

/// Capture options from the environment: AMDRR_CAPTURE (the path; unset or
/// empty: nullopt), AMDRR_CAPTURE_FLUSH_MS, AMDRR_CAPTURE_STORES,
/// AMDRR_CAPTURE_OBSERVE_CONTENT_MAX, AMDRR_CAPTURE_OBSERVE_PACKETS. A malformed
/// value: nullopt with a message in `error`.
std::optional<CaptureOptions> capture_options_from_env(std::string* error);

/// Does nothing; calling it links the read/recv/... interposers
/// (syscall_interpose*.cc) into every program that can capture. Without the
/// reference a static link could leave them out whenever another library
/// already defines those names (ASan's interceptors do).
void link_syscall_interposers();

/// The path with "%p" replaced by the process id.
std::string expand_capture_path(const std::string& path);

class CaptureSession {
 public:
  /// How soon after a wait its records are flushed (at most one flush per gap).
  static constexpr std::chrono::milliseconds kMinWaitFlushGap{5};

  /// Opens the trace and starts recording calls made through kmd(). nullptr
  /// with a message in `error` if the trace cannot be created.
  static std::unique_ptr<CaptureSession> start(kmd::Kmd& backend, const CaptureOptions& options,
                                               std::string* error);
  ~CaptureSession();
  CaptureSession(const CaptureSession&) = delete;
  CaptureSession& operator=(const CaptureSession&) = delete;

  /// The Kmd the driver should use.
  RecordingKmd& kmd() { return *recorder_; }
  const std::string& path() const { return path_; }
  format::TraceWriter& writer() { return *writer_; }
  StoreTracker* store_tracker() { return tracker_.get(); }

  /// Stops recording, writes the End record and closes the trace. False if
  /// writing failed (message on stderr). Idempotent. In a forked child it
  /// only lets go of the parent's trace.
  bool close(schema::EndReason reason = schema::EndReason::CLOSED);

 private:
  CaptureSession() = default;
  void timer_loop();
  void request_flush();

  std::string path_;
  pid_t pid_ = 0;
  std::unique_ptr<format::TraceWriter> writer_;
  std::unique_ptr<StoreTracker> tracker_;
  std::unique_ptr<RecordingKmd> recorder_;
  bool closed_ = false;
  std::mutex close_mutex_;

  std::chrono::milliseconds flush_interval_{200};
  std::mutex timer_mutex_;  // guards stopping_
  std::condition_variable timer_cv_;
  bool stopping_ = false;
  std::unique_ptr<std::thread> timer_;
  std::atomic<bool> flush_pending_{false};  // a wake-up is on its way
};

/// The session of this process (null if none): for the C API and atexit.
CaptureSession* active_session();

}  // namespace amdrr::capture

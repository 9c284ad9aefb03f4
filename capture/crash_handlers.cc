#include "capture/crash_handlers.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>

// The sanitizer runtimes' hook (sanitizer/common_interface_defs.h), called
// right before they end the process, after their report. Weak: null in a
// program built without sanitizers.
extern "C" __attribute__((weak)) void __sanitizer_set_death_callback(void (*callback)(void));

namespace amdrr::capture {
namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGTERM, SIGINT};
constexpr int kMaxSignal = 65;

std::atomic<format::TraceWriter*> g_writer{nullptr};
std::atomic<StoreTracker*> g_tracker{nullptr};
struct sigaction g_previous[kMaxSignal];
// A flush is running (two threads crashing at once write the frames once).
std::atomic<bool> g_flushing{false};
// The process whose trace g_writer writes. A fork child inherits the writer,
// its unflushed frames and the file offset it shares with the parent: if its
// crash wrote them, the parent's trace would hold them twice and index its
// later frames at the wrong offsets.
std::atomic<pid_t> g_owner{0};

bool is_fault(int sig, const siginfo_t* info) {
  // Raised by the kernel for an access (si_code > 0), not by kill()/raise().
  return (sig == SIGSEGV || sig == SIGBUS) && info != nullptr && info->si_code > 0;
}

void save_trace() {
  if (getpid() != g_owner.load(std::memory_order_acquire)) return;  // not this process's trace
  // A process that survived an earlier flush (a handler chained after ours
  // recovered) flushes again: the writer writes only what is new.
  if (g_flushing.exchange(true)) return;
  const int saved_errno = errno;  // the interrupted code may go on
  if (format::TraceWriter* writer = g_writer.load(std::memory_order_acquire)) {
    writer->emergency_flush();
  }
  errno = saved_errno;
  g_flushing.store(false);
}

void handler(int sig, siginfo_t* info, void* context) {
  if (sig == SIGSEGV && info != nullptr && info->si_code > 0) {
    StoreTracker* tracker = g_tracker.load(std::memory_order_acquire);
    if (tracker != nullptr && tracker->on_fault(info->si_addr)) return;
  }
  const struct sigaction& previous = g_previous[sig];
  if ((previous.sa_flags & SA_SIGINFO) != 0 && previous.sa_sigaction != nullptr) {
    previous.sa_sigaction(sig, info, context);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN &&
      previous.sa_handler != nullptr) {
    previous.sa_handler(sig);
    return;
  }
  if (previous.sa_handler == SIG_IGN && !is_fault(sig, info)) return;
  // The default disposition ends the process: save the trace first.
  save_trace();
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  // A fault re-executes the access on return and dies of it; anything else
  // is delivered again once this handler returns (it is blocked until then).
  if (!is_fault(sig, info)) raise(sig);
}

void install() {
  struct sigaction action = {};
  action.sa_sigaction = handler;
  action.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (int sig : kSignals) sigaction(sig, &action, &g_previous[sig]);
  // A sanitizer's own SIGSEGV handler, which ours chains to, reports and
  // ends the process, as do its other reports: the trace is saved on the way.
  if (__sanitizer_set_death_callback != nullptr) __sanitizer_set_death_callback(save_trace);
}

}  // namespace

void set_crash_targets(format::TraceWriter* writer, StoreTracker* tracker) {
  static std::once_flag once;
  if (writer != nullptr) std::call_once(once, install);
  if (writer != nullptr) g_owner.store(getpid(), std::memory_order_release);
  g_tracker.store(tracker, std::memory_order_release);
  g_writer.store(writer, std::memory_order_release);
}

void forget_crash_tracker(StoreTracker* tracker) {
  g_tracker.compare_exchange_strong(tracker, nullptr, std::memory_order_acq_rel);
}

}  // namespace amdrr::capture

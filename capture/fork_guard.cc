#include "capture/fork_guard.h"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>

namespace amdrr::capture {
namespace {

// Process-wide by nature: a fork is a property of the process, and the atfork
// handler has no other place to put it.
std::atomic<bool> g_child{false};
std::atomic<bool> g_noticed{false};
std::atomic<bool> g_installed{false};

void on_fork_child() {
  g_child.store(true, std::memory_order_relaxed);
}

}  // namespace

void install_fork_guard() {
  if (g_installed.exchange(true)) return;
  pthread_atfork(nullptr, nullptr, on_fork_child);
}

bool in_fork_child() {
  return g_child.load(std::memory_order_relaxed);
}

void note_fork_child_uses_gpu() {
  if (g_noticed.exchange(true)) return;
  char line[160];
  int n = std::snprintf(line, sizeof(line),
                        "amdrr: process %d is a fork of a capturing process: it is not captured "
                        "(set AMDRR_CAPTURE with %%p for a trace of its own)\n",
                        static_cast<int>(getpid()));
  if (n > 0) (void)!::write(STDERR_FILENO, line, static_cast<size_t>(n));
}

}  // namespace amdrr::capture

// LeakSanitizer's off switch, asked when it is about to check for leaks. In a
// fork child of a capturing process, the writer's buffers and compressor
// contexts are referenced only from the stacks of the parent's threads, which
// do not exist in the child: every one would be reported as a leak. Weak: a
// program's own definition takes precedence.
extern "C" __attribute__((weak)) int __lsan_is_turned_off() {
  return amdrr::capture::in_fork_child() ? 1 : 0;
}

// read / pread / recv into write-protected BO pages. The kernel does not
// fault on a protected user page, it returns EFAULT; so while store tracking
// is on, these wrappers unprotect the tracked pages of the destination first
// (as a store fault would) and record the bytes the call wrote, source
// syscall. They interpose the libc symbols for the program that links the
// capture library (the linker pulls this file in for programs that call
// them); without a tracking capture they only forward.
//
// <unistd.h> and <sys/socket.h> are not included: with _FORTIFY_SOURCE they
// define inline wrappers of these very names.

#include <dlfcn.h>
#include <sys/types.h>

#include <cstddef>
#include <span>

#include "capture/capture_session.h"

namespace amdrr::capture {
namespace {

template <typename Fn>
Fn next_symbol(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

// The tracking session, if the destination may be protected.
CaptureSession* tracking(const void* buf, size_t count) {
  CaptureSession* s = active_session();
  if (s == nullptr || s->store_tracker() == nullptr || count == 0) return nullptr;
  return s->store_tracker()->make_writable(reinterpret_cast<uint64_t>(buf), count) ? s : nullptr;
}

void record(CaptureSession* s, const void* buf, ssize_t n) {
  if (s == nullptr || n <= 0) return;
  s->kmd().note_syscall_write(reinterpret_cast<uint64_t>(buf),
                              {static_cast<const uint8_t*>(buf), static_cast<size_t>(n)});
}

}  // namespace
}  // namespace amdrr::capture

extern "C" {

ssize_t read(int fd, void* buf, size_t count) {
  using Fn = ssize_t (*)(int, void*, size_t);
  static Fn real = amdrr::capture::next_symbol<Fn>("read");
  auto* s = amdrr::capture::tracking(buf, count);
  ssize_t n = real(fd, buf, count);
  amdrr::capture::record(s, buf, n);
  return n;
}

ssize_t pread(int fd, void* buf, size_t count, off_t offset) {
  using Fn = ssize_t (*)(int, void*, size_t, off_t);
  static Fn real = amdrr::capture::next_symbol<Fn>("pread");
  auto* s = amdrr::capture::tracking(buf, count);
  ssize_t n = real(fd, buf, count, offset);
  amdrr::capture::record(s, buf, n);
  return n;
}

ssize_t recv(int fd, void* buf, size_t count, int flags) {
  using Fn = ssize_t (*)(int, void*, size_t, int);
  static Fn real = amdrr::capture::next_symbol<Fn>("recv");
  auto* s = amdrr::capture::tracking(buf, count);
  ssize_t n = real(fd, buf, count, flags);
  amdrr::capture::record(s, buf, n);
  return n;
}

}  // extern "C"

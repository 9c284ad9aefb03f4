// read / pread / pread64 / recv / recvfrom, and the vectored readv / preadv
// / recvmsg, into write-protected BO pages. The kernel does not
// fault on a protected user page, it returns EFAULT; so while store tracking
// is on, these wrappers unprotect the tracked pages of the destination first
// (as a store fault would) and record the bytes the call wrote, source
// syscall. They interpose the libc symbols for the program that links the
// capture library (the linker pulls this file in for programs that call
// them); without a tracking capture they only forward.
//
// <unistd.h> and <sys/socket.h> are not included: with _FORTIFY_SOURCE they
// define inline wrappers of these very names (recvmsg, which needs
// <sys/socket.h>, is in syscall_interpose_msg.cc).

#include <dlfcn.h>
#include <sys/types.h>
#include <sys/uio.h>

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

void link_recvmsg_interposer();  // syscall_interpose_msg.cc

// The tracking session, if any buffer of `iov` may be protected (also used
// by syscall_interpose_msg.cc).
CaptureSession* tracking_iov(const struct iovec* iov, int count) {
  CaptureSession* s = active_session();
  if (s == nullptr || s->store_tracker() == nullptr || iov == nullptr) return nullptr;
  bool any = false;
  for (int i = 0; i < count; ++i) {
    if (iov[i].iov_len == 0) continue;
    any |= s->store_tracker()->make_writable(reinterpret_cast<uint64_t>(iov[i].iov_base),
                                             iov[i].iov_len);
  }
  return any ? s : nullptr;
}

// The call filled the buffers in order with `n` bytes.
void record_iov(CaptureSession* s, const struct iovec* iov, int count, ssize_t n) {
  if (s == nullptr || n <= 0) return;
  auto left = static_cast<size_t>(n);
  for (int i = 0; i < count && left > 0; ++i) {
    const size_t part = iov[i].iov_len < left ? iov[i].iov_len : left;
    record(s, iov[i].iov_base, static_cast<ssize_t>(part));
    left -= part;
  }
}

void link_syscall_interposers() {
  link_recvmsg_interposer();
}

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

ssize_t pread64(int fd, void* buf, size_t count, off_t offset) {
  using Fn = ssize_t (*)(int, void*, size_t, off_t);
  static Fn real = amdrr::capture::next_symbol<Fn>("pread64");
  auto* s = amdrr::capture::tracking(buf, count);
  ssize_t n = real(fd, buf, count, offset);
  amdrr::capture::record(s, buf, n);
  return n;
}

// socklen_t is an unsigned int; struct sockaddr stays opaque here.
ssize_t recvfrom(int fd, void* buf, size_t count, int flags, struct sockaddr* from,
                 unsigned int* from_len) {
  using Fn = ssize_t (*)(int, void*, size_t, int, struct sockaddr*, unsigned int*);
  static Fn real = amdrr::capture::next_symbol<Fn>("recvfrom");
  auto* s = amdrr::capture::tracking(buf, count);
  ssize_t n = real(fd, buf, count, flags, from, from_len);
  amdrr::capture::record(s, buf, n);
  return n;
}

ssize_t readv(int fd, const struct iovec* iov, int count) {
  using Fn = ssize_t (*)(int, const struct iovec*, int);
  static Fn real = amdrr::capture::next_symbol<Fn>("readv");
  auto* s = amdrr::capture::tracking_iov(iov, count);
  ssize_t n = real(fd, iov, count);
  amdrr::capture::record_iov(s, iov, count, n);
  return n;
}

ssize_t preadv(int fd, const struct iovec* iov, int count, off_t offset) {
  using Fn = ssize_t (*)(int, const struct iovec*, int, off_t);
  static Fn real = amdrr::capture::next_symbol<Fn>("preadv");
  auto* s = amdrr::capture::tracking_iov(iov, count);
  ssize_t n = real(fd, iov, count, offset);
  amdrr::capture::record_iov(s, iov, count, n);
  return n;
}

}  // extern "C"

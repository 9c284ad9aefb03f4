// recvmsg into write-protected BO pages (see syscall_interpose.cc). Its own
// file: it needs <sys/socket.h>, whose _FORTIFY_SOURCE inline wrappers of
// recv / recvfrom would clash with the definitions there.

#include <dlfcn.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "capture/capture_session.h"

namespace amdrr::capture {
CaptureSession* tracking_iov(const struct iovec* iov, int count);
void record_iov(CaptureSession* s, const struct iovec* iov, int count, ssize_t n);
// Referenced from syscall_interpose.cc so that a link pulls this file in.
void link_recvmsg_interposer() {}
}  // namespace amdrr::capture

extern "C" ssize_t recvmsg(int fd, struct msghdr* msg, int flags) {
  using Fn = ssize_t (*)(int, struct msghdr*, int);
  static Fn real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "recvmsg"));
  const struct iovec* iov = msg ? msg->msg_iov : nullptr;
  const int count = msg ? static_cast<int>(msg->msg_iovlen) : 0;
  auto* s = amdrr::capture::tracking_iov(iov, count);
  ssize_t n = real(fd, msg, flags);
  amdrr::capture::record_iov(s, iov, count, n);
  return n;
}

#include "lib/kmd/syscalls.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace amdrr::kmd {

Result<int> RealSyscalls::open(const char* path, int flags) {
  int fd;
  do {
    fd = ::open(path, flags);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return Errno{errno};
  return fd;
}

Result<void> RealSyscalls::close(int fd) {
  // Never retry close(2) on EINTR: the fd is gone either way on Linux.
  if (::close(fd) != 0 && errno != EINTR) return Errno{errno};
  return {};
}

Result<void> RealSyscalls::ioctl(int fd, unsigned long request, void* arg) {
  // kmtIoctl (libhsakmt) restarts on EINTR and EAGAIN; WAIT_EVENTS relies on
  // it when a signal interrupts the wait (the kernel says ERESTARTSYS, which
  // reaches userspace as EINTR) [S-EVT].
  int ret;
  do {
    ret = ::ioctl(fd, request, arg);
  } while (ret == -1 && (errno == EINTR || errno == EAGAIN));
  if (ret == -1) return Errno{errno};
  return {};
}

Result<void*> RealSyscalls::mmap(void* addr, size_t length, int prot, int flags, int fd,
                                 uint64_t offset) {
  // off_t is signed; the kernel reads the bits as unsigned, so the KFD types
  // in bits 63:62 pass through unchanged.
  void* p = ::mmap(addr, length, prot, flags, fd, static_cast<off_t>(offset));
  if (p == MAP_FAILED) return Errno{errno};
  return p;
}

Result<void> RealSyscalls::munmap(void* addr, size_t length) {
  if (::munmap(addr, length) != 0) return Errno{errno};
  return {};
}

void RealSyscalls::store_doorbell(volatile uint64_t* doorbell, uint64_t value) {
  std::atomic_thread_fence(std::memory_order_release);
  *doorbell = value;
}

ScopedFd& ScopedFd::operator=(ScopedFd&& o) noexcept {
  if (this != &o) {
    reset();
    sys_ = std::exchange(o.sys_, nullptr);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

void ScopedFd::reset() {
  if (sys_ && fd_ >= 0) (void)sys_->close(fd_);
  fd_ = -1;
}

ScopedMapping& ScopedMapping::operator=(ScopedMapping&& o) noexcept {
  if (this != &o) {
    reset();
    sys_ = std::exchange(o.sys_, nullptr);
    addr_ = std::exchange(o.addr_, nullptr);
    size_ = std::exchange(o.size_, 0);
  }
  return *this;
}

void ScopedMapping::reset() {
  if (sys_ && addr_) (void)sys_->munmap(addr_, size_);
  addr_ = nullptr;
  size_ = 0;
}

}  // namespace amdrr::kmd

#pragma once
// Syscalls: the only door LinuxKfd has to the kernel and the hardware. The
// real implementation calls the kernel; tests put a fake behind it that
// decodes the raw ioctl structs and forwards them to SimKfd, so LinuxKfd's
// struct packing runs end to end without a GPU.
//
// Besides the file calls (open / close / ioctl / mmap / munmap) the seam has
// one hardware access: the 64-bit doorbell store. A doorbell is MMIO reached
// by a plain store, not a syscall, but it is how a queue learns about new
// work, so the fake must see it to wake its engines.
//
// Sysfs is not read through here: the topology parser takes its root path,
// and the fake serves SimKfd's generated tree by pointing LinuxKfd at it.

#include <cstddef>
#include <cstdint>
#include <utility>

#include "lib/base/result.h"

namespace amdrr::kmd {

class Syscalls {
 public:
  virtual ~Syscalls() = default;

  /// open(2); the fd or errno.
  virtual Result<int> open(const char* path, int flags) = 0;
  virtual Result<void> close(int fd) = 0;
  /// ioctl(2). The real one retries EINTR / EAGAIN as libhsakmt's kmtIoctl
  /// does; a failure carries errno.
  virtual Result<void> ioctl(int fd, unsigned long request, void* arg) = 0;
  /// mmap(2) with a 64-bit offset: /dev/kfd offsets use bits 63:62 [S-PRIV].
  virtual Result<void*> mmap(void* addr, size_t length, int prot, int flags, int fd,
                             uint64_t offset) = 0;
  virtual Result<void> munmap(void* addr, size_t length) = 0;
  /// The doorbell write: a release fence (the ring and wptr stores must land
  /// first), then one 64-bit store to the mapped doorbell.
  virtual void store_doorbell(volatile uint64_t* doorbell, uint64_t value) = 0;
};

/// The kernel. Stateless: no process-wide state, any number may exist.
class RealSyscalls final : public Syscalls {
 public:
  Result<int> open(const char* path, int flags) override;
  Result<void> close(int fd) override;
  Result<void> ioctl(int fd, unsigned long request, void* arg) override;
  Result<void*> mmap(void* addr, size_t length, int prot, int flags, int fd,
                     uint64_t offset) override;
  Result<void> munmap(void* addr, size_t length) override;
  void store_doorbell(volatile uint64_t* doorbell, uint64_t value) override;
};

/// An fd opened through a Syscalls, closed on destruction.
class ScopedFd {
 public:
  ScopedFd() = default;
  ScopedFd(Syscalls& sys, int fd) : sys_(&sys), fd_(fd) {}
  ScopedFd(ScopedFd&& o) noexcept
      : sys_(std::exchange(o.sys_, nullptr)), fd_(std::exchange(o.fd_, -1)) {}
  ScopedFd& operator=(ScopedFd&& o) noexcept;
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset();

 private:
  Syscalls* sys_ = nullptr;
  int fd_ = -1;
};

/// A mapping made through a Syscalls, unmapped on destruction.
class ScopedMapping {
 public:
  ScopedMapping() = default;
  ScopedMapping(Syscalls& sys, void* addr, size_t size) : sys_(&sys), addr_(addr), size_(size) {}
  ScopedMapping(ScopedMapping&& o) noexcept
      : sys_(std::exchange(o.sys_, nullptr)),
        addr_(std::exchange(o.addr_, nullptr)),
        size_(std::exchange(o.size_, 0)) {}
  ScopedMapping& operator=(ScopedMapping&& o) noexcept;
  ScopedMapping(const ScopedMapping&) = delete;
  ScopedMapping& operator=(const ScopedMapping&) = delete;
  ~ScopedMapping() { reset(); }

  uint8_t* data() const { return static_cast<uint8_t*>(addr_); }
  size_t size() const { return size_; }
  bool valid() const { return addr_ != nullptr; }
  void reset();

 private:
  Syscalls* sys_ = nullptr;
  void* addr_ = nullptr;
  size_t size_ = 0;
};

}  // namespace amdrr::kmd

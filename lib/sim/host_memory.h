#pragma once
// Host memory behind emulated VRAM/GTT: a memfd, mapped once for the
// emulated GPU (like the kernel's kmap). CPU mappings handed to the driver
// map the same memfd, so a CPU store is visible to the GPU side and back.

#include <cstddef>
#include <cstdint>

#include "lib/base/result.h"

namespace amdrr::sim {

class HostMemory {
 public:
  /// A zero-filled memfd of `size` bytes (page multiple), mapped shared.
  static Result<HostMemory> create(uint64_t size, const char* name = "amdrr-bo");
  HostMemory(HostMemory&& other) noexcept;
  HostMemory& operator=(HostMemory&& other) noexcept;
  HostMemory(const HostMemory&) = delete;
  HostMemory& operator=(const HostMemory&) = delete;
  ~HostMemory();

  int fd() const { return fd_; }
  uint8_t* data() const { return data_; }
  uint64_t size() const { return size_; }

 private:
  HostMemory(int fd, uint8_t* data, uint64_t size) : fd_(fd), data_(data), size_(size) {}
  void reset();
  int fd_ = -1;
  uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace amdrr::sim

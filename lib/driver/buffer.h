#pragma once
// Buffer: GPU-visible memory with an explicit lifetime. Copies of a Buffer
// share one allocation; free() releases it (and the last copy going away
// releases it too). Any use after free(), and a second free(), is an Error
// naming the buffer — never a silent access to recycled memory.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "lib/driver/memory_kind.h"
#include "lib/kmd/kmd_types.h"

namespace amdrr {

class Device;

namespace detail {
struct BufferState;
}

class Buffer {
 public:
  Buffer() = default;

  uint64_t va() const;
  uint64_t size() const;
  Memory memory() const;
  const std::string& label() const;
  /// "buf#3 \"kernargs\"": how errors and dumps name it.
  std::string name() const;
  Device& device() const;
  /// The KFD handle of the allocation (the event page is named by it).
  uint64_t handle() const;
  bool valid() const { return state_ != nullptr; }
  bool freed() const;

  /// The CPU view of a host-visible buffer (at CPU VA == GPU VA).
  uint8_t* data() const;
  template <typename T>
  T* as() const {
    return reinterpret_cast<T*>(data());
  }

  /// CPU writes and reads, bounds-checked. Host-visible memory is accessed
  /// directly and writes are reported to the seam, so a capture records them
  /// exactly. Memory the CPU cannot map (Memory::kVram, which is all VRAM on
  /// a GPU without a large BAR) goes through the device's Staging: a GTT
  /// bounce buffer and an SDMA copy, waited for before the call returns.
  void write(uint64_t offset, std::span<const uint8_t> bytes) const;
  void read(uint64_t offset, std::span<uint8_t> out) const;
  void fill(uint64_t offset, uint64_t size, uint8_t value) const;

  /// Makes the buffer reachable from another GPU of the same system (its
  /// VA stays the same there).
  void map_to(const Device& peer) const;
  /// Releases the allocation: unmap from every GPU, munmap, free.
  void free() const;

  friend bool operator==(const Buffer& a, const Buffer& b) { return a.state_ == b.state_; }

 private:
  friend class Device;
  explicit Buffer(std::shared_ptr<detail::BufferState> state) : state_(std::move(state)) {}
  detail::BufferState& live(const char* what) const;

  std::shared_ptr<detail::BufferState> state_;
};

namespace detail {

struct BufferState {
  Device* device = nullptr;
  uint64_t id = 0;
  std::string label;
  Memory memory = Memory::kVram;
  uint64_t va = 0;
  uint64_t size = 0;
  uint64_t handle = 0;
  kmd::CpuMapping cpu;         // empty when not host-visible
  std::vector<uint32_t> gpus;  // GPUs it is mapped on, its own first
  bool in_window = false;      // VA comes from the device's window
  bool freed = false;
  ~BufferState();
};

}  // namespace detail
}  // namespace amdrr

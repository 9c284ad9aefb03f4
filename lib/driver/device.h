#pragma once
// Device: one GPU of a System, opened on first use (VM acquired, VA window
// reserved). Allocates Buffers; every GPU VA it hands out comes from its
// window, deterministically, so two runs of a program agree on addresses.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "lib/driver/buffer.h"
#include "lib/driver/va_window.h"
#include "lib/gpu/gpu_target.h"
#include "lib/gpu/topology.h"

namespace amdrr {

class System;
class Staging;
namespace kmd {
class Kmd;
}

class Device {
 public:
  ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  size_t index() const { return index_; }
  uint32_t gpu_id() const { return gpu_id_; }
  const gpu::Node& node() const { return *node_; }
  const gpu::GpuTarget& target() const { return target_; }
  System& system() const { return *system_; }
  kmd::Kmd& kmd() const;

  /// "gfx942" plus the node's name where the topology has one.
  std::string name() const;
  uint64_t vram_bytes() const;
  /// True when all of VRAM is CPU-reachable (a large BAR): host-visible
  /// VRAM allocations work.
  bool large_bar() const;
  uint32_t sdma_engines() const;
  uint32_t xgmi_sdma_engines() const;
  /// The GPU-VA window this device allocates from.
  const VaWindow& va_window() const { return window_; }

  /// Allocates `size` bytes (rounded up to pages) of `memory`, maps it to
  /// this GPU and, if host-visible, to the CPU at the same address.
  Buffer alloc(uint64_t size, Memory memory, std::string label = {});
  /// Wraps host memory the program owns (page-aligned) as a USERPTR buffer;
  /// its GPU VA is its CPU address.
  Buffer wrap_host(void* host, uint64_t size, std::string label = {});

  /// The live buffer containing [va, va + size), if any.
  Buffer find(uint64_t va, uint64_t size = 1) const;
  size_t live_buffers() const { return buffers_.size(); }

  /// CPU access to this device's memory the CPU cannot map (Memory::kVram):
  /// a GTT bounce buffer and an internal SDMA queue, created on first use.
  /// Buffer::write/read/fill use it; see staging.h.
  Staging& staging();

 private:
  friend class System;
  friend class Buffer;
  friend struct detail::BufferState;
  Device(System& system, size_t index, const gpu::Node& node, gpu::GpuTarget target,
         VaWindow window);
  void release(detail::BufferState& state);
  Buffer finish_alloc(std::shared_ptr<detail::BufferState> state, uint64_t mmap_offset);

  System* system_;
  size_t index_;
  uint32_t gpu_id_;
  const gpu::Node* node_;
  gpu::GpuTarget target_;
  VaWindow window_;
  std::map<uint64_t, std::weak_ptr<detail::BufferState>> buffers_;  // by VA
  std::unique_ptr<Staging> staging_;  // destroyed first: its queue, then buffers
};

}  // namespace amdrr

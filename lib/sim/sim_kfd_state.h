#pragma once
// SimKfd's private state, shared by sim_kfd*.cc. Not for use outside lib/sim.

#include <bitset>
#include <memory>
#include <set>
#include <vector>

#include "lib/sim/sim_kfd.h"

namespace amdrr::sim {

inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint64_t page_align(uint64_t v) {
  return (v + kPageSize - 1) & ~(kPageSize - 1);
}

/// KFD_MAX_NUM_OF_QUEUES_PER_PROCESS; also the doorbells per process slice.
inline constexpr uint32_t kMaxQueuesPerProcess = 1024;
/// KFD_SIGNAL_EVENT_LIMIT slots of 8 bytes [S-EVT].
inline constexpr uint32_t kSignalEventLimit = 4096;
/// Slots usable in a kernel-allocated page before it is mmapped (old
/// kernels; UNVERIFIED for current ones).
inline constexpr uint32_t kKernelPageSlots = 256;
inline constexpr uint64_t kUnsignaledEventSlot = ~0ull;
/// Non-signal event ids start here (KFD_FIRST_NONSIGNAL_EVENT_ID) [S-EVT].
inline constexpr uint32_t kFirstNonSignalEventId = 0x80000000u;
/// The kernel's internal ENOTSUPP (524), which reaches userspace as-is for an
/// unknown queue type [S-CHR set_queue_properties_from_user].
inline constexpr int kENOTSUPP = 524;

struct SimKfd::Bo {
  uint64_t handle = 0;
  uint32_t gpu_id = 0;
  uint64_t va = 0;
  uint64_t size = 0;  // page aligned
  uint32_t flags = 0;
  std::shared_ptr<HostMemory> memory;  // VRAM / GTT / kernel-side pages
  uint8_t* host = nullptr;             // the bytes the GPU sees
  uint64_t mmap_offset = 0;
  std::set<uint32_t> mapped_on;  // gpu_ids
};

struct SimKfd::Gpu {
  uint32_t gpu_id = 0;
  const gpu::Node* node = nullptr;
  gpu::GpuTarget target;
  bool vm_acquired = false;
  int32_t drm_fd = -1;
  std::map<uint32_t, Bo> bos;  // by idr handle
  GpuVm vm;
  uint64_t vram_size = 0;
  uint64_t vram_used = 0;
  std::optional<HostMemory> doorbells;  // this process's doorbell slice
  std::optional<HostMemory> mmio;       // the HDP flush remap page
  std::bitset<kMaxQueuesPerProcess> doorbell_used;
  std::vector<bool> sdma_used;  // engine-major: engine * queues_per_engine + queue
  uint32_t sdma_engines = 0;
  uint32_t sdma_xgmi_engines = 0;
  uint32_t sdma_queues_per_engine = 0;
  uint64_t next_drm_offset = 1ull << 32;  // DRM fake offsets start above 4 GiB
  kmd::ProcessDeviceApertures apertures;
};

struct SimKfd::Queue {
  SimQueue q;
  uint32_t gpu_id = 0;
};

struct SimKfd::Event {
  uint32_t event_id = 0;
  kmd::EventType type = kmd::EventType::kSignal;
  bool auto_reset = false;
  bool signaled = false;
  uint64_t event_age = 1;  // 0 means "no age" to WAIT_EVENTS
  kmd::MemoryExceptionData memory_exception_data;
  kmd::HwExceptionData hw_exception_data;
  std::vector<Waiter*> waiters;
};

struct SimKfd::Waiter {
  Event* event = nullptr;  // nulled if the event is destroyed meanwhile
  bool activated = false;
  bool event_age_enabled = false;
};

}  // namespace amdrr::sim

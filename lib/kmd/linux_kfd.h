#pragma once
// LinuxKfd: the Kmd over the real kernel interface — /dev/kfd ioctls, the
// GPUs' render nodes and the sysfs topology — reached only through a
// Syscalls, so tests can put a fake kernel behind it.
//
// What it does besides packing ioctls (kfd_ioctl_*.h):
// - opens /dev/kfd and reads the topology at creation, GET_VERSION once, and
//   gates newer calls on the minor version (EOPNOTSUPP below it);
// - opens /dev/dri/renderD<drm_render_minor> for ACQUIRE_VM when asked to
//   (AcquireVmArgs::kOwnRenderNode) and mmaps VRAM/GTT BOs through it;
// - maps each GPU's doorbell slice at its first queue and stores doorbells
//   into it; maps the kernel's event page when the kernel allocated it;
// - reserves CPU VA (PROT_NONE) at the GPU VA of every host-visible BO, so
//   mmap(addr = GPU VA) lands CPU VA == GPU VA without clobbering anything.
//
// Thread-safe: one lock guards the bookkeeping; ioctls run without it, so a
// blocking WAIT_EVENTS does not stall other calls.

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lib/kmd/kmd.h"
#include "lib/kmd/syscalls.h"

namespace amdrr::kmd {

struct LinuxKfdOptions {
  std::string kfd_path = "/dev/kfd";
  std::filesystem::path topology_root{gpu::kDefaultTopologyRoot};
  std::string render_node_prefix = "/dev/dri/renderD";
};

class LinuxKfd final : public Kmd {
 public:
  /// Owns `sys`. Fails with the errno of opening /dev/kfd, reading the
  /// topology or GET_VERSION (EPROTO for a major version other than 1).
  static Result<std::unique_ptr<LinuxKfd>> open(std::unique_ptr<Syscalls> sys,
                                                const LinuxKfdOptions& options = {});
  /// Borrows `sys`, which must outlive the LinuxKfd.
  static Result<std::unique_ptr<LinuxKfd>> open(Syscalls& sys, const LinuxKfdOptions& options = {});
  ~LinuxKfd() override;

  Syscalls& syscalls() const { return *sys_; }
  const GetVersionResult& version() const { return version_; }
  /// The kernel-allocated event page once mapped (else empty).
  CpuMapping event_page() const;

  // --- Kmd -------------------------------------------------------------------
  const gpu::Topology& topology() const override { return topology_; }
  Result<GetVersionResult> get_version() override;
  Result<std::vector<ProcessDeviceApertures>> get_process_apertures() override;
  Result<void> acquire_vm(const AcquireVmArgs& args) override;
  Result<uint32_t> runtime_enable(const RuntimeEnableArgs& args) override;
  Result<int32_t> set_xnack_mode(int32_t xnack_enabled) override;
  Result<ClockCounters> get_clock_counters(uint32_t gpu_id) override;
  Result<uint64_t> available_memory(uint32_t gpu_id) override;
  Result<AllocMemoryResult> alloc_memory_of_gpu(const AllocMemoryArgs& args) override;
  Result<void> free_memory_of_gpu(uint64_t handle) override;
  Result<void> map_memory_to_gpu(MapMemoryArgs& args) override;
  Result<void> unmap_memory_from_gpu(MapMemoryArgs& args) override;
  Result<CpuMapping> mmap(const MmapArgs& args) override;
  Result<void> munmap(const CpuMapping& mapping) override;
  Result<CreateQueueResult> create_queue(const CreateQueueArgs& args) override;
  Result<void> destroy_queue(uint32_t queue_id) override;
  Result<void> update_queue(const UpdateQueueArgs& args) override;
  Result<void> write_doorbell(uint32_t queue_id, uint64_t value) override;
  Result<CreateEventResult> create_event(const CreateEventArgs& args) override;
  Result<void> destroy_event(uint32_t event_id) override;
  Result<void> set_event(uint32_t event_id) override;
  Result<void> reset_event(uint32_t event_id) override;
  Result<WaitResult> wait_events(const WaitEventsArgs& args) override;

 private:
  struct Gpu {
    uint32_t gpu_id = 0;
    uint32_t render_minor = 0;
    uint32_t doorbell_slice_size = 0;  // 0: unknown target, no queues
    ScopedFd own_render_fd;            // opened by us for ACQUIRE_VM
    int render_fd = -1;                // own_render_fd or the caller's
    ScopedMapping doorbells;           // the process doorbell slice
  };
  struct Queue {
    uint32_t gpu_id = 0;
    uint64_t doorbell_in_slice = 0;
  };
  struct Reservation {
    uint64_t va = 0;
    uint64_t size = 0;
  };
  struct CpuMap {
    uint64_t size = 0;
    bool in_reservation = false;  // munmap puts the PROT_NONE reservation back
  };

  LinuxKfd(std::unique_ptr<Syscalls> owned, Syscalls& sys) : owned_(std::move(owned)), sys_(&sys) {}
  static Result<std::unique_ptr<LinuxKfd>> init(std::unique_ptr<LinuxKfd> kfd,
                                                const LinuxKfdOptions& options);
  /// One KFD ioctl on /dev/kfd.
  template <typename Raw>
  Result<void> kfd_ioctl(unsigned long request, Raw& raw) {
    return sys_->ioctl(kfd_.get(), request, &raw);
  }
  bool has_minor(uint32_t minor) const { return version_.minor_version >= minor; }
  Gpu* find_gpu(uint32_t gpu_id);
  void reserve_va(uint64_t handle, const AllocMemoryArgs& args);
  void release_reservation_locked(uint64_t handle);
  const Reservation* reservation_covering_locked(uint64_t addr, uint64_t size) const;
  Result<void> map_doorbells_locked(Gpu& gpu, uint64_t doorbell_offset);

  // Destroyed bottom-up: mappings and render fds before /dev/kfd, the
  // Syscalls last.
  std::unique_ptr<Syscalls> owned_;
  Syscalls* sys_;
  ScopedFd kfd_;
  std::string render_node_prefix_;
  gpu::Topology topology_;
  GetVersionResult version_;
  std::vector<std::unique_ptr<Gpu>> gpus_;

  mutable std::mutex mu_;
  std::map<uint32_t, Queue> queues_;              // by queue_id
  std::map<uint32_t, EventType> event_types_;     // by event_id
  bool user_event_page_ = false;                  // a signal BO was given to KFD
  ScopedMapping event_page_;                      // the kernel's page, when it has one
  std::map<uint64_t, Reservation> reservations_;  // by BO handle
  std::map<uint64_t, CpuMap> cpu_maps_;           // by address
};

}  // namespace amdrr::kmd

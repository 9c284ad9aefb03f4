#pragma once
// SimKfd: the kernel half of the emulated GPU. Implements Kmd with KFD's
// semantics: the same call fails with the same errno as KFD for the same
// mistake (sources cited at each check: [S-CHR] kfd_chardev.c, [S-EVT]
// kfd_events.c, [S-QUE] kfd_queue.c, as summarised in
// shared/reference/amdgpu-interfaces.md). Memory is memfd-backed and shared
// between CPU mappings and the GPU side (gpu_read/gpu_write).
//
// Thread-safe: one lock guards the state; wait_events blocks without it.

#include <bitset>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "lib/gpu/gpu_target.h"
#include "lib/kmd/kmd.h"
#include "lib/sim/engine_hook.h"
#include "lib/sim/gpu_vm.h"
#include "lib/sim/host_memory.h"
#include "lib/sim/profile.h"
#include "lib/sim/topology_writer.h"

namespace amdrr::sim {

class SimKfd final : public kmd::Kmd {
 public:
  /// KFD's interface version SimKfd implements (last_event_age needs 1.14,
  /// SDMA_BY_ENG_ID 1.17).
  static constexpr uint32_t kMajorVersion = 1;
  static constexpr uint32_t kMinorVersion = 17;

  /// Generates the profile's topology tree in a temporary directory (removed
  /// with the SimKfd) and reads it back with the lib/gpu parser.
  static Result<std::unique_ptr<SimKfd>> create(const SimProfile& profile = {});
  /// Uses an existing tree (hand-written in tests). Every GPU must resolve
  /// to a known GpuTarget.
  static Result<std::unique_ptr<SimKfd>> create_from_root(const std::filesystem::path& root,
                                                          bool small_bar = false);
  ~SimKfd() override;

  const std::filesystem::path& topology_root() const { return root_; }
  void set_engine_hook(EngineHook* hook);
  /// Fills every later VRAM/GTT allocation with `byte` (fault injection:
  /// catches reads of uninitialised memory); nullopt: zeroed, as KFD's are.
  void set_alloc_poison(std::optional<uint8_t> byte);

  // --- Kmd -------------------------------------------------------------------
  const gpu::Topology& topology() const override { return topology_; }
  Result<kmd::GetVersionResult> get_version() override;
  Result<std::vector<kmd::ProcessDeviceApertures>> get_process_apertures() override;
  Result<void> acquire_vm(const kmd::AcquireVmArgs& args) override;
  Result<uint32_t> runtime_enable(const kmd::RuntimeEnableArgs& args) override;
  Result<int32_t> set_xnack_mode(int32_t xnack_enabled) override;
  Result<kmd::ClockCounters> get_clock_counters(uint32_t gpu_id) override;
  Result<uint64_t> available_memory(uint32_t gpu_id) override;
  Result<kmd::AllocMemoryResult> alloc_memory_of_gpu(const kmd::AllocMemoryArgs& args) override;
  Result<void> free_memory_of_gpu(uint64_t handle) override;
  Result<void> map_memory_to_gpu(kmd::MapMemoryArgs& args) override;
  Result<void> unmap_memory_from_gpu(kmd::MapMemoryArgs& args) override;
  Result<kmd::CpuMapping> mmap(const kmd::MmapArgs& args) override;
  Result<void> munmap(const kmd::CpuMapping& mapping) override;
  Result<kmd::CreateQueueResult> create_queue(const kmd::CreateQueueArgs& args) override;
  Result<void> destroy_queue(uint32_t queue_id) override;
  Result<void> update_queue(const kmd::UpdateQueueArgs& args) override;
  Result<void> write_doorbell(uint32_t queue_id, uint64_t value) override;
  Result<kmd::CreateEventResult> create_event(const kmd::CreateEventArgs& args) override;
  Result<void> destroy_event(uint32_t event_id) override;
  Result<void> set_event(uint32_t event_id) override;
  Result<void> reset_event(uint32_t event_id) override;
  Result<kmd::WaitResult> wait_events(const kmd::WaitEventsArgs& args) override;
  /// A driver's CPU spin: the engines run (the GPU advances only in Kmd calls).
  void poll() override;

  // --- the GPU side (for engines and tests) ---------------------------------
  /// Reads GPU VA on `gpu_id` through that GPU's mappings.
  std::optional<GpuFault> gpu_read(uint32_t gpu_id, uint64_t va, std::span<uint8_t> out);
  std::optional<GpuFault> gpu_write(uint32_t gpu_id, uint64_t va, std::span<const uint8_t> in);
  /// Copies within `gpu_id`'s address space (engines' DMA; no host bounce).
  std::optional<GpuFault> gpu_copy(uint32_t gpu_id, uint64_t dst, uint64_t src, uint64_t size);
  /// What KFD does on a VM fault interrupt: every MEMORY event of the process
  /// gets the exception data and is set [S-EVT kfd_signal_vm_fault_event].
  void report_vm_fault(uint32_t gpu_id, const GpuFault& fault);
  /// What KFD does on an end-of-pipe / SDMA trap interrupt carrying a context
  /// id: the event is set only if its slot was written (not all-ones), and
  /// the slot is reset; an unknown id scans every slot [S-EVT].
  void signal_interrupt(uint32_t context_id);
  const gpu::GpuTarget* target(uint32_t gpu_id) const;

  // --- introspection for the contract tests ----------------------------------
  struct Counts {
    size_t bos = 0;
    size_t gpu_mappings = 0;
    size_t cpu_mappings = 0;
    size_t queues = 0;
    size_t events = 0;
    friend bool operator==(const Counts&, const Counts&) = default;
  };
  Counts counts() const;

 private:
  struct Bo;
  struct Gpu;
  struct Queue;
  struct Event;
  struct Waiter;

  SimKfd() = default;
  Result<void> init(bool small_bar);
  Gpu* find_gpu(uint32_t gpu_id);
  Bo* find_bo(Gpu& gpu, uint64_t handle);
  Result<void> check_queue_buffer(Gpu& gpu, uint64_t addr, uint64_t size);
  Result<void> check_queue_buffers(Gpu& gpu, const kmd::CreateQueueArgs& args);
  Result<void> pick_sdma_queue(Gpu& gpu, const kmd::CreateQueueArgs& args, SimQueue& q);
  Result<void> pick_doorbell(Gpu& gpu, SimQueue& q);
  Result<void> reserve_mem_limit(uint64_t size, uint32_t flags);
  void unreserve_mem_limit(uint64_t size, uint32_t flags);
  void set_event_locked(Event& ev);
  uint64_t* signal_slots();

  std::optional<TempDir> temp_dir_;
  std::filesystem::path root_;
  gpu::Topology topology_;
  std::vector<std::unique_ptr<Gpu>> gpus_;
  bool small_bar_ = false;
  // KFD's system-memory accounting (kfd_mem_limit): GTT counts against both
  // totals, userptr against the system one. Global in the kernel; the
  // emulated machine has one process, so here it is per SimKfd.
  uint64_t system_mem_limit_ = 0, system_mem_used_ = 0;
  uint64_t ttm_mem_limit_ = 0, ttm_mem_used_ = 0;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  EngineHook* hook_ = nullptr;
  std::map<uint32_t, std::unique_ptr<Queue>> queues_;  // by queue_id
  std::map<uint32_t, std::unique_ptr<Event>> events_;  // by event_id
  std::map<uint64_t, uint64_t> cpu_mappings_;          // addr -> size
  // The signal page: a user BO (dGPU path) or our own (no page given).
  uint64_t signal_handle_ = 0;
  uint8_t* signal_page_ = nullptr;
  uint64_t signal_mapped_size_ = 0;
  std::optional<HostMemory> kernel_signal_page_;
  int32_t xnack_enabled_ = 0;
  std::optional<uint8_t> alloc_poison_;
  bool runtime_enabled_ = false;
};

}  // namespace amdrr::sim

// SimKfd: construction, process-level calls, the GPU side and introspection.
// Memory calls are in sim_kfd_memory.cc, queues in sim_kfd_queue.cc, events
// in sim_kfd_event.cc.
#include "lib/sim/sim_kfd.h"

#include <sys/mman.h>

#include <cerrno>
#include <chrono>
#include <ctime>

#include "lib/sim/sim_kfd_state.h"

namespace amdrr::sim {
namespace {

// GFX9+ apertures [S-FLAT]: LDS at 1<<48 and scratch at 2<<48, 4 GiB each;
// the GPUVM range starts at SVM_USER_BASE (16 MiB in older kernels;
// UNVERIFIED for newer ones) and ends below the 48-bit VA hole (47 bits of
// user VA; UNVERIFIED per board).
constexpr uint64_t kLdsBase = 1ull << 48;
constexpr uint64_t kScratchBase = 2ull << 48;
constexpr uint64_t kApertureLimit = 0xFFFFFFFFull;
constexpr uint64_t kGpuvmBase = 0x1000000;
constexpr uint64_t kGpuvmLimit = (1ull << 47) - 1;

uint64_t clock_ns(clockid_t id) {
  timespec ts{};
  ::clock_gettime(id, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

Result<std::unique_ptr<SimKfd>> SimKfd::create(const SimProfile& profile) {
  auto dir = TempDir::create();
  if (!dir) return Errno{dir.error()};
  if (auto r = write_topology(build_topology(profile), dir->path()); !r) return Errno{r.error()};
  std::unique_ptr<SimKfd> kfd(new SimKfd());
  kfd->root_ = dir->path();
  kfd->temp_dir_.emplace(std::move(*dir));
  if (auto r = kfd->init(profile.small_bar); !r) return Errno{r.error()};
  return kfd;
}

Result<std::unique_ptr<SimKfd>> SimKfd::create_from_root(const std::filesystem::path& root,
                                                         bool small_bar) {
  std::unique_ptr<SimKfd> kfd(new SimKfd());
  kfd->root_ = root;
  if (auto r = kfd->init(small_bar); !r) return Errno{r.error()};
  return kfd;
}

SimKfd::~SimKfd() {
  // Like process teardown: CPU mappings made through us go away.
  for (const auto& [addr, size] : cpu_mappings_) ::munmap(reinterpret_cast<void*>(addr), size);
}

Result<void> SimKfd::init(bool small_bar) {
  small_bar_ = small_bar;
  auto topo = gpu::read_topology(root_);
  if (!topo) return Errno{topo.error()};
  topology_ = std::move(*topo);
  // amdgpu_amdkfd_gpuvm_init_mem_limits [S-GPUVM]: system RAM less 1/64,
  // less AMDGPU_RESERVE_MEM_LIMIT (1.5 GiB; halved instead on a machine of
  // under 3 GiB); TTM: ttm_tt_pages_limit(), half of system RAM by default
  // (UNVERIFIED: TTM's default, as we read ttm_tt.c). System RAM is the CPU
  // nodes' memory banks.
  uint64_t ram = 0;
  for (const auto& n : topology_.nodes) {
    if (!n.is_gpu()) {
      for (const auto& b : n.mem_banks) ram += b.size_in_bytes();
    }
  }
  constexpr uint64_t kReserveMemLimit = uint64_t{3} << 29;
  system_mem_limit_ = ram - (ram >> 6);
  system_mem_limit_ = system_mem_limit_ < 2 * kReserveMemLimit
                          ? system_mem_limit_ >> 1
                          : system_mem_limit_ - kReserveMemLimit;
  ttm_mem_limit_ = ram / 2;
  for (const gpu::Node* node : topology_.gpu_nodes()) {
    auto target = gpu::resolve_target(*node);
    if (!target) return Errno{target.error()};
    auto g = std::make_unique<Gpu>();
    g->gpu_id = node->gpu_id;
    g->node = node;
    g->target = std::move(*target);
    g->vram_size = node->vram_size();
    g->sdma_engines = static_cast<uint32_t>(node->properties.get("num_sdma_engines"));
    g->sdma_xgmi_engines = static_cast<uint32_t>(node->properties.get("num_sdma_xgmi_engines"));
    g->sdma_queues_per_engine =
        static_cast<uint32_t>(node->properties.get("num_sdma_queues_per_engine"));
    g->sdma_used.assign(size_t{g->sdma_engines + g->sdma_xgmi_engines} * g->sdma_queues_per_engine,
                        false);
    g->apertures = {kLdsBase,     kLdsBase | kApertureLimit,
                    kScratchBase, kScratchBase | kApertureLimit,
                    kGpuvmBase,   kGpuvmLimit,
                    node->gpu_id};
    auto db = HostMemory::create(g->target.doorbell_slice_size, "amdrr-doorbells");
    if (!db) return Errno{db.error()};
    g->doorbells.emplace(std::move(*db));
    auto mmio = HostMemory::create(kPageSize, "amdrr-mmio-remap");
    if (!mmio) return Errno{mmio.error()};
    g->mmio.emplace(std::move(*mmio));
    gpus_.push_back(std::move(g));
  }
  return {};
}

void SimKfd::set_engine_hook(EngineHook* hook) {
  std::lock_guard lock(mu_);
  hook_ = hook;
}

void SimKfd::set_alloc_poison(std::optional<uint8_t> byte) {
  std::lock_guard lock(mu_);
  alloc_poison_ = byte;
}

void SimKfd::poll() {
  EngineHook* hook;
  {
    std::lock_guard lock(mu_);
    hook = hook_;
  }
  // Called without the lock, like doorbell(): engines call back into us.
  if (hook) hook->poll();
}

SimKfd::Gpu* SimKfd::find_gpu(uint32_t gpu_id) {
  for (auto& g : gpus_) {
    if (g->gpu_id == gpu_id) return g.get();
  }
  return nullptr;
}

SimKfd::Bo* SimKfd::find_bo(Gpu& gpu, uint64_t handle) {
  auto it = gpu.bos.find(kmd::handle_idr(handle));
  return it == gpu.bos.end() ? nullptr : &it->second;
}

const gpu::GpuTarget* SimKfd::target(uint32_t gpu_id) const {
  for (const auto& g : gpus_) {
    if (g->gpu_id == gpu_id) return &g->target;
  }
  return nullptr;
}

Result<kmd::GetVersionResult> SimKfd::get_version() {
  return kmd::GetVersionResult{kMajorVersion, kMinorVersion};
}

Result<std::vector<kmd::ProcessDeviceApertures>> SimKfd::get_process_apertures() {
  std::lock_guard lock(mu_);
  // Every GPU gets a process-device entry when the process opens KFD.
  std::vector<kmd::ProcessDeviceApertures> out;
  for (const auto& g : gpus_) out.push_back(g->apertures);
  return out;
}

Result<void> SimKfd::acquire_vm(const kmd::AcquireVmArgs& args) {
  std::lock_guard lock(mu_);
  Gpu* g = find_gpu(args.gpu_id);
  if (!g) return Errno{EINVAL};
  // Re-acquiring with the same file is fine; another file is EBUSY [S-CHR].
  if (g->vm_acquired) return g->drm_fd == args.drm_fd ? Result<void>() : Result<void>(Errno{EBUSY});
  g->vm_acquired = true;
  g->drm_fd = args.drm_fd;
  return {};
}

Result<uint32_t> SimKfd::runtime_enable(const kmd::RuntimeEnableArgs& args) {
  std::lock_guard lock(mu_);
  if (!(args.mode_mask & kmd::kRuntimeEnableMode)) {
    runtime_enabled_ = false;
    return 0u;
  }
  // [S-CHR] runtime_enable: EBUSY if already enabled, EEXIST with queues.
  if (runtime_enabled_) return Errno{EBUSY};
  if (!queues_.empty()) return Errno{EEXIST};
  runtime_enabled_ = true;
  return 0u;  // no debugger capabilities emulated
}

Result<int32_t> SimKfd::set_xnack_mode(int32_t xnack_enabled) {
  std::lock_guard lock(mu_);
  if (xnack_enabled >= 0) {
    // [S-CHR] kfd_ioctl_set_xnack_mode: EBUSY with queues, EPERM when a GPU
    // cannot retry faults. UNVERIFIED: gfx1100 reported as unable.
    if (!queues_.empty()) return Errno{EBUSY};
    if (xnack_enabled > 0) {
      for (const auto& g : gpus_) {
        if (g->target.pm4_family != pkt::Pm4Family::kGfx9) return Errno{EPERM};
      }
    }
    xnack_enabled_ = xnack_enabled > 0 ? 1 : 0;
  }
  return xnack_enabled_;
}

Result<kmd::ClockCounters> SimKfd::get_clock_counters(uint32_t gpu_id) {
  std::unique_lock lock(mu_);
  kmd::ClockCounters c;
  // The GPU counter is 0 for an unknown gpu_id, not an error [S-CHR]. The
  // emulated one runs at 100 MHz (UNVERIFIED: the real rate is per board);
  // with engines in deterministic mode it is their virtual clock, so GPU
  // timestamps and this counter agree.
  const bool known = find_gpu(gpu_id) != nullptr;
  EngineHook* hook = hook_;
  lock.unlock();  // the hook takes its own lock, which is held around ours
  std::optional<uint64_t> virtual_clock = known && hook ? hook->gpu_clock(gpu_id) : std::nullopt;
  c.gpu_clock_counter = !known          ? 0
                        : virtual_clock ? *virtual_clock
                                        : clock_ns(CLOCK_MONOTONIC_RAW) / 10;
  c.cpu_clock_counter = clock_ns(CLOCK_MONOTONIC_RAW);
  c.system_clock_counter = clock_ns(CLOCK_BOOTTIME);
  c.system_clock_freq = 1000000000ull;
  return c;
}

Result<uint64_t> SimKfd::available_memory(uint32_t gpu_id) {
  std::lock_guard lock(mu_);
  Gpu* g = find_gpu(gpu_id);
  if (!g) return Errno{EINVAL};
  return g->vram_size - g->vram_used;
}

std::optional<GpuFault> SimKfd::gpu_read(uint32_t gpu_id, uint64_t va, std::span<uint8_t> out) {
  std::lock_guard lock(mu_);
  Gpu* g = find_gpu(gpu_id);
  if (!g) return GpuFault{va, true, false, false};
  return g->vm.read(va, out);
}

std::optional<GpuFault> SimKfd::gpu_write(uint32_t gpu_id, uint64_t va,
                                          std::span<const uint8_t> in) {
  std::lock_guard lock(mu_);
  Gpu* g = find_gpu(gpu_id);
  if (!g) return GpuFault{va, true, false, false};
  return g->vm.write(va, in);
}

std::optional<GpuFault> SimKfd::gpu_copy(uint32_t gpu_id, uint64_t dst, uint64_t src,
                                         uint64_t size) {
  std::lock_guard lock(mu_);
  Gpu* g = find_gpu(gpu_id);
  if (!g) return GpuFault{src, true, false, false};
  return g->vm.copy(dst, src, size);
}

SimKfd::Counts SimKfd::counts() const {
  std::lock_guard lock(mu_);
  Counts c;
  for (const auto& g : gpus_) {
    c.bos += g->bos.size();
    c.gpu_mappings += g->vm.mapping_count();
  }
  c.cpu_mappings = cpu_mappings_.size();
  c.queues = queues_.size();
  c.events = events_.size();
  return c;
}

}  // namespace amdrr::sim

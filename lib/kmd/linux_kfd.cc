// LinuxKfd: opening, process-level calls and teardown. Memory and CPU
// mappings are in linux_kfd_memory.cc, queues and events in
// linux_kfd_queue_event.cc.
#include "lib/kmd/linux_kfd.h"

#include <fcntl.h>
#include <sys/mman.h>

#include <cerrno>

#include "lib/gpu/gpu_target.h"
#include "lib/kmd/kfd_ioctl_process.h"

namespace amdrr::kmd {

Result<std::unique_ptr<LinuxKfd>> LinuxKfd::open(std::unique_ptr<Syscalls> sys,
                                                 const LinuxKfdOptions& options) {
  Syscalls& ref = *sys;
  return init(std::unique_ptr<LinuxKfd>(new LinuxKfd(std::move(sys), ref)), options);
}

Result<std::unique_ptr<LinuxKfd>> LinuxKfd::open(Syscalls& sys, const LinuxKfdOptions& options) {
  return init(std::unique_ptr<LinuxKfd>(new LinuxKfd(nullptr, sys)), options);
}

Result<std::unique_ptr<LinuxKfd>> LinuxKfd::init(std::unique_ptr<LinuxKfd> kfd,
                                                 const LinuxKfdOptions& options) {
  auto fd = kfd->sys_->open(options.kfd_path.c_str(), O_RDWR | O_CLOEXEC);
  if (!fd) return Errno{fd.error()};
  kfd->kfd_ = ScopedFd(*kfd->sys_, *fd);

  auto raw = uapi::KfdGetVersionArgs{};
  if (auto r = kfd->kfd_ioctl(uapi::kIocGetVersion, raw); !r) return Errno{r.error()};
  kfd->version_ = codec::decode_get_version(raw);
  if (kfd->version_.major_version != 1) return Errno{EPROTO};

  auto topo = gpu::read_topology(options.topology_root);
  if (!topo) return Errno{topo.error()};
  kfd->topology_ = std::move(*topo);
  for (const gpu::Node* node : kfd->topology_.gpu_nodes()) {
    auto g = std::make_unique<Gpu>();
    g->gpu_id = node->gpu_id;
    g->render_minor = node->drm_render_minor();
    // A GPU our generation table does not know can still allocate and map;
    // only queues need the doorbell layout.
    if (auto t = gpu::resolve_target(*node)) g->doorbell_slice_size = t->doorbell_slice_size;
    kfd->gpus_.push_back(std::move(g));
  }
  kfd->render_node_prefix_ = options.render_node_prefix;
  return kfd;
}

LinuxKfd::~LinuxKfd() {
  // What process exit would do: CPU mappings and VA reservations go first,
  // then (members) doorbells, the event page, render nodes, /dev/kfd.
  std::lock_guard lock(mu_);
  for (const auto& [addr, m] : cpu_maps_) {
    (void)sys_->munmap(reinterpret_cast<void*>(addr), m.size);
  }
  cpu_maps_.clear();
  for (const auto& [handle, r] : reservations_) {
    (void)sys_->munmap(reinterpret_cast<void*>(r.va), r.size);
  }
  reservations_.clear();
}

LinuxKfd::Gpu* LinuxKfd::find_gpu(uint32_t gpu_id) {
  for (auto& g : gpus_) {
    if (g->gpu_id == gpu_id) return g.get();
  }
  return nullptr;
}

CpuMapping LinuxKfd::event_page() const {
  std::lock_guard lock(mu_);
  return {reinterpret_cast<uint64_t>(event_page_.data()), event_page_.size()};
}

Result<GetVersionResult> LinuxKfd::get_version() {
  auto raw = uapi::KfdGetVersionArgs{};
  if (auto r = kfd_ioctl(uapi::kIocGetVersion, raw); !r) return Errno{r.error()};
  return codec::decode_get_version(raw);
}

Result<std::vector<ProcessDeviceApertures>> LinuxKfd::get_process_apertures() {
  // Two calls, as libhsakmt does: the count, then the array [S-CHR].
  auto count = codec::encode_get_process_apertures({});
  if (auto r = kfd_ioctl(uapi::kIocGetProcessAperturesNew, count); !r) return Errno{r.error()};
  std::vector<uapi::KfdProcessDeviceApertures> storage(count.num_of_nodes);
  auto raw = codec::encode_get_process_apertures(storage);
  if (raw.num_of_nodes == 0) return std::vector<ProcessDeviceApertures>{};
  if (auto r = kfd_ioctl(uapi::kIocGetProcessAperturesNew, raw); !r) return Errno{r.error()};
  return codec::decode_get_process_apertures(raw, storage);
}

Result<void> LinuxKfd::acquire_vm(const AcquireVmArgs& args) {
  AcquireVmArgs resolved = args;
  Gpu* g = nullptr;
  {
    std::lock_guard lock(mu_);
    g = find_gpu(args.gpu_id);
    if (g && args.drm_fd == AcquireVmArgs::kOwnRenderNode) {
      if (!g->own_render_fd.valid()) {
        std::string path = render_node_prefix_ + std::to_string(g->render_minor);
        auto fd = sys_->open(path.c_str(), O_RDWR | O_CLOEXEC);
        if (!fd) return Errno{fd.error()};
        g->own_render_fd = ScopedFd(*sys_, *fd);
      }
      resolved.drm_fd = g->own_render_fd.get();
    }
  }
  // An unknown GPU goes to the kernel as is (-1 for kOwnRenderNode): it
  // answers EINVAL for both a bad fd and an unknown gpu_id [S-CHR].
  auto raw = codec::encode_acquire_vm(resolved);
  if (auto r = kfd_ioctl(uapi::kIocAcquireVm, raw); !r) return Errno{r.error()};
  std::lock_guard lock(mu_);
  if (g) g->render_fd = resolved.drm_fd;
  return {};
}

Result<uint32_t> LinuxKfd::runtime_enable(const RuntimeEnableArgs& args) {
  if (!has_minor(uapi::kMinorRuntimeEnable)) return Errno{EOPNOTSUPP};
  auto raw = codec::encode_runtime_enable(args);
  if (auto r = kfd_ioctl(uapi::kIocRuntimeEnable, raw); !r) return Errno{r.error()};
  return codec::decode_runtime_enable(raw);
}

Result<int32_t> LinuxKfd::set_xnack_mode(int32_t xnack_enabled) {
  auto raw = codec::encode_set_xnack_mode(xnack_enabled);
  if (auto r = kfd_ioctl(uapi::kIocSetXnackMode, raw); !r) return Errno{r.error()};
  return codec::decode_set_xnack_mode(raw);
}

Result<ClockCounters> LinuxKfd::get_clock_counters(uint32_t gpu_id) {
  auto raw = codec::encode_get_clock_counters(gpu_id);
  if (auto r = kfd_ioctl(uapi::kIocGetClockCounters, raw); !r) return Errno{r.error()};
  return codec::decode_get_clock_counters(raw);
}

Result<uint64_t> LinuxKfd::available_memory(uint32_t gpu_id) {
  if (!has_minor(uapi::kMinorAvailableMemory)) return Errno{EOPNOTSUPP};
  auto raw = codec::encode_available_memory(gpu_id);
  if (auto r = kfd_ioctl(uapi::kIocAvailableMemory, raw); !r) return Errno{r.error()};
  return codec::decode_available_memory(raw);
}

}  // namespace amdrr::kmd

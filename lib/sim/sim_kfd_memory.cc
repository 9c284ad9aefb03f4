// SimKfd memory calls: ALLOC / FREE / MAP / UNMAP and CPU mmap, with the
// checks of kfd_chardev.c [S-CHR] and amdgpu_amdkfd_gpuvm.c [S-GPUVM].
#include <sys/mman.h>

#include <cerrno>
#include <cstring>

#include "lib/sim/sim_kfd.h"
#include "lib/sim/sim_kfd_state.h"

namespace amdrr::sim {

namespace af = kmd::alloc_flags;

Result<kmd::AllocMemoryResult> SimKfd::alloc_memory_of_gpu(const kmd::AllocMemoryArgs& args) {
  std::lock_guard lock(mu_);
  // Order of checks as in kfd_ioctl_alloc_memory_of_gpu [S-CHR].
  if (args.size == 0) return Errno{EINVAL};
  Gpu* g = find_gpu(args.gpu_id);
  if (!g) return Errno{EINVAL};
  if ((args.flags & af::kPublic) && (args.flags & af::kVram) && small_bar_) return Errno{EINVAL};
  // kfd_bind_process_to_device fails without a VM (pdd->drm_priv) [S-CHR].
  if (!g->vm_acquired) return Errno{ENODEV};

  uint64_t size = page_align(args.size);
  if (size < args.size) return Errno{ENOMEM};  // PAGE_ALIGN wrapped: no memory that large
  Bo bo;
  bo.gpu_id = args.gpu_id;
  bo.va = args.va_addr;
  bo.size = size;
  bo.flags = args.flags;
  if (args.flags & af::kVram) {
    // amdgpu_amdkfd_reserve_mem_limit: ENOMEM past the VRAM size [S-GPUVM].
    if (size > g->vram_size - g->vram_used) return Errno{ENOMEM};
  } else if (args.flags & af::kGtt) {
    // Bounded with userptr below, by the system-memory totals.
  } else if (args.flags & af::kUserptr) {
    if (args.mmap_offset & (kPageSize - 1)) return Errno{EINVAL};
    // The pages must exist: msync fails with ENOMEM on unmapped ranges.
    // UNVERIFIED: the kernel's get_user_pages failure errno (EFAULT here).
    if (::msync(reinterpret_cast<void*>(args.mmap_offset), size, MS_ASYNC) != 0) {
      return Errno{EFAULT};
    }
    bo.host = reinterpret_cast<uint8_t*>(args.mmap_offset);
    bo.mmap_offset = args.mmap_offset;
  } else if (args.flags & af::kDoorbell) {
    if (args.size != g->target.doorbell_slice_size) return Errno{EINVAL};
    bo.host = g->doorbells->data();
    bo.mmap_offset = kmd::mmap_offset::kTypeDoorbell | kmd::mmap_offset::gpu_id_bits(g->gpu_id);
  } else if (args.flags & af::kMmioRemap) {
    if (args.size != kPageSize) return Errno{EINVAL};
    bo.host = g->mmio->data();
    bo.mmap_offset = kmd::mmap_offset::kTypeMmio | kmd::mmap_offset::gpu_id_bits(g->gpu_id);
  } else {
    return Errno{EINVAL};  // no memory kind [S-GPUVM]
  }

  if (auto r = reserve_mem_limit(size, args.flags); !r) return Errno{r.error()};
  if (args.flags & (af::kVram | af::kGtt)) {
    auto mem = HostMemory::create(size);
    if (!mem) {
      unreserve_mem_limit(size, args.flags);
      return Errno{ENOMEM};
    }
    bo.memory = std::make_shared<HostMemory>(std::move(*mem));
    bo.host = bo.memory->data();
    if (alloc_poison_) std::memset(bo.host, *alloc_poison_, size);
    bo.mmap_offset = g->next_drm_offset;
    g->next_drm_offset += size;
    if (args.flags & af::kVram) g->vram_used += size;
  }

  // idr_alloc(..., 0, 0): the lowest free handle from 0 [S-CHR].
  uint32_t idr = 0;
  while (g->bos.count(idr)) ++idr;
  bo.handle = kmd::make_handle(args.gpu_id, idr);
  kmd::AllocMemoryResult out{bo.handle, bo.mmap_offset};
  g->bos.emplace(idr, std::move(bo));
  return out;
}

namespace {

// The memory kind alloc_memory_of_gpu gives a BO: VRAM first, then GTT,
// then userptr.
bool is_gtt(uint32_t flags) {
  return (flags & af::kGtt) && !(flags & af::kVram);
}
bool is_userptr(uint32_t flags) {
  return (flags & af::kUserptr) && !(flags & (af::kVram | af::kGtt));
}

}  // namespace

Result<void> SimKfd::reserve_mem_limit(uint64_t size, uint32_t flags) {
  // amdgpu_amdkfd_reserve_mem_limit [S-GPUVM]: GTT needs system and TTM
  // memory, userptr system memory only; past either total, ENOMEM.
  const uint64_t system = is_gtt(flags) || is_userptr(flags) ? size : 0;
  const uint64_t ttm = is_gtt(flags) ? size : 0;
  if (system > system_mem_limit_ - system_mem_used_ || ttm > ttm_mem_limit_ - ttm_mem_used_) {
    return Errno{ENOMEM};
  }
  system_mem_used_ += system;
  ttm_mem_used_ += ttm;
  return {};
}

void SimKfd::unreserve_mem_limit(uint64_t size, uint32_t flags) {
  if (is_gtt(flags) || is_userptr(flags)) system_mem_used_ -= size;
  if (is_gtt(flags)) ttm_mem_used_ -= size;
}

Result<void> SimKfd::free_memory_of_gpu(uint64_t handle) {
  std::lock_guard lock(mu_);
  if (signal_handle_ && handle == signal_handle_) return Errno{EPERM};
  Gpu* g = find_gpu(kmd::handle_gpu_id(handle));
  if (!g) return Errno{EINVAL};
  Bo* bo = find_bo(*g, handle);
  if (!bo) return Errno{EINVAL};
  if (!bo->mapped_on.empty()) return Errno{EBUSY};  // still mapped [S-GPUVM]
  if (bo->flags & af::kVram) g->vram_used -= bo->size;
  unreserve_mem_limit(bo->size, bo->flags);
  g->bos.erase(kmd::handle_idr(handle));
  return {};
}

Result<void> SimKfd::map_memory_to_gpu(kmd::MapMemoryArgs& args) {
  std::lock_guard lock(mu_);
  const uint32_t n_devices = static_cast<uint32_t>(args.device_ids.size());
  if (n_devices == 0 || args.n_success > n_devices) return Errno{EINVAL};
  Gpu* owner = find_gpu(kmd::handle_gpu_id(args.handle));
  if (!owner) return Errno{EINVAL};
  if (!owner->vm_acquired) return Errno{ENODEV};
  Bo* bo = find_bo(*owner, args.handle);
  if (!bo) return Errno{ENOMEM};  // translate_handle failure is ENOMEM [S-CHR]

  for (uint32_t i = args.n_success; i < n_devices; ++i) {
    Gpu* peer = find_gpu(args.device_ids[i]);
    if (!peer) return Errno{EINVAL};
    if (!peer->vm_acquired) return Errno{ENODEV};
    if (!bo->mapped_on.count(peer->gpu_id)) {  // mapping twice is a no-op [S-GPUVM]
      // amdgpu_vm_bo_map: EINVAL for an unaligned VA, past the VM, or
      // overlapping another mapping. Below gpuvm_base (the CWSR/trap area)
      // is refused too (UNVERIFIED: the kernel fails there by conflict).
      const auto& ap = peer->apertures;
      if ((bo->va & (kPageSize - 1)) || bo->va < ap.gpuvm_base || bo->va + bo->size < bo->va ||
          bo->va + bo->size - 1 > ap.gpuvm_limit || peer->vm.overlaps(bo->va, bo->size)) {
        return Errno{EINVAL};
      }
      // UNVERIFIED: read-only when not WRITABLE; the exact PTE rules differ.
      peer->vm.insert(GpuVm::Mapping{bo->va, bo->size, bo->host, (bo->flags & af::kWritable) != 0,
                                     (bo->flags & af::kExecutable) != 0, bo->handle});
      bo->mapped_on.insert(peer->gpu_id);
    }
    args.n_success = i + 1;
  }
  return {};
}

Result<void> SimKfd::unmap_memory_from_gpu(kmd::MapMemoryArgs& args) {
  std::lock_guard lock(mu_);
  const uint32_t n_devices = static_cast<uint32_t>(args.device_ids.size());
  if (n_devices == 0 || args.n_success > n_devices) return Errno{EINVAL};
  Gpu* owner = find_gpu(kmd::handle_gpu_id(args.handle));
  if (!owner) return Errno{EINVAL};
  Bo* bo = find_bo(*owner, args.handle);
  if (!bo) return Errno{ENOMEM};
  for (uint32_t i = args.n_success; i < n_devices; ++i) {
    Gpu* peer = find_gpu(args.device_ids[i]);
    if (!peer) return Errno{EINVAL};
    // UNVERIFIED: unmapping from a GPU the BO is not mapped on is EINVAL.
    if (!bo->mapped_on.count(peer->gpu_id)) return Errno{EINVAL};
    peer->vm.erase(bo->va);
    bo->mapped_on.erase(peer->gpu_id);
    args.n_success = i + 1;
  }
  return {};
}

Result<kmd::CpuMapping> SimKfd::mmap(const kmd::MmapArgs& args) {
  std::lock_guard lock(mu_);
  if (args.size == 0) return Errno{EINVAL};
  int fd = -1;
  uint64_t file_offset = 0;
  if (args.device == kmd::MmapDevice::kRenderNode) {
    Gpu* g = find_gpu(args.gpu_id);
    if (!g) return Errno{EBADF};  // no render node of that GPU is open
    // drm_gem_mmap: EINVAL without a BO at that fake offset or when the
    // mapping is larger than the BO.
    const Bo* found = nullptr;
    for (const auto& [idr, bo] : g->bos) {
      if (bo.memory && bo.mmap_offset == args.mmap_offset) found = &bo;
    }
    if (!found || page_align(args.size) > found->size) return Errno{EINVAL};
    fd = found->memory->fd();
  } else {
    uint64_t type = args.mmap_offset & kmd::mmap_offset::kTypeMask;
    uint32_t gpu_id = static_cast<uint32_t>((args.mmap_offset & kmd::mmap_offset::kGpuIdMask) >>
                                            kmd::mmap_offset::kGpuIdShift);
    if (type == kmd::mmap_offset::kTypeEvents) {
      // kfd_event_mmap: at most KFD_SIGNAL_EVENT_LIMIT * 8 bytes [S-EVT].
      if (args.size > kSignalEventLimit * 8ull || !kernel_signal_page_) return Errno{EINVAL};
      fd = kernel_signal_page_->fd();
    } else {
      Gpu* g = find_gpu(gpu_id);
      if (!g) return Errno{ENODEV};  // UNVERIFIED errno
      if (type == kmd::mmap_offset::kTypeDoorbell) {
        // Exactly the process doorbell slice [S-DB].
        if (args.size != g->target.doorbell_slice_size) return Errno{EINVAL};
        fd = g->doorbells->fd();
      } else if (type == kmd::mmap_offset::kTypeMmio) {
        if (args.size != kPageSize) return Errno{EINVAL};
        fd = g->mmio->fd();
      } else {
        return Errno{EINVAL};  // reserved-mem mappings are not emulated
      }
    }
  }
  int flags = MAP_SHARED | (args.addr ? MAP_FIXED : 0);
  void* p = ::mmap(reinterpret_cast<void*>(args.addr), args.size, args.prot, flags, fd,
                   static_cast<off_t>(file_offset));
  if (p == MAP_FAILED) return Errno{errno};
  kmd::CpuMapping m{reinterpret_cast<uint64_t>(p), args.size};
  cpu_mappings_[m.addr] = m.size;
  return m;
}

Result<void> SimKfd::munmap(const kmd::CpuMapping& mapping) {
  std::lock_guard lock(mu_);
  // Only mappings made through the seam can be unmapped through it.
  auto it = cpu_mappings_.find(mapping.addr);
  if (it == cpu_mappings_.end() || it->second != mapping.size) return Errno{EINVAL};
  if (::munmap(mapping.ptr(), mapping.size) != 0) return Errno{errno};
  cpu_mappings_.erase(it);
  return {};
}

}  // namespace amdrr::sim

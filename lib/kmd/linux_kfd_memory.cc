// LinuxKfd memory calls: ALLOC / FREE / MAP / UNMAP, CPU mmap / munmap, and
// the CPU VA reservations that keep CPU VA == GPU VA possible.
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>

#include "lib/kmd/kfd_ioctl_memory.h"
#include "lib/kmd/linux_kfd.h"

namespace amdrr::kmd {
namespace {

constexpr uint64_t kPageSize = 4096;
constexpr uint64_t page_align(uint64_t v) {
  return (v + kPageSize - 1) & ~(kPageSize - 1);
}

constexpr int kReserveFlags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

/// BOs the CPU can map: GTT, public VRAM, and the /dev/kfd-backed kinds.
bool host_visible(uint32_t flags) {
  namespace af = alloc_flags;
  if (flags & (af::kGtt | af::kDoorbell | af::kMmioRemap)) return true;
  return (flags & af::kVram) && (flags & af::kPublic);
}

}  // namespace

Result<AllocMemoryResult> LinuxKfd::alloc_memory_of_gpu(const AllocMemoryArgs& args) {
  auto raw = codec::encode_alloc_memory(args);
  if (auto r = kfd_ioctl(uapi::kIocAllocMemoryOfGpu, raw); !r) return Errno{r.error()};
  AllocMemoryResult out = codec::decode_alloc_memory(raw);
  if (host_visible(args.flags)) reserve_va(out.handle, args);
  return out;
}

// The reservation follows the BO, not the ioctl: KFD does not check VA
// overlap at ALLOC (a conflict fails at MAP), so a VA that is already taken
// in the CPU address space only means this BO cannot be mapped at its GPU VA
// (mmap with addr then fails with EEXIST instead of clobbering memory).
void LinuxKfd::reserve_va(uint64_t handle, const AllocMemoryArgs& args) {
  uint64_t size = page_align(args.size);
  if (args.va_addr == 0 || size == 0 || (args.va_addr & (kPageSize - 1))) return;
  auto p = sys_->mmap(reinterpret_cast<void*>(args.va_addr), size, PROT_NONE,
                      kReserveFlags | MAP_FIXED_NOREPLACE, -1, 0);
  if (!p) return;
  // Kernels before 4.17 take MAP_FIXED_NOREPLACE as a hint and map elsewhere.
  if (reinterpret_cast<uint64_t>(*p) != args.va_addr) {
    (void)sys_->munmap(*p, size);
    return;
  }
  std::lock_guard lock(mu_);
  reservations_[handle] = {args.va_addr, size};
}

Result<void> LinuxKfd::free_memory_of_gpu(uint64_t handle) {
  auto raw = codec::encode_free_memory(handle);
  if (auto r = kfd_ioctl(uapi::kIocFreeMemoryOfGpu, raw); !r) return Errno{r.error()};
  std::lock_guard lock(mu_);
  release_reservation_locked(handle);
  return {};
}

// A CPU mapping may outlive its BO (it holds a reference in the kernel), so
// only the parts of the reservation no mapping covers are unmapped.
void LinuxKfd::release_reservation_locked(uint64_t handle) {
  auto it = reservations_.find(handle);
  if (it == reservations_.end()) return;
  uint64_t cursor = it->second.va;
  const uint64_t end = it->second.va + it->second.size;
  for (auto m = cpu_maps_.lower_bound(it->second.va); m != cpu_maps_.end() && m->first < end; ++m) {
    if (m->first > cursor) (void)sys_->munmap(reinterpret_cast<void*>(cursor), m->first - cursor);
    m->second.in_reservation = false;
    cursor = std::max(cursor, m->first + page_align(m->second.size));
  }
  if (cursor < end) (void)sys_->munmap(reinterpret_cast<void*>(cursor), end - cursor);
  reservations_.erase(it);
}

const LinuxKfd::Reservation* LinuxKfd::reservation_covering_locked(uint64_t addr,
                                                                   uint64_t size) const {
  for (const auto& [handle, r] : reservations_) {
    if (addr >= r.va && addr + page_align(size) <= r.va + r.size) return &r;
  }
  return nullptr;
}

Result<void> LinuxKfd::map_memory_to_gpu(MapMemoryArgs& args) {
  auto raw = codec::encode_map_memory<uapi::KfdMapMemoryToGpuArgs>(args);
  auto r = kfd_ioctl(uapi::kIocMapMemoryToGpu, raw);
  codec::decode_map_memory(raw, args);  // n_success comes back on failure too
  return r;
}

Result<void> LinuxKfd::unmap_memory_from_gpu(MapMemoryArgs& args) {
  auto raw = codec::encode_map_memory<uapi::KfdUnmapMemoryFromGpuArgs>(args);
  auto r = kfd_ioctl(uapi::kIocUnmapMemoryFromGpu, raw);
  codec::decode_map_memory(raw, args);
  return r;
}

Result<CpuMapping> LinuxKfd::mmap(const MmapArgs& args) {
  if (args.size == 0) return Errno{EINVAL};
  std::lock_guard lock(mu_);
  int fd = kfd_.get();
  if (args.device == MmapDevice::kRenderNode) {
    Gpu* g = find_gpu(args.gpu_id);
    if (!g || g->render_fd < 0) return Errno{EBADF};  // no render node of that GPU is open
    fd = g->render_fd;
  }
  int flags = MAP_SHARED;
  bool in_reservation = false;
  if (args.addr) {
    // Over our own reservation MAP_FIXED is safe; anywhere else it could
    // silently replace someone's memory, so refuse instead (EEXIST).
    in_reservation = reservation_covering_locked(args.addr, args.size) != nullptr;
    flags |= in_reservation ? MAP_FIXED : MAP_FIXED_NOREPLACE;
  }
  auto p = sys_->mmap(reinterpret_cast<void*>(args.addr), args.size, args.prot, flags, fd,
                      args.mmap_offset);
  if (!p) return Errno{p.error()};
  uint64_t addr = reinterpret_cast<uint64_t>(*p);
  if (args.addr && addr != args.addr) {  // pre-4.17 kernel: the address was a hint
    (void)sys_->munmap(*p, args.size);
    return Errno{EEXIST};
  }
  cpu_maps_[addr] = {args.size, in_reservation};
  return CpuMapping{addr, args.size};
}

Result<void> LinuxKfd::munmap(const CpuMapping& mapping) {
  std::lock_guard lock(mu_);
  // Only mappings made through the seam can be unmapped through it.
  auto it = cpu_maps_.find(mapping.addr);
  if (it == cpu_maps_.end() || it->second.size != mapping.size) return Errno{EINVAL};
  if (it->second.in_reservation) {
    // Put the reservation back in one step (MAP_FIXED replaces atomically),
    // so no other mmap in the process can land in the BO's VA meanwhile.
    auto p = sys_->mmap(mapping.ptr(), page_align(mapping.size), PROT_NONE,
                        kReserveFlags | MAP_FIXED, -1, 0);
    if (!p) return Errno{p.error()};
  } else if (auto r = sys_->munmap(mapping.ptr(), mapping.size); !r) {
    return r;
  }
  cpu_maps_.erase(it);
  return {};
}

}  // namespace amdrr::kmd

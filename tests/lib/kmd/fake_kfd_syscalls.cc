// FakeKfdSyscalls: files, mmap and doorbell stores. The ioctl handlers are in
// fake_kfd_ioctl.cc.
#include "tests/lib/kmd/fake_kfd_syscalls.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

namespace amdrr::kmd::testing {

Result<std::unique_ptr<FakeKfdSyscalls>> FakeKfdSyscalls::create(const sim::SimProfile& profile) {
  auto sim = sim::SimKfd::create(profile);
  if (!sim) return Errno{sim.error()};
  return std::make_unique<FakeKfdSyscalls>(std::move(*sim));
}

LinuxKfdOptions FakeKfdSyscalls::linux_kfd_options() const {
  LinuxKfdOptions o;
  o.kfd_path = kKfdPath;
  o.topology_root = sim_->topology_root();
  o.render_node_prefix = kRenderPrefix;
  return o;
}

Result<int> FakeKfdSyscalls::open(const char* path, int /*flags*/) {
  std::string_view p(path);
  File file;
  if (p == kKfdPath) {
    file.is_kfd = true;
  } else if (p.starts_with(kRenderPrefix)) {
    std::string minor(p.substr(std::string_view(kRenderPrefix).size()));
    for (const gpu::Node* n : sim_->topology().gpu_nodes()) {
      if (std::to_string(n->drm_render_minor()) == minor) file.gpu_id = n->gpu_id;
    }
    if (file.gpu_id == 0) return Errno{ENOENT};
  } else {
    return Errno{ENOENT};
  }
  std::lock_guard lock(mu_);
  int fd = next_fd_++;
  files_[fd] = file;
  return fd;
}

Result<void> FakeKfdSyscalls::close(int fd) {
  std::lock_guard lock(mu_);
  if (files_.erase(fd) == 0) return Errno{EBADF};
  return {};
}

Result<void> FakeKfdSyscalls::ioctl(int fd, unsigned long request, void* arg) {
  {
    std::lock_guard lock(mu_);
    auto it = files_.find(fd);
    if (it == files_.end()) return Errno{EBADF};
    if (!it->second.is_kfd) return Errno{ENOTTY};  // no DRM ioctls emulated
  }
  if (int err = dispatch(request, arg)) return Errno{err};
  return {};
}

Result<void*> FakeKfdSyscalls::mmap(void* addr, size_t length, int prot, int flags, int fd,
                                    uint64_t offset) {
  const uint64_t want = reinterpret_cast<uint64_t>(addr);
  if (flags & MAP_ANONYMOUS) {
    // A reservation. MAP_FIXED over a SimKfd mapping replaces it, as the
    // kernel would: tell SimKfd the mapping is gone.
    if (flags & MAP_FIXED) unmap_sim_mappings_in(want, length);
    void* p = ::mmap(addr, length, prot, flags, -1, 0);
    if (p == MAP_FAILED) return Errno{errno};
    return p;
  }
  MmapArgs args;
  args.size = length;
  args.prot = prot;
  args.mmap_offset = offset;
  {
    std::lock_guard lock(mu_);
    auto it = files_.find(fd);
    if (it == files_.end()) return Errno{EBADF};
    args.device = it->second.is_kfd ? MmapDevice::kKfd : MmapDevice::kRenderNode;
    args.gpu_id = it->second.gpu_id;
  }
  if (flags & MAP_FIXED_NOREPLACE) {
    // SimKfd maps with MAP_FIXED; keep the no-clobber promise by probing.
    void* probe = ::mmap(addr, length, PROT_NONE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (probe == MAP_FAILED) return Errno{errno};
    args.addr = reinterpret_cast<uint64_t>(probe);
  } else if (flags & MAP_FIXED) {
    unmap_sim_mappings_in(want, length);
    args.addr = want;
  }
  auto m = sim_->mmap(args);
  if (!m) {
    if (flags & MAP_FIXED_NOREPLACE) ::munmap(reinterpret_cast<void*>(args.addr), length);
    return Errno{m.error()};
  }
  SimMapping rec{m->size, 0};
  if (args.device == MmapDevice::kKfd &&
      (offset & mmap_offset::kTypeMask) == mmap_offset::kTypeDoorbell) {
    rec.doorbell_gpu_id =
        static_cast<uint32_t>((offset & mmap_offset::kGpuIdMask) >> mmap_offset::kGpuIdShift);
  }
  std::lock_guard lock(mu_);
  sim_mappings_[m->addr] = rec;
  return m->ptr();
}

Result<void> FakeKfdSyscalls::munmap(void* addr, size_t length) {
  const uint64_t a = reinterpret_cast<uint64_t>(addr);
  {
    std::unique_lock lock(mu_);
    auto it = sim_mappings_.find(a);
    if (it != sim_mappings_.end()) {
      lock.unlock();
      if (auto r = sim_->munmap({a, length}); !r) return r;
      lock.lock();
      sim_mappings_.erase(a);
      return {};
    }
  }
  unmap_sim_mappings_in(a, length);
  if (::munmap(addr, length) != 0) return Errno{errno};
  return {};
}

void FakeKfdSyscalls::unmap_sim_mappings_in(uint64_t addr, uint64_t size) {
  std::unique_lock lock(mu_);
  for (auto it = sim_mappings_.lower_bound(addr);
       it != sim_mappings_.end() && it->first + it->second.size <= addr + size;) {
    uint64_t a = it->first, s = it->second.size;
    it = sim_mappings_.erase(it);
    lock.unlock();
    (void)sim_->munmap({a, s});
    lock.lock();
    it = sim_mappings_.lower_bound(a);
  }
}

void FakeKfdSyscalls::store_doorbell(volatile uint64_t* doorbell, uint64_t value) {
  const uint64_t a = reinterpret_cast<uint64_t>(doorbell);
  std::optional<uint32_t> queue_id;
  {
    std::lock_guard lock(mu_);
    auto it = sim_mappings_.upper_bound(a);
    if (it != sim_mappings_.begin()) {
      --it;
      if (it->second.doorbell_gpu_id && a < it->first + it->second.size) {
        auto q = doorbell_queues_.find({it->second.doorbell_gpu_id, a - it->first});
        if (q != doorbell_queues_.end()) queue_id = q->second;
      }
    }
  }
  // SimKfd stores the value into its doorbell page and wakes the engine.
  if (queue_id && sim_->write_doorbell(*queue_id, value).ok()) return;
  *doorbell = value;
}

}  // namespace amdrr::kmd::testing

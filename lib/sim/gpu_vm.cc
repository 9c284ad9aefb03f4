#include "lib/sim/gpu_vm.h"

#include <algorithm>
#include <cstring>

namespace amdrr::sim {

bool GpuVm::overlaps(uint64_t start, uint64_t size) const {
  auto it = mappings_.lower_bound(start + size);  // first mapping starting at/after the end
  if (it == mappings_.begin()) return false;
  --it;
  return it->second.start + it->second.size > start;
}

const GpuVm::Mapping* GpuVm::find(uint64_t va) const {
  auto it = mappings_.upper_bound(va);
  if (it == mappings_.begin()) return nullptr;
  --it;
  return va < it->second.start + it->second.size ? &it->second : nullptr;
}

std::optional<GpuFault> GpuVm::check(uint64_t va, uint64_t size, bool write) const {
  // Walk by offset, not to `va + size`: that sum wraps for a hostile address
  // near 2^64, which would skip the check. An access running past 2^64 faults
  // where it wraps.
  for (uint64_t done = 0; done < size;) {
    const uint64_t a = va + done;
    if (a < va) return GpuFault{a, true, false, false};
    const Mapping* m = find(a);
    if (!m) return GpuFault{a, true, false, false};
    if (write && !m->writable) return GpuFault{a, false, true, false};
    done += m->start + m->size - a;
  }
  return std::nullopt;
}

std::optional<GpuFault> GpuVm::read(uint64_t va, std::span<uint8_t> out) const {
  if (auto fault = check(va, out.size(), false)) return fault;
  size_t done = 0;
  while (done < out.size()) {
    const Mapping* m = find(va + done);
    if (!m) return GpuFault{va + done, true, false, false};
    uint64_t off = va + done - m->start;
    size_t n = static_cast<size_t>(std::min<uint64_t>(m->size - off, out.size() - done));
    std::memcpy(out.data() + done, m->host + off, n);
    done += n;
  }
  return std::nullopt;
}

std::optional<GpuFault> GpuVm::write(uint64_t va, std::span<const uint8_t> in) const {
  // Check the whole range first so a faulting write changes nothing.
  if (auto fault = check(va, in.size(), true)) return fault;
  size_t done = 0;
  while (done < in.size()) {
    const Mapping* m = find(va + done);
    uint64_t off = va + done - m->start;
    size_t n = static_cast<size_t>(std::min<uint64_t>(m->size - off, in.size() - done));
    std::memcpy(m->host + off, in.data() + done, n);
    done += n;
  }
  return std::nullopt;
}

std::optional<GpuFault> GpuVm::copy(uint64_t dst, uint64_t src, uint64_t size) const {
  if (auto fault = check(src, size, false)) return fault;
  if (auto fault = check(dst, size, true)) return fault;
  for (uint64_t done = 0; done < size;) {
    const Mapping* s = find(src + done);
    const Mapping* d = find(dst + done);
    const uint64_t so = src + done - s->start, dof = dst + done - d->start;
    const uint64_t n = std::min({s->size - so, d->size - dof, size - done});
    std::memmove(d->host + dof, s->host + so, n);
    done += n;
  }
  return std::nullopt;
}

}  // namespace amdrr::sim

#pragma once
// The interpreter's only way to GPU memory. The emulated GPU implements it
// over its page table (GpuVmMemory); tests use HostGpuMemory. A bad address
// is a result value carrying the faulting VA, never a host crash.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

namespace amdrr::sim::isa {

struct MemResult {
  bool ok = true;
  uint64_t fault_va = 0;  // first faulting byte when !ok
  static MemResult fault(uint64_t va) { return {false, va}; }
};

class GpuMemory {
 public:
  virtual ~GpuMemory() = default;
  virtual MemResult read(uint64_t va, void* dst, size_t n) = 0;
  virtual MemResult write(uint64_t va, const void* src, size_t n) = 0;
  /// Atomic read-modify-write of `n` (4 or 8) bytes: `op` gets the old value
  /// and returns the new one. The interpreter runs one wave at a time, so a
  /// read followed by a write is atomic with respect to other waves.
  template <typename F>
  MemResult rmw(uint64_t va, size_t n, uint64_t* old, F op) {
    uint64_t v = 0;
    MemResult r = read(va, &v, n);
    if (!r.ok) return r;
    *old = v;
    uint64_t nv = op(v);
    return write(va, &nv, n);
  }
};

/// GPU memory backed by host allocations at chosen VAs (tests, benchmarks).
class HostGpuMemory : public GpuMemory {
 public:
  /// Maps `size` zeroed bytes at `va`; returns a host pointer to them.
  uint8_t* map(uint64_t va, size_t size) {
    auto& v = ranges_[va];
    v.assign(size, 0);
    return v.data();
  }
  uint8_t* host(uint64_t va, size_t n) {
    auto it = ranges_.upper_bound(va);
    if (it == ranges_.begin()) return nullptr;
    --it;
    uint64_t off = va - it->first;
    if (off > it->second.size() || n > it->second.size() - off) return nullptr;
    return it->second.data() + off;
  }
  MemResult read(uint64_t va, void* dst, size_t n) override {
    uint8_t* p = host(va, n);
    if (!p) return MemResult::fault(va);
    std::memcpy(dst, p, n);
    return {};
  }
  MemResult write(uint64_t va, const void* src, size_t n) override {
    uint8_t* p = host(va, n);
    if (!p) return MemResult::fault(va);
    std::memcpy(p, src, n);
    return {};
  }

 private:
  std::map<uint64_t, std::vector<uint8_t>> ranges_;
};

}  // namespace amdrr::sim::isa

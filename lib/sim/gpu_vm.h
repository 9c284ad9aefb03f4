#pragma once
// One GPU's view of a process's memory: GPU VA ranges (one per mapped BO)
// onto host bytes. Engines read and write GPU VAs through it; an access that
// no mapping covers, or a write to a read-only mapping, is a fault returned
// as a value (KFD reports it through MEMORY events), never a host crash.

#include <cstdint>
#include <map>
#include <optional>
#include <span>

#include "lib/kmd/kmd_types.h"

namespace amdrr::sim {

/// A GPU VM fault, in the terms of kfd_hsa_memory_exception_data.
struct GpuFault {
  uint64_t va = 0;  // first faulting byte
  bool not_present = false;
  bool read_only = false;
  bool no_execute = false;
};

class GpuVm {
 public:
  struct Mapping {
    uint64_t start = 0;       // GPU VA, page aligned
    uint64_t size = 0;        // bytes, page multiple
    uint8_t* host = nullptr;  // host bytes backing [start, start + size)
    bool writable = true;
    bool executable = true;
    uint64_t handle = 0;  // the BO this mapping belongs to
  };

  /// Whether [start, start + size) overlaps an existing mapping.
  bool overlaps(uint64_t start, uint64_t size) const;
  void insert(const Mapping& m) { mappings_[m.start] = m; }
  void erase(uint64_t start) { mappings_.erase(start); }
  /// The mapping containing `va`, if any.
  const Mapping* find(uint64_t va) const;
  size_t mapping_count() const { return mappings_.size(); }

  std::optional<GpuFault> read(uint64_t va, std::span<uint8_t> out) const;
  std::optional<GpuFault> write(uint64_t va, std::span<const uint8_t> in) const;
  /// GPU-to-GPU copy of `size` bytes without a host bounce; checks both
  /// ranges first, so a faulting copy changes nothing.
  std::optional<GpuFault> copy(uint64_t dst, uint64_t src, uint64_t size) const;

 private:
  /// The first fault of an access to [va, va + size), if any.
  std::optional<GpuFault> check(uint64_t va, uint64_t size, bool write) const;

  std::map<uint64_t, Mapping> mappings_;  // by start
};

}  // namespace amdrr::sim

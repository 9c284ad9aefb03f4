#pragma once
// Sim profiles: which emulated GPUs SimKfd presents. A profile becomes a
// gpu::Topology here, is written as a sysfs tree (topology_writer.h) and read
// back by the one topology parser, so the emulated GPU describes itself the
// way real hardware does and no second copy of the properties exists.

#include <cstdint>

#include "lib/gpu/topology.h"

namespace amdrr::sim {

enum class SimTarget : uint8_t {
  kGfx942,   // MI300X, one XCC (a CPX partition): the default
  kGfx90a,   // MI210-like
  kGfx1100,  // Navi31; topology only until its engines exist
};

struct SimProfile {
  SimTarget target = SimTarget::kGfx942;
  uint32_t num_gpus = 1;  // 1..8, all in one xGMI hive when more than one
  /// A board without resizable BAR: PUBLIC|VRAM allocations fail (EINVAL).
  bool small_bar = false;
};

/// The gpu_id of the i-th GPU of a profile. KFD's ids are 16-bit hashes of
/// the device; ours are fixed so traces of the sim are reproducible.
uint32_t sim_gpu_id(uint32_t gpu_index);

/// Node 0 is the CPU; GPU i is node i + 1.
gpu::Topology build_topology(const SimProfile& profile);

}  // namespace amdrr::sim

#pragma once
// What the CP does between a dispatch and the shader arrays: the
// interpreter's DispatchSetup from an AQL packet plus kernel descriptor, or
// from the COMPUTE_* registers of a PM4 DISPATCH_DIRECT. A dispatch the
// hardware would refuse, or one the emulator cannot express, comes back as
// the DispatchResult to report instead of running.

#include <cstdint>
#include <optional>
#include <span>

#include "lib/sim/engines/dispatch_runner.h"
#include "lib/sim/isa/dispatch.h"

namespace amdrr::sim::isa {

/// Largest private segment per work-item: TMPRING_SIZE.WAVESIZE is 13 bits
/// of 1 KiB per wave64 on GFX9 (reference §3.4).
inline constexpr uint32_t kMaxPrivateSegmentSize = 8191u * 1024 / 64;
/// LDS per workgroup on gfx90a / gfx942.
inline constexpr uint32_t kMaxGroupSegmentSize = 64 * 1024;

/// AQL: grid, workgroup, segment sizes and pointers from the packet, the
/// rest from the descriptor read at `d.kernel_object`.
std::optional<DispatchResult> setup_from_aql(const KernelDispatch& d, const KernelDescriptor& kd,
                                             DispatchSetup& s);

/// AQL scratch: what the CP takes from the queue's amd_queue_t (its first
/// 256 bytes, `amd_queue`) for a dispatch whose kernel uses scratch —
/// COMPUTE_TMPRING_SIZE, the private segment V# and the backing address.
/// A queue that provides less than the dispatch asks for is refused (the
/// CP would stop the queue for the runtime to grow its scratch).
std::optional<DispatchResult> setup_scratch_from_amd_queue(std::span<const uint8_t, 256> amd_queue,
                                                           DispatchSetup& s);

/// Whether a dispatch of `s` needs the queue's scratch (RSRC2.SCRATCH_EN).
inline bool uses_scratch(const DispatchSetup& s) {
  return (s.rsrc2 & 1) && s.private_segment_size != 0;
}

/// PM4: everything from the registers; user SGPRs are COMPUTE_USER_DATA_*.
std::optional<DispatchResult> setup_from_registers(const ComputeRegisters& c, DispatchSetup& s);

/// Whether a register dispatch launches no workgroup (a DIM of 0).
bool empty_register_dispatch(const ComputeRegisters& c);

}  // namespace amdrr::sim::isa

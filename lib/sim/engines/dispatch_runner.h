#pragma once
// Where a kernel dispatch leaves the command processors: the shader
// interpreter (lib/sim/isa) implements DispatchRunner and is handed to the
// scheduler (EngineScheduler::set_dispatch_runner). Until one is set, a
// dispatch is an "unsupported by the emulator" outcome naming its packet.

#include <cstdint>
#include <optional>
#include <string>

#include "lib/sim/gpu_vm.h"

namespace amdrr::sim {

class GpuMemory;

/// The COMPUTE_* registers a PM4 DISPATCH_DIRECT launches with, raw as
/// SET_SH_REG left them (reference §3.4), plus the packet's own dwords.
struct ComputeRegisters {
  uint32_t pgm_lo = 0, pgm_hi = 0;  // code address >> 8
  uint32_t rsrc1 = 0, rsrc2 = 0, rsrc3 = 0;
  uint32_t num_thread[3] = {};  // NUM_THREAD_FULL [15:0], NUM_THREAD_PARTIAL [31:16]
  uint32_t start[3] = {};       // first workgroup id
  uint32_t user_data[16] = {};  // s0..s15; RSRC2.USER_SGPR says how many
  uint32_t tmpring_size = 0;    // WAVES [11:0], WAVESIZE [24:12] (GFX9: 1 KiB units)
  uint32_t scratch_base_lo = 0, scratch_base_hi = 0;  // DISPATCH_SCRATCH_BASE (>> 8)
  uint32_t dim[3] = {};    // DISPATCH_DIRECT DIM_X/Y/Z: workgroups (or threads)
  uint32_t initiator = 0;  // DISPATCH_DIRECT DISPATCH_INITIATOR
};

/// One kernel dispatch as the CP hands it to the shader arrays: from an AQL
/// KERNEL_DISPATCH packet (the fields below), or from a PM4 DISPATCH_DIRECT
/// (`registers` set; then only the ids and packet_va below are meaningful).
struct KernelDispatch {
  uint32_t gpu_id = 0;
  uint32_t queue_id = 0;
  uint64_t packet_va = 0;  // the AQL packet (the kernel's dispatch ptr), or DISPATCH_DIRECT
  // The amd_queue_t (the kernel's queue ptr): the read pointer's address
  // minus read_dispatch_id's offset (128). UNVERIFIED: how the CP finds it.
  uint64_t queue_va = 0;
  uint64_t dispatch_id = 0;  // the packet's index in the queue
  uint32_t dimensions = 1;
  uint32_t workgroup_size[3] = {1, 1, 1};
  uint32_t grid_size[3] = {1, 1, 1};  // work-items
  uint32_t private_segment_size = 0;  // bytes per work-item
  uint32_t group_segment_size = 0;    // bytes per workgroup
  uint64_t kernel_object = 0;         // the kernel descriptor's address
  uint64_t kernarg_address = 0;
  std::optional<ComputeRegisters> registers;  // set: a PM4 DISPATCH_DIRECT
};

struct DispatchResult {
  enum class Kind : uint8_t {
    kDone,                // every workgroup ran to s_endpgm
    kVmFault,             // `fault`
    kIllegalInstruction,  // `message` names the PC and encoding
    kUnsupported,         // an instruction or setting the emulator lacks
    kError,               // the dispatch is malformed (bad descriptor, sizes)
  };
  Kind kind = Kind::kDone;
  std::optional<GpuFault> fault;
  std::string message;
};

class DispatchRunner {
 public:
  virtual ~DispatchRunner() = default;
  /// Runs the whole grid before returning (the engines model no overlap of
  /// a dispatch with later packets). Every access goes through `mem`: the
  /// queue's page table, write log and fault plan.
  virtual DispatchResult run(const KernelDispatch& dispatch, GpuMemory& mem) = 0;
};

}  // namespace amdrr::sim

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

/// One kernel dispatch as the CP hands it to the shader arrays (from an AQL
/// KERNEL_DISPATCH packet; PM4 DISPATCH_DIRECT later).
struct KernelDispatch {
  uint32_t gpu_id = 0;
  uint32_t queue_id = 0;
  uint64_t packet_va = 0;  // the AQL packet (the kernel's dispatch ptr)
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

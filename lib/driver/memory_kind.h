#pragma once
// Where a Buffer lives, and the KFD allocation flags each kind maps to.

#include <cstdint>

namespace amdrr {

enum class Memory : uint8_t {
  kVram,             // device memory, GPU only
  kVramHostVisible,  // device memory the CPU can map (needs a large BAR)
  kGtt,              // system memory mapped for the GPU, CPU-cached
  kGttCoherent,      // system memory, uncached and coherent (signals, rings)
  kUserptr,          // host memory the program already owns
};

const char* memory_name(Memory memory);
bool is_host_visible(Memory memory);
/// KFD_IOC_ALLOC_MEM_FLAGS_* for `memory`, as libhsakmt and tinygrad pass
/// them: writable, executable, no substitute, plus the kind's own bits.
uint32_t alloc_flags_for(Memory memory);

}  // namespace amdrr

#include "lib/driver/memory_kind.h"

#include "lib/kmd/kmd_types.h"

namespace amdrr {

const char* memory_name(Memory memory) {
  switch (memory) {
    case Memory::kVram:
      return "VRAM";
    case Memory::kVramHostVisible:
      return "host-visible VRAM";
    case Memory::kGtt:
      return "GTT";
    case Memory::kGttCoherent:
      return "coherent GTT";
    case Memory::kUserptr:
      return "USERPTR";
  }
  return "?";
}

bool is_host_visible(Memory memory) {
  return memory != Memory::kVram;
}

uint32_t alloc_flags_for(Memory memory) {
  namespace f = kmd::alloc_flags;
  const uint32_t base = f::kWritable | f::kExecutable | f::kNoSubstitute;
  switch (memory) {
    case Memory::kVram:
      return base | f::kVram;
    case Memory::kVramHostVisible:
      return base | f::kVram | f::kPublic;
    case Memory::kGtt:
      return base | f::kGtt;
    case Memory::kGttCoherent:
      return base | f::kGtt | f::kCoherent | f::kUncached;
    case Memory::kUserptr:
      return f::kWritable | f::kExecutable | f::kUserptr;
  }
  return base;
}

}  // namespace amdrr

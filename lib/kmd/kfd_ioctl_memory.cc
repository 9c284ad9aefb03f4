#include "lib/kmd/kfd_ioctl_memory.h"

namespace amdrr::kmd::codec {

uapi::KfdAllocMemoryOfGpuArgs encode_alloc_memory(const AllocMemoryArgs& args) {
  uapi::KfdAllocMemoryOfGpuArgs raw{};
  raw.va_addr = args.va_addr;
  raw.size = args.size;
  raw.mmap_offset = args.mmap_offset;
  raw.gpu_id = args.gpu_id;
  raw.flags = args.flags;
  return raw;
}

AllocMemoryResult decode_alloc_memory(const uapi::KfdAllocMemoryOfGpuArgs& raw) {
  return {raw.handle, raw.mmap_offset};
}

AllocMemoryArgs decode_alloc_memory_args(const uapi::KfdAllocMemoryOfGpuArgs& raw) {
  return {raw.va_addr, raw.size, raw.mmap_offset, raw.gpu_id, raw.flags};
}

void encode_alloc_memory_result(const AllocMemoryResult& result,
                                uapi::KfdAllocMemoryOfGpuArgs& raw) {
  raw.handle = result.handle;
  raw.mmap_offset = result.mmap_offset;
}

uapi::KfdFreeMemoryOfGpuArgs encode_free_memory(uint64_t handle) {
  uapi::KfdFreeMemoryOfGpuArgs raw{};
  raw.handle = handle;
  return raw;
}

uint64_t decode_free_memory_args(const uapi::KfdFreeMemoryOfGpuArgs& raw) {
  return raw.handle;
}

}  // namespace amdrr::kmd::codec

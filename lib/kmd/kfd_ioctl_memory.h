#pragma once
// Codec of the memory ioctls: ALLOC_MEMORY_OF_GPU, FREE_MEMORY_OF_GPU,
// MAP_MEMORY_TO_GPU, UNMAP_MEMORY_FROM_GPU. Same four directions as
// kfd_ioctl_process.h (encode_X / decode_X / decode_X_args / encode_X_result).

#include <concepts>
#include <cstdint>

#include "lib/kmd/kfd_uapi.h"
#include "lib/kmd/kmd_types.h"

namespace amdrr::kmd::codec {

// ALLOC_MEMORY_OF_GPU. mmap_offset is in for USERPTR (the CPU address), out
// for everything else.
uapi::KfdAllocMemoryOfGpuArgs encode_alloc_memory(const AllocMemoryArgs& args);
AllocMemoryResult decode_alloc_memory(const uapi::KfdAllocMemoryOfGpuArgs& raw);
AllocMemoryArgs decode_alloc_memory_args(const uapi::KfdAllocMemoryOfGpuArgs& raw);
void encode_alloc_memory_result(const AllocMemoryResult& result,
                                uapi::KfdAllocMemoryOfGpuArgs& raw);

// FREE_MEMORY_OF_GPU.
uapi::KfdFreeMemoryOfGpuArgs encode_free_memory(uint64_t handle);
uint64_t decode_free_memory_args(const uapi::KfdFreeMemoryOfGpuArgs& raw);

// MAP / UNMAP share one layout (two struct types in the header). The device
// id array is passed by pointer: the typed args' span points at it, in this
// process. n_success is in/out and comes back also on failure (the kernel
// copies the struct out whatever the handler returned) [S-CHR kfd_ioctl].
template <typename Raw>
concept MapLikeArgs = std::same_as<Raw, uapi::KfdMapMemoryToGpuArgs> ||
    std::same_as<Raw, uapi::KfdUnmapMemoryFromGpuArgs>;

template <MapLikeArgs Raw>
Raw encode_map_memory(const MapMemoryArgs& args) {
  Raw raw{};
  raw.handle = args.handle;
  raw.device_ids_array_ptr = reinterpret_cast<uintptr_t>(args.device_ids.data());
  raw.n_devices = static_cast<uint32_t>(args.device_ids.size());
  raw.n_success = args.n_success;
  return raw;
}
template <MapLikeArgs Raw>
void decode_map_memory(const Raw& raw, MapMemoryArgs& args) {
  args.n_success = raw.n_success;
}
template <MapLikeArgs Raw>
MapMemoryArgs decode_map_memory_args(const Raw& raw) {
  const auto* ids =
      reinterpret_cast<const uint32_t*>(static_cast<uintptr_t>(raw.device_ids_array_ptr));
  MapMemoryArgs args;
  args.handle = raw.handle;
  if (ids) args.device_ids = {ids, raw.n_devices};
  args.n_success = raw.n_success;
  return args;
}
template <MapLikeArgs Raw>
void encode_map_memory_result(const MapMemoryArgs& args, Raw& raw) {
  raw.n_success = args.n_success;
}

}  // namespace amdrr::kmd::codec

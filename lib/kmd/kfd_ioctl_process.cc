#include "lib/kmd/kfd_ioctl_process.h"

#include <algorithm>
#include <cstdint>

namespace amdrr::kmd::codec {

GetVersionResult decode_get_version(const uapi::KfdGetVersionArgs& raw) {
  return {raw.major_version, raw.minor_version};
}
void encode_get_version_result(const GetVersionResult& result, uapi::KfdGetVersionArgs& raw) {
  raw.major_version = result.major_version;
  raw.minor_version = result.minor_version;
}

uapi::KfdGetProcessAperturesNewArgs encode_get_process_apertures(
    std::span<uapi::KfdProcessDeviceApertures> storage) {
  uapi::KfdGetProcessAperturesNewArgs raw{};
  raw.kfd_process_device_apertures_ptr = reinterpret_cast<uintptr_t>(storage.data());
  raw.num_of_nodes = static_cast<uint32_t>(storage.size());
  return raw;
}

std::vector<ProcessDeviceApertures> decode_get_process_apertures(
    const uapi::KfdGetProcessAperturesNewArgs& raw,
    std::span<const uapi::KfdProcessDeviceApertures> storage) {
  std::vector<ProcessDeviceApertures> out;
  size_t n = std::min<size_t>(raw.num_of_nodes, storage.size());
  for (size_t i = 0; i < n; ++i) out.push_back(decode_apertures(storage[i]));
  return out;
}

std::span<uapi::KfdProcessDeviceApertures> decode_get_process_apertures_args(
    const uapi::KfdGetProcessAperturesNewArgs& raw) {
  auto* p = reinterpret_cast<uapi::KfdProcessDeviceApertures*>(
      static_cast<uintptr_t>(raw.kfd_process_device_apertures_ptr));
  if (!p) return {};
  return {p, raw.num_of_nodes};
}

void encode_get_process_apertures_result(const std::vector<ProcessDeviceApertures>& result,
                                         uapi::KfdGetProcessAperturesNewArgs& raw) {
  if (raw.num_of_nodes == 0) {
    raw.num_of_nodes = static_cast<uint32_t>(result.size());
    return;
  }
  auto out = decode_get_process_apertures_args(raw);
  size_t n = std::min(out.size(), result.size());
  for (size_t i = 0; i < n; ++i) out[i] = encode_apertures(result[i]);
  raw.num_of_nodes = static_cast<uint32_t>(n);
}

uapi::KfdProcessDeviceApertures encode_apertures(const ProcessDeviceApertures& a) {
  uapi::KfdProcessDeviceApertures raw{};
  raw.lds_base = a.lds_base;
  raw.lds_limit = a.lds_limit;
  raw.scratch_base = a.scratch_base;
  raw.scratch_limit = a.scratch_limit;
  raw.gpuvm_base = a.gpuvm_base;
  raw.gpuvm_limit = a.gpuvm_limit;
  raw.gpu_id = a.gpu_id;
  return raw;
}

ProcessDeviceApertures decode_apertures(const uapi::KfdProcessDeviceApertures& raw) {
  return {raw.lds_base,   raw.lds_limit,   raw.scratch_base, raw.scratch_limit,
          raw.gpuvm_base, raw.gpuvm_limit, raw.gpu_id};
}

uapi::KfdAcquireVmArgs encode_acquire_vm(const AcquireVmArgs& args) {
  uapi::KfdAcquireVmArgs raw{};
  raw.drm_fd = static_cast<uint32_t>(args.drm_fd);
  raw.gpu_id = args.gpu_id;
  return raw;
}
AcquireVmArgs decode_acquire_vm_args(const uapi::KfdAcquireVmArgs& raw) {
  return {static_cast<int32_t>(raw.drm_fd), raw.gpu_id};
}

uapi::KfdRuntimeEnableArgs encode_runtime_enable(const RuntimeEnableArgs& args) {
  uapi::KfdRuntimeEnableArgs raw{};
  raw.r_debug = args.r_debug;
  raw.mode_mask = args.mode_mask;
  return raw;
}
uint32_t decode_runtime_enable(const uapi::KfdRuntimeEnableArgs& raw) {
  return raw.capabilities_mask;
}
RuntimeEnableArgs decode_runtime_enable_args(const uapi::KfdRuntimeEnableArgs& raw) {
  return {raw.r_debug, raw.mode_mask};
}
void encode_runtime_enable_result(uint32_t capabilities_mask, uapi::KfdRuntimeEnableArgs& raw) {
  raw.capabilities_mask = capabilities_mask;
}

uapi::KfdSetXnackModeArgs encode_set_xnack_mode(int32_t xnack_enabled) {
  uapi::KfdSetXnackModeArgs raw{};
  raw.xnack_enabled = xnack_enabled;
  return raw;
}
int32_t decode_set_xnack_mode(const uapi::KfdSetXnackModeArgs& raw) {
  return raw.xnack_enabled;
}
int32_t decode_set_xnack_mode_args(const uapi::KfdSetXnackModeArgs& raw) {
  return raw.xnack_enabled;
}
void encode_set_xnack_mode_result(int32_t mode, uapi::KfdSetXnackModeArgs& raw) {
  raw.xnack_enabled = mode;
}

uapi::KfdGetClockCountersArgs encode_get_clock_counters(uint32_t gpu_id) {
  uapi::KfdGetClockCountersArgs raw{};
  raw.gpu_id = gpu_id;
  return raw;
}
ClockCounters decode_get_clock_counters(const uapi::KfdGetClockCountersArgs& raw) {
  return {raw.gpu_clock_counter, raw.cpu_clock_counter, raw.system_clock_counter,
          raw.system_clock_freq};
}
uint32_t decode_get_clock_counters_args(const uapi::KfdGetClockCountersArgs& raw) {
  return raw.gpu_id;
}
void encode_get_clock_counters_result(const ClockCounters& result,
                                      uapi::KfdGetClockCountersArgs& raw) {
  raw.gpu_clock_counter = result.gpu_clock_counter;
  raw.cpu_clock_counter = result.cpu_clock_counter;
  raw.system_clock_counter = result.system_clock_counter;
  raw.system_clock_freq = result.system_clock_freq;
}

uapi::KfdGetAvailableMemoryArgs encode_available_memory(uint32_t gpu_id) {
  uapi::KfdGetAvailableMemoryArgs raw{};
  raw.gpu_id = gpu_id;
  return raw;
}
uint64_t decode_available_memory(const uapi::KfdGetAvailableMemoryArgs& raw) {
  return raw.available;
}
uint32_t decode_available_memory_args(const uapi::KfdGetAvailableMemoryArgs& raw) {
  return raw.gpu_id;
}
void encode_available_memory_result(uint64_t available, uapi::KfdGetAvailableMemoryArgs& raw) {
  raw.available = available;
}

}  // namespace amdrr::kmd::codec

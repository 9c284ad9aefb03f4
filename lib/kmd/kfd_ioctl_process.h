#pragma once
// Codec of the process-level KFD ioctls: GET_VERSION, GET_PROCESS_APERTURES_NEW,
// ACQUIRE_VM, RUNTIME_ENABLE, SET_XNACK_MODE, GET_CLOCK_COUNTERS,
// AVAILABLE_MEMORY. For each ioctl, side by side:
//   encode_X          typed args    -> raw struct   (LinuxKfd, before the ioctl)
//   decode_X          raw struct    -> typed result (LinuxKfd, after it)
//   decode_X_args     raw struct    -> typed args   (a fake kernel, an interposer)
//   encode_X_result   typed result  -> raw struct   (a fake kernel)
// Pure functions: no I/O, no state.

#include <span>
#include <vector>

#include "lib/kmd/kfd_uapi.h"
#include "lib/kmd/kmd_types.h"

namespace amdrr::kmd::codec {

// GET_VERSION: no arguments.
GetVersionResult decode_get_version(const uapi::KfdGetVersionArgs& raw);
void encode_get_version_result(const GetVersionResult& result, uapi::KfdGetVersionArgs& raw);

// GET_PROCESS_APERTURES_NEW: the caller owns the element array. num_of_nodes
// 0 asks for the count only [S-CHR].
uapi::KfdGetProcessAperturesNewArgs encode_get_process_apertures(
    std::span<uapi::KfdProcessDeviceApertures> storage);
std::vector<ProcessDeviceApertures> decode_get_process_apertures(
    const uapi::KfdGetProcessAperturesNewArgs& raw,
    std::span<const uapi::KfdProcessDeviceApertures> storage);
/// The user array the raw struct points at (in this process).
std::span<uapi::KfdProcessDeviceApertures> decode_get_process_apertures_args(
    const uapi::KfdGetProcessAperturesNewArgs& raw);
/// The kernel's two-call protocol: with num_of_nodes 0 only the count is
/// returned; else at most num_of_nodes entries are written and num_of_nodes
/// says how many [S-CHR kfd_ioctl_get_process_apertures_new].
void encode_get_process_apertures_result(const std::vector<ProcessDeviceApertures>& result,
                                         uapi::KfdGetProcessAperturesNewArgs& raw);
uapi::KfdProcessDeviceApertures encode_apertures(const ProcessDeviceApertures& a);
ProcessDeviceApertures decode_apertures(const uapi::KfdProcessDeviceApertures& raw);

// ACQUIRE_VM: drm_fd must be a real fd here (kOwnRenderNode is resolved by
// the backend before encoding).
uapi::KfdAcquireVmArgs encode_acquire_vm(const AcquireVmArgs& args);
AcquireVmArgs decode_acquire_vm_args(const uapi::KfdAcquireVmArgs& raw);

// RUNTIME_ENABLE (1.13): the result is capabilities_mask.
uapi::KfdRuntimeEnableArgs encode_runtime_enable(const RuntimeEnableArgs& args);
uint32_t decode_runtime_enable(const uapi::KfdRuntimeEnableArgs& raw);
RuntimeEnableArgs decode_runtime_enable_args(const uapi::KfdRuntimeEnableArgs& raw);
void encode_runtime_enable_result(uint32_t capabilities_mask, uapi::KfdRuntimeEnableArgs& raw);

// SET_XNACK_MODE: one in/out field.
uapi::KfdSetXnackModeArgs encode_set_xnack_mode(int32_t xnack_enabled);
int32_t decode_set_xnack_mode(const uapi::KfdSetXnackModeArgs& raw);
int32_t decode_set_xnack_mode_args(const uapi::KfdSetXnackModeArgs& raw);
void encode_set_xnack_mode_result(int32_t mode, uapi::KfdSetXnackModeArgs& raw);

// GET_CLOCK_COUNTERS.
uapi::KfdGetClockCountersArgs encode_get_clock_counters(uint32_t gpu_id);
ClockCounters decode_get_clock_counters(const uapi::KfdGetClockCountersArgs& raw);
uint32_t decode_get_clock_counters_args(const uapi::KfdGetClockCountersArgs& raw);
void encode_get_clock_counters_result(const ClockCounters& result,
                                      uapi::KfdGetClockCountersArgs& raw);

// AVAILABLE_MEMORY (1.9).
uapi::KfdGetAvailableMemoryArgs encode_available_memory(uint32_t gpu_id);
uint64_t decode_available_memory(const uapi::KfdGetAvailableMemoryArgs& raw);
uint32_t decode_available_memory_args(const uapi::KfdGetAvailableMemoryArgs& raw);
void encode_available_memory_result(uint64_t available, uapi::KfdGetAvailableMemoryArgs& raw);

}  // namespace amdrr::kmd::codec

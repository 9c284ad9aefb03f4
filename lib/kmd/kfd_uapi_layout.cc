// Compile-time checks of every KFD struct amdrr packs: size and each field's
// offset against the documented layout (shared/reference/amdgpu-interfaces.md
// §1.4, [S-UAPI] / [S-UAPI-P]), and for the structs we define ourselves, that
// they extend the system header's struct without moving a field. Also every
// ioctl number against the system header's macro. Nothing here runs.
#include <cstddef>

#include "lib/kmd/kfd_uapi.h"

namespace amdrr::kmd::uapi {
namespace {

#define AMDRR_LAYOUT(T, field, off) static_assert(offsetof(T, field) == (off), #T "." #field)
#define AMDRR_SAME_FIELD(Ours, Theirs, field) \
  static_assert(offsetof(Ours, field) == offsetof(Theirs, field), #Ours "." #field)

static_assert(sizeof(KfdGetVersionArgs) == 8);
AMDRR_LAYOUT(KfdGetVersionArgs, major_version, 0);
AMDRR_LAYOUT(KfdGetVersionArgs, minor_version, 4);

static_assert(sizeof(KfdProcessDeviceApertures) == 56);
AMDRR_LAYOUT(KfdProcessDeviceApertures, lds_base, 0);
AMDRR_LAYOUT(KfdProcessDeviceApertures, lds_limit, 8);
AMDRR_LAYOUT(KfdProcessDeviceApertures, scratch_base, 16);
AMDRR_LAYOUT(KfdProcessDeviceApertures, scratch_limit, 24);
AMDRR_LAYOUT(KfdProcessDeviceApertures, gpuvm_base, 32);
AMDRR_LAYOUT(KfdProcessDeviceApertures, gpuvm_limit, 40);
AMDRR_LAYOUT(KfdProcessDeviceApertures, gpu_id, 48);
AMDRR_LAYOUT(KfdProcessDeviceApertures, pad, 52);

static_assert(sizeof(KfdGetProcessAperturesNewArgs) == 16);
AMDRR_LAYOUT(KfdGetProcessAperturesNewArgs, kfd_process_device_apertures_ptr, 0);
AMDRR_LAYOUT(KfdGetProcessAperturesNewArgs, num_of_nodes, 8);
AMDRR_LAYOUT(KfdGetProcessAperturesNewArgs, pad, 12);

static_assert(sizeof(KfdAcquireVmArgs) == 8);
AMDRR_LAYOUT(KfdAcquireVmArgs, drm_fd, 0);
AMDRR_LAYOUT(KfdAcquireVmArgs, gpu_id, 4);

static_assert(sizeof(KfdRuntimeEnableArgs) == 16);
AMDRR_LAYOUT(KfdRuntimeEnableArgs, r_debug, 0);
AMDRR_LAYOUT(KfdRuntimeEnableArgs, mode_mask, 8);
AMDRR_LAYOUT(KfdRuntimeEnableArgs, capabilities_mask, 12);

static_assert(sizeof(KfdSetXnackModeArgs) == 4);
AMDRR_LAYOUT(KfdSetXnackModeArgs, xnack_enabled, 0);

static_assert(sizeof(KfdGetClockCountersArgs) == 40);
AMDRR_LAYOUT(KfdGetClockCountersArgs, gpu_clock_counter, 0);
AMDRR_LAYOUT(KfdGetClockCountersArgs, cpu_clock_counter, 8);
AMDRR_LAYOUT(KfdGetClockCountersArgs, system_clock_counter, 16);
AMDRR_LAYOUT(KfdGetClockCountersArgs, system_clock_freq, 24);
AMDRR_LAYOUT(KfdGetClockCountersArgs, gpu_id, 32);
AMDRR_LAYOUT(KfdGetClockCountersArgs, pad, 36);

static_assert(sizeof(KfdGetAvailableMemoryArgs) == 16);
AMDRR_LAYOUT(KfdGetAvailableMemoryArgs, available, 0);
AMDRR_LAYOUT(KfdGetAvailableMemoryArgs, gpu_id, 8);
AMDRR_LAYOUT(KfdGetAvailableMemoryArgs, pad, 12);

static_assert(sizeof(KfdAllocMemoryOfGpuArgs) == 40);
AMDRR_LAYOUT(KfdAllocMemoryOfGpuArgs, va_addr, 0);
AMDRR_LAYOUT(KfdAllocMemoryOfGpuArgs, size, 8);
AMDRR_LAYOUT(KfdAllocMemoryOfGpuArgs, handle, 16);
AMDRR_LAYOUT(KfdAllocMemoryOfGpuArgs, mmap_offset, 24);
AMDRR_LAYOUT(KfdAllocMemoryOfGpuArgs, gpu_id, 32);
AMDRR_LAYOUT(KfdAllocMemoryOfGpuArgs, flags, 36);

static_assert(sizeof(KfdFreeMemoryOfGpuArgs) == 8);
AMDRR_LAYOUT(KfdFreeMemoryOfGpuArgs, handle, 0);

static_assert(sizeof(KfdMapMemoryToGpuArgs) == 24);
AMDRR_LAYOUT(KfdMapMemoryToGpuArgs, handle, 0);
AMDRR_LAYOUT(KfdMapMemoryToGpuArgs, device_ids_array_ptr, 8);
AMDRR_LAYOUT(KfdMapMemoryToGpuArgs, n_devices, 16);
AMDRR_LAYOUT(KfdMapMemoryToGpuArgs, n_success, 20);
static_assert(sizeof(KfdUnmapMemoryFromGpuArgs) == 24);
AMDRR_LAYOUT(KfdUnmapMemoryFromGpuArgs, handle, 0);
AMDRR_LAYOUT(KfdUnmapMemoryFromGpuArgs, device_ids_array_ptr, 8);
AMDRR_LAYOUT(KfdUnmapMemoryFromGpuArgs, n_devices, 16);
AMDRR_LAYOUT(KfdUnmapMemoryFromGpuArgs, n_success, 20);

// CREATE_QUEUE: 88 bytes in v1.11, 96 from 1.17 [S-UAPI-L], [S-UAPI-P].
static_assert(kCreateQueueArgsSizeV11 == 88);
static_assert(sizeof(KfdCreateQueueArgs) == 96);
AMDRR_LAYOUT(KfdCreateQueueArgs, ring_base_address, 0);
AMDRR_LAYOUT(KfdCreateQueueArgs, write_pointer_address, 8);
AMDRR_LAYOUT(KfdCreateQueueArgs, read_pointer_address, 16);
AMDRR_LAYOUT(KfdCreateQueueArgs, doorbell_offset, 24);
AMDRR_LAYOUT(KfdCreateQueueArgs, ring_size, 32);
AMDRR_LAYOUT(KfdCreateQueueArgs, gpu_id, 36);
AMDRR_LAYOUT(KfdCreateQueueArgs, queue_type, 40);
AMDRR_LAYOUT(KfdCreateQueueArgs, queue_percentage, 44);
AMDRR_LAYOUT(KfdCreateQueueArgs, queue_priority, 48);
AMDRR_LAYOUT(KfdCreateQueueArgs, queue_id, 52);
AMDRR_LAYOUT(KfdCreateQueueArgs, eop_buffer_address, 56);
AMDRR_LAYOUT(KfdCreateQueueArgs, eop_buffer_size, 64);
AMDRR_LAYOUT(KfdCreateQueueArgs, ctx_save_restore_address, 72);
AMDRR_LAYOUT(KfdCreateQueueArgs, ctx_save_restore_size, 80);
AMDRR_LAYOUT(KfdCreateQueueArgs, ctl_stack_size, 84);
AMDRR_LAYOUT(KfdCreateQueueArgs, sdma_engine_id, 88);
AMDRR_LAYOUT(KfdCreateQueueArgs, pad, 92);
using SysCreateQueue = kfd_ioctl_create_queue_args;
AMDRR_SAME_FIELD(KfdCreateQueueArgs, SysCreateQueue, ring_base_address);
AMDRR_SAME_FIELD(KfdCreateQueueArgs, SysCreateQueue, write_pointer_address);
AMDRR_SAME_FIELD(KfdCreateQueueArgs, SysCreateQueue, read_pointer_address);
AMDRR_SAME_FIELD(KfdCreateQueueArgs, SysCreateQueue, doorbell_offset);
AMDRR_SAME_FIELD(KfdCreateQueueArgs, SysCreateQueue, ring_size);
AMDRR_SAME_FIELD(KfdCreateQueueArgs, SysCreateQueue, gpu_id);
AMDRR_SAME_FIELD(KfdCreateQueueArgs, SysCreateQueue, queue_type);
AMDRR_SAME_FIELD(KfdCreateQueueArgs, SysCreateQueue, queue_percentage);
AMDRR_SAME_FIELD(KfdCreateQueueArgs, SysCreateQueue, queue_priority);
AMDRR_SAME_FIELD(KfdCreateQueueArgs, SysCreateQueue, queue_id);
AMDRR_SAME_FIELD(KfdCreateQueueArgs, SysCreateQueue, eop_buffer_address);
AMDRR_SAME_FIELD(KfdCreateQueueArgs, SysCreateQueue, eop_buffer_size);
AMDRR_SAME_FIELD(KfdCreateQueueArgs, SysCreateQueue, ctx_save_restore_address);
AMDRR_SAME_FIELD(KfdCreateQueueArgs, SysCreateQueue, ctx_save_restore_size);
AMDRR_SAME_FIELD(KfdCreateQueueArgs, SysCreateQueue, ctl_stack_size);

static_assert(sizeof(KfdDestroyQueueArgs) == 8);
AMDRR_LAYOUT(KfdDestroyQueueArgs, queue_id, 0);
AMDRR_LAYOUT(KfdDestroyQueueArgs, pad, 4);

static_assert(sizeof(KfdUpdateQueueArgs) == 24);
AMDRR_LAYOUT(KfdUpdateQueueArgs, ring_base_address, 0);
AMDRR_LAYOUT(KfdUpdateQueueArgs, queue_id, 8);
AMDRR_LAYOUT(KfdUpdateQueueArgs, ring_size, 12);
AMDRR_LAYOUT(KfdUpdateQueueArgs, queue_percentage, 16);
AMDRR_LAYOUT(KfdUpdateQueueArgs, queue_priority, 20);

static_assert(sizeof(KfdCreateEventArgs) == 32);
AMDRR_LAYOUT(KfdCreateEventArgs, event_page_offset, 0);
AMDRR_LAYOUT(KfdCreateEventArgs, event_trigger_data, 8);
AMDRR_LAYOUT(KfdCreateEventArgs, event_type, 12);
AMDRR_LAYOUT(KfdCreateEventArgs, auto_reset, 16);
AMDRR_LAYOUT(KfdCreateEventArgs, node_id, 20);
AMDRR_LAYOUT(KfdCreateEventArgs, event_id, 24);
AMDRR_LAYOUT(KfdCreateEventArgs, event_slot_index, 28);

static_assert(sizeof(KfdDestroyEventArgs) == 8);
AMDRR_LAYOUT(KfdDestroyEventArgs, event_id, 0);
static_assert(sizeof(KfdSetEventArgs) == 8);
AMDRR_LAYOUT(KfdSetEventArgs, event_id, 0);
static_assert(sizeof(KfdResetEventArgs) == 8);
AMDRR_LAYOUT(KfdResetEventArgs, event_id, 0);

static_assert(sizeof(KfdWaitEventsArgs) == 24);
AMDRR_LAYOUT(KfdWaitEventsArgs, events_ptr, 0);
AMDRR_LAYOUT(KfdWaitEventsArgs, num_events, 8);
AMDRR_LAYOUT(KfdWaitEventsArgs, wait_for_all, 12);
AMDRR_LAYOUT(KfdWaitEventsArgs, timeout, 16);
AMDRR_LAYOUT(KfdWaitEventsArgs, wait_result, 20);

static_assert(sizeof(KfdMemoryExceptionData) == 32);
AMDRR_LAYOUT(KfdMemoryExceptionData, failure.NotPresent, 0);
AMDRR_LAYOUT(KfdMemoryExceptionData, failure.ReadOnly, 4);
AMDRR_LAYOUT(KfdMemoryExceptionData, failure.NoExecute, 8);
AMDRR_LAYOUT(KfdMemoryExceptionData, failure.imprecise, 12);
AMDRR_LAYOUT(KfdMemoryExceptionData, va, 16);
AMDRR_LAYOUT(KfdMemoryExceptionData, gpu_id, 24);
AMDRR_LAYOUT(KfdMemoryExceptionData, ErrorType, 28);

static_assert(sizeof(KfdHwExceptionData) == 16);
AMDRR_LAYOUT(KfdHwExceptionData, reset_type, 0);
AMDRR_LAYOUT(KfdHwExceptionData, reset_cause, 4);
AMDRR_LAYOUT(KfdHwExceptionData, memory_lost, 8);
AMDRR_LAYOUT(KfdHwExceptionData, gpu_id, 12);

static_assert(sizeof(KfdSignalEventData) == 8);
AMDRR_LAYOUT(KfdSignalEventData, last_event_age, 0);

// kfd_event_data: 48 bytes in both v1.11 and 1.14+ [S-UAPI], [S-UAPI-L].
static_assert(sizeof(KfdEventData) == 48);
static_assert(sizeof(KfdEventData) == sizeof(kfd_event_data));
AMDRR_LAYOUT(KfdEventData, memory_exception_data, 0);
AMDRR_LAYOUT(KfdEventData, hw_exception_data, 0);
AMDRR_LAYOUT(KfdEventData, signal_event_data, 0);
AMDRR_LAYOUT(KfdEventData, kfd_event_data_ext, 32);
AMDRR_LAYOUT(KfdEventData, event_id, 40);
AMDRR_LAYOUT(KfdEventData, pad, 44);
AMDRR_SAME_FIELD(KfdEventData, kfd_event_data, memory_exception_data);
AMDRR_SAME_FIELD(KfdEventData, kfd_event_data, hw_exception_data);
AMDRR_SAME_FIELD(KfdEventData, kfd_event_data, kfd_event_data_ext);
AMDRR_SAME_FIELD(KfdEventData, kfd_event_data, event_id);

// Numbers: ours against the header's macros where it has them, and the
// documented values (reference §1.3) for the newer ones.
static_assert(kIocGetVersion == AMDKFD_IOC_GET_VERSION && kIocGetVersion == 0x80084B01);
static_assert(kIocCreateQueueV11 == AMDKFD_IOC_CREATE_QUEUE && kIocCreateQueueV11 == 0xC0584B02);
static_assert(kIocCreateQueue == 0xC0604B02);
static_assert(kIocDestroyQueue == AMDKFD_IOC_DESTROY_QUEUE && kIocDestroyQueue == 0xC0084B03);
static_assert(kIocGetClockCounters == AMDKFD_IOC_GET_CLOCK_COUNTERS);
static_assert(kIocUpdateQueue == AMDKFD_IOC_UPDATE_QUEUE && kIocUpdateQueue == 0x40184B07);
static_assert(kIocCreateEvent == AMDKFD_IOC_CREATE_EVENT && kIocCreateEvent == 0xC0204B08);
static_assert(kIocDestroyEvent == AMDKFD_IOC_DESTROY_EVENT);
static_assert(kIocSetEvent == AMDKFD_IOC_SET_EVENT);
static_assert(kIocResetEvent == AMDKFD_IOC_RESET_EVENT);
static_assert(kIocWaitEvents == AMDKFD_IOC_WAIT_EVENTS && kIocWaitEvents == 0xC0184B0C);
static_assert(kIocGetProcessAperturesNew == AMDKFD_IOC_GET_PROCESS_APERTURES_NEW);
static_assert(kIocAcquireVm == AMDKFD_IOC_ACQUIRE_VM && kIocAcquireVm == 0x40084B15);
static_assert(kIocAllocMemoryOfGpu == AMDKFD_IOC_ALLOC_MEMORY_OF_GPU);
static_assert(kIocFreeMemoryOfGpu == AMDKFD_IOC_FREE_MEMORY_OF_GPU);
static_assert(kIocMapMemoryToGpu == AMDKFD_IOC_MAP_MEMORY_TO_GPU);
static_assert(kIocUnmapMemoryFromGpu == AMDKFD_IOC_UNMAP_MEMORY_FROM_GPU);
static_assert(kIocSetXnackMode == AMDKFD_IOC_SET_XNACK_MODE && kIocSetXnackMode == 0xC0044B21);
static_assert(kIocAvailableMemory == AMDKFD_IOC_AVAILABLE_MEMORY);
static_assert(kIocRuntimeEnable == 0xC0104B25);
static_assert(ioc_nr(kIocRuntimeEnable) == 0x25 && ioc_size(kIocCreateQueue) == 96);

#undef AMDRR_LAYOUT
#undef AMDRR_SAME_FIELD

}  // namespace
}  // namespace amdrr::kmd::uapi

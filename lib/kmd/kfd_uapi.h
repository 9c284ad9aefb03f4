#pragma once
// The KFD ioctl ABI as amdrr uses it: the machine's <linux/kfd_ioctl.h>
// (v1.11) for the structs it has, our own definitions for what came later
// (runtime enable 1.13, signal event age 1.14, SDMA-by-engine-id 1.17), and
// every ioctl number computed here from (direction, nr, size) so a newer
// struct gets its newer number. Layouts are checked field by field in
// kfd_uapi_layout.cc; numbers against the header's macros there and in the
// codec tests.
//
// <linux/kfd_ioctl.h> includes <drm/drm.h>, which Debian ships only as
// <libdrm/drm.h>; lib/kmd/uapi_shim/drm/drm.h bridges the two.

#include <linux/kfd_ioctl.h>

#include <cstdint>

namespace amdrr::kmd::uapi {

// --- versions that gate features (KFD_IOCTL_MINOR_VERSION history) [S-UAPI] ---
inline constexpr uint32_t kMinorAvailableMemory = 9;
inline constexpr uint32_t kMinorRuntimeEnable = 13;
inline constexpr uint32_t kMinorEventAge = 14;
inline constexpr uint32_t kMinorSdmaByEngId = 17;

// --- structs the v1.11 header has, under amdrr names -----------------------------
using KfdGetVersionArgs = kfd_ioctl_get_version_args;
using KfdProcessDeviceApertures = kfd_process_device_apertures;
using KfdGetProcessAperturesNewArgs = kfd_ioctl_get_process_apertures_new_args;
using KfdAcquireVmArgs = kfd_ioctl_acquire_vm_args;
using KfdSetXnackModeArgs = kfd_ioctl_set_xnack_mode_args;
using KfdGetClockCountersArgs = kfd_ioctl_get_clock_counters_args;
using KfdGetAvailableMemoryArgs = kfd_ioctl_get_available_memory_args;
using KfdAllocMemoryOfGpuArgs = kfd_ioctl_alloc_memory_of_gpu_args;
using KfdFreeMemoryOfGpuArgs = kfd_ioctl_free_memory_of_gpu_args;
using KfdMapMemoryToGpuArgs = kfd_ioctl_map_memory_to_gpu_args;
using KfdUnmapMemoryFromGpuArgs = kfd_ioctl_unmap_memory_from_gpu_args;
using KfdDestroyQueueArgs = kfd_ioctl_destroy_queue_args;
using KfdUpdateQueueArgs = kfd_ioctl_update_queue_args;
using KfdCreateEventArgs = kfd_ioctl_create_event_args;
using KfdDestroyEventArgs = kfd_ioctl_destroy_event_args;
using KfdSetEventArgs = kfd_ioctl_set_event_args;
using KfdResetEventArgs = kfd_ioctl_reset_event_args;
using KfdWaitEventsArgs = kfd_ioctl_wait_events_args;
using KfdMemoryExceptionData = kfd_hsa_memory_exception_data;
using KfdHwExceptionData = kfd_hsa_hw_exception_data;

// --- structs newer than the header -------------------------------------------------

/// kfd_ioctl_create_queue_args as of 1.17: the v1.11 struct (88 bytes) plus
/// sdma_engine_id and a pad (renamed metadata_ring_size in 1.22) [S-UAPI-P].
struct KfdCreateQueueArgs {
  uint64_t ring_base_address;         // to KFD
  uint64_t write_pointer_address;     // to KFD
  uint64_t read_pointer_address;      // to KFD
  uint64_t doorbell_offset;           // from KFD
  uint32_t ring_size;                 // to KFD
  uint32_t gpu_id;                    // to KFD
  uint32_t queue_type;                // to KFD
  uint32_t queue_percentage;          // to KFD
  uint32_t queue_priority;            // to KFD
  uint32_t queue_id;                  // from KFD
  uint64_t eop_buffer_address;        // to KFD
  uint64_t eop_buffer_size;           // to KFD
  uint64_t ctx_save_restore_address;  // to KFD
  uint32_t ctx_save_restore_size;     // to KFD
  uint32_t ctl_stack_size;            // to KFD
  uint32_t sdma_engine_id;            // to KFD, >= 1.17
  uint32_t pad;
};
/// What a kernel before 1.17 reads of it (its _IOC_SIZE).
inline constexpr uint32_t kCreateQueueArgsSizeV11 = sizeof(kfd_ioctl_create_queue_args);

/// kfd_ioctl_runtime_enable_args (1.13) [S-UAPI].
struct KfdRuntimeEnableArgs {
  uint64_t r_debug;
  uint32_t mode_mask;
  uint32_t capabilities_mask;  // from KFD
};

/// kfd_hsa_signal_event_data (1.14) [S-UAPI].
struct KfdSignalEventData {
  uint64_t last_event_age;  // to and from KFD
};

/// kfd_event_data with the 1.14 union member added: same 48 bytes as the
/// v1.11 struct, the union grows no larger (32 bytes) [S-UAPI].
struct KfdEventData {
  union {
    KfdMemoryExceptionData memory_exception_data;  // from KFD
    KfdHwExceptionData hw_exception_data;          // from KFD
    KfdSignalEventData signal_event_data;          // to and from KFD
  };
  uint64_t kfd_event_data_ext;
  uint32_t event_id;  // to KFD
  uint32_t pad;
};

// --- ioctl numbers: the generic Linux _IOC layout, magic 'K' [S-UAPI] --------------
inline constexpr uint32_t kIocWrite = 1;
inline constexpr uint32_t kIocRead = 2;
inline constexpr unsigned long kfd_ioc(uint32_t dir, uint32_t nr, uint32_t size) {
  return (static_cast<unsigned long>(dir) << 30) | (static_cast<unsigned long>(size) << 16) |
         (static_cast<unsigned long>('K') << 8) | nr;
}
inline constexpr uint32_t ioc_nr(unsigned long request) {
  return request & 0xFF;
}
inline constexpr uint32_t ioc_size(unsigned long request) {
  return (request >> 16) & 0x3FFF;
}
inline constexpr uint32_t ioc_dir(unsigned long request) {
  return (request >> 30) & 0x3;
}
inline constexpr uint32_t ioc_type(unsigned long request) {
  return (request >> 8) & 0xFF;
}

inline constexpr uint32_t kR = kIocRead;
inline constexpr uint32_t kW = kIocWrite;
inline constexpr uint32_t kWR = kIocRead | kIocWrite;

inline constexpr unsigned long kIocGetVersion = kfd_ioc(kR, 0x01, sizeof(KfdGetVersionArgs));
inline constexpr unsigned long kIocCreateQueue = kfd_ioc(kWR, 0x02, sizeof(KfdCreateQueueArgs));
inline constexpr unsigned long kIocCreateQueueV11 = kfd_ioc(kWR, 0x02, kCreateQueueArgsSizeV11);
inline constexpr unsigned long kIocDestroyQueue = kfd_ioc(kWR, 0x03, sizeof(KfdDestroyQueueArgs));
inline constexpr unsigned long kIocGetClockCounters =
    kfd_ioc(kWR, 0x05, sizeof(KfdGetClockCountersArgs));
inline constexpr unsigned long kIocUpdateQueue = kfd_ioc(kW, 0x07, sizeof(KfdUpdateQueueArgs));
inline constexpr unsigned long kIocCreateEvent = kfd_ioc(kWR, 0x08, sizeof(KfdCreateEventArgs));
inline constexpr unsigned long kIocDestroyEvent = kfd_ioc(kW, 0x09, sizeof(KfdDestroyEventArgs));
inline constexpr unsigned long kIocSetEvent = kfd_ioc(kW, 0x0A, sizeof(KfdSetEventArgs));
inline constexpr unsigned long kIocResetEvent = kfd_ioc(kW, 0x0B, sizeof(KfdResetEventArgs));
inline constexpr unsigned long kIocWaitEvents = kfd_ioc(kWR, 0x0C, sizeof(KfdWaitEventsArgs));
inline constexpr unsigned long kIocGetProcessAperturesNew =
    kfd_ioc(kWR, 0x14, sizeof(KfdGetProcessAperturesNewArgs));
inline constexpr unsigned long kIocAcquireVm = kfd_ioc(kW, 0x15, sizeof(KfdAcquireVmArgs));
inline constexpr unsigned long kIocAllocMemoryOfGpu =
    kfd_ioc(kWR, 0x16, sizeof(KfdAllocMemoryOfGpuArgs));
inline constexpr unsigned long kIocFreeMemoryOfGpu =
    kfd_ioc(kW, 0x17, sizeof(KfdFreeMemoryOfGpuArgs));
inline constexpr unsigned long kIocMapMemoryToGpu =
    kfd_ioc(kWR, 0x18, sizeof(KfdMapMemoryToGpuArgs));
inline constexpr unsigned long kIocUnmapMemoryFromGpu =
    kfd_ioc(kWR, 0x19, sizeof(KfdUnmapMemoryFromGpuArgs));
inline constexpr unsigned long kIocSetXnackMode = kfd_ioc(kWR, 0x21, sizeof(KfdSetXnackModeArgs));
inline constexpr unsigned long kIocAvailableMemory =
    kfd_ioc(kWR, 0x23, sizeof(KfdGetAvailableMemoryArgs));
inline constexpr unsigned long kIocRuntimeEnable = kfd_ioc(kWR, 0x25, sizeof(KfdRuntimeEnableArgs));

}  // namespace amdrr::kmd::uapi

#pragma once
// Arguments and results of the Kmd calls: plain structs named after the
// fields of include/uapi/linux/kfd_ioctl.h so they grep against the kernel
// [S-UAPI]. Kernel CamelCase fields (NotPresent, ErrorType) are spelled in
// snake_case here, with the kernel name in a comment.

#include <cstdint>
#include <span>

namespace amdrr::kmd {

/// KFD_IOC_ALLOC_MEM_FLAGS_*: exactly one of the first five picks the kind.
namespace alloc_flags {
inline constexpr uint32_t kVram = 1u << 0;
inline constexpr uint32_t kGtt = 1u << 1;
inline constexpr uint32_t kUserptr = 1u << 2;
inline constexpr uint32_t kDoorbell = 1u << 3;
inline constexpr uint32_t kMmioRemap = 1u << 4;
inline constexpr uint32_t kContiguous = 1u << 23;  // KFD >= 1.16
inline constexpr uint32_t kExtCoherent = 1u << 24;
inline constexpr uint32_t kUncached = 1u << 25;
inline constexpr uint32_t kCoherent = 1u << 26;
inline constexpr uint32_t kAqlQueueMem = 1u << 27;
inline constexpr uint32_t kNoSubstitute = 1u << 28;
inline constexpr uint32_t kPublic = 1u << 29;
inline constexpr uint32_t kExecutable = 1u << 30;
inline constexpr uint32_t kWritable = 1u << 31;
inline constexpr uint32_t kKindMask = kVram | kGtt | kUserptr | kDoorbell | kMmioRemap;
}  // namespace alloc_flags

/// `/dev/kfd` mmap offsets: type in bits [63:62], gpu_id in [61:46] [S-PRIV].
namespace mmap_offset {
inline constexpr uint64_t kTypeShift = 62;
inline constexpr uint64_t kTypeDoorbell = 3ull << kTypeShift;
inline constexpr uint64_t kTypeEvents = 2ull << kTypeShift;
inline constexpr uint64_t kTypeReservedMem = 1ull << kTypeShift;
inline constexpr uint64_t kTypeMmio = 0ull << kTypeShift;
inline constexpr uint64_t kTypeMask = 3ull << kTypeShift;
inline constexpr uint64_t kGpuIdShift = 46;
inline constexpr uint64_t kGpuIdMask = 0xFFFFull << kGpuIdShift;
inline constexpr uint64_t gpu_id_bits(uint32_t gpu_id) {
  return (uint64_t{gpu_id} << kGpuIdShift) & kGpuIdMask;
}
}  // namespace mmap_offset

/// BO handles are MAKE_HANDLE(gpu_id, idr_handle) [S-CHR].
inline constexpr uint32_t handle_gpu_id(uint64_t handle) {
  return static_cast<uint32_t>(handle >> 32);
}
inline constexpr uint32_t handle_idr(uint64_t handle) {
  return static_cast<uint32_t>(handle);
}
inline constexpr uint64_t make_handle(uint32_t gpu_id, uint32_t idr) {
  return (uint64_t{gpu_id} << 32) | idr;
}

struct GetVersionResult {
  uint32_t major_version = 0;
  uint32_t minor_version = 0;
};

/// kfd_process_device_apertures, one per GPU bound to the process.
struct ProcessDeviceApertures {
  uint64_t lds_base = 0;
  uint64_t lds_limit = 0;
  uint64_t scratch_base = 0;
  uint64_t scratch_limit = 0;
  uint64_t gpuvm_base = 0;
  uint64_t gpuvm_limit = 0;
  uint32_t gpu_id = 0;
};

struct AcquireVmArgs {
  /// A render-node fd opened by the caller, or kOwnRenderNode to let the
  /// backend open /dev/dri/renderD<drm_render_minor> itself (the usual case;
  /// fds then never cross the seam, so traces need no fd remapping).
  int32_t drm_fd = kOwnRenderNode;
  uint32_t gpu_id = 0;
  static constexpr int32_t kOwnRenderNode = -1;
};

struct AllocMemoryArgs {
  uint64_t va_addr = 0;
  uint64_t size = 0;
  /// USERPTR only: the CPU address of the pages (in). Ignored otherwise.
  uint64_t mmap_offset = 0;
  uint32_t gpu_id = 0;
  uint32_t flags = 0;  // alloc_flags::*
};

struct AllocMemoryResult {
  uint64_t handle = 0;
  /// For VRAM/GTT: the render-node mmap offset; DOORBELL/MMIO_REMAP: a
  /// /dev/kfd offset; USERPTR: the CPU address given.
  uint64_t mmap_offset = 0;
};

/// MAP_MEMORY_TO_GPU / UNMAP_MEMORY_FROM_GPU. n_success is in/out as in the
/// kernel: start at 0; after a failure it says how many devices were done,
/// and passing it back resumes from there.
struct MapMemoryArgs {
  uint64_t handle = 0;
  std::span<const uint32_t> device_ids;  // device_ids_array_ptr, n_devices
  uint32_t n_success = 0;
};

/// Which file a CPU mapping comes from: VRAM/GTT BOs map through the GPU's
/// render node, doorbells / MMIO remap / events through /dev/kfd.
enum class MmapDevice : uint8_t { kRenderNode, kKfd };

struct MmapArgs {
  MmapDevice device = MmapDevice::kRenderNode;
  uint32_t gpu_id = 0;  // picks the render node; unused for kKfd
  uint64_t mmap_offset = 0;
  uint64_t size = 0;
  /// 0: anywhere. Else map exactly here (MAP_FIXED), e.g. at the BO's GPU VA
  /// reserved beforehand, so CPU VA == GPU VA.
  uint64_t addr = 0;
  int prot = 0;  // PROT_READ | PROT_WRITE
};

struct CpuMapping {
  uint64_t addr = 0;
  uint64_t size = 0;
  void* ptr() const { return reinterpret_cast<void*>(addr); }
};

/// KFD_IOC_QUEUE_TYPE_*.
enum class QueueType : uint32_t {
  kCompute = 0,  // PM4
  kSdma = 1,
  kComputeAql = 2,
  kSdmaXgmi = 3,
  kSdmaByEngId = 4,  // KFD >= 1.17, uses sdma_engine_id
};

/// Bytes per read/write-pointer unit: PM4 dwords, SDMA bytes, AQL 64-byte
/// packets.
constexpr uint64_t queue_pointer_unit(QueueType type) {
  switch (type) {
    case QueueType::kCompute:
      return 4;
    case QueueType::kComputeAql:
      return 64;
    case QueueType::kSdma:
    case QueueType::kSdmaXgmi:
    case QueueType::kSdmaByEngId:
      return 1;
  }
  return 1;
}

struct CreateQueueArgs {
  uint64_t ring_base_address = 0;
  uint64_t write_pointer_address = 0;
  uint64_t read_pointer_address = 0;
  uint32_t ring_size = 0;  // bytes, power of two
  uint32_t gpu_id = 0;
  QueueType queue_type = QueueType::kCompute;
  uint32_t queue_percentage = 100;  // bits [15:8]: target XCC (ROCm kernels)
  uint32_t queue_priority = 7;      // 0..15
  uint64_t eop_buffer_address = 0;
  uint64_t eop_buffer_size = 0;
  uint64_t ctx_save_restore_address = 0;
  uint32_t ctx_save_restore_size = 0;
  uint32_t ctl_stack_size = 0;
  uint32_t sdma_engine_id = 0;  // kSdmaByEngId only
};

struct CreateQueueResult {
  uint32_t queue_id = 0;
  /// KFD_MMAP_TYPE_DOORBELL | gpu_id bits | byte offset of this queue's
  /// doorbell in the process slice (GFX9+). mmap the slice at
  /// offset & ~(slice - 1); the doorbell is at offset & (slice - 1).
  uint64_t doorbell_offset = 0;
};

struct UpdateQueueArgs {
  uint64_t ring_base_address = 0;
  uint32_t queue_id = 0;
  uint32_t ring_size = 0;
  uint32_t queue_percentage = 100;
  uint32_t queue_priority = 7;
};

/// KFD_IOC_EVENT_*.
enum class EventType : uint32_t {
  kSignal = 0,
  kNodeChange = 1,
  kDeviceStateChange = 2,
  kHwException = 3,
  kSystemEvent = 4,
  kDebugEvent = 5,
  kProfileEvent = 6,
  kQueueEvent = 7,
  kMemory = 8,
};

struct CreateEventArgs {
  /// On the first signal event of a dGPU process: the handle of the BO to use
  /// as the signal page (its size / 8 = slots). 0: the kernel's own page.
  uint64_t event_page_offset = 0;
  EventType event_type = EventType::kSignal;
  uint32_t auto_reset = 0;
  uint32_t node_id = 0;
};

struct CreateEventResult {
  uint64_t event_page_offset = 0;  // KFD_MMAP_TYPE_EVENTS for signal events
  uint32_t event_trigger_data = 0;
  uint32_t event_id = 0;
  uint32_t event_slot_index = 0;  // signal events: slot in the page (= event_id)
};

/// kfd_hsa_memory_exception_data.
struct MemoryExceptionData {
  uint32_t not_present = 0;  // failure.NotPresent
  uint32_t read_only = 0;    // failure.ReadOnly
  uint32_t no_execute = 0;   // failure.NoExecute
  uint32_t imprecise = 0;    // failure.imprecise
  uint64_t va = 0;
  uint32_t gpu_id = 0;
  uint32_t error_type = 0;  // ErrorType: 0 none, 1 SRAM ECC, 2 poison, 3 hang
  friend bool operator==(const MemoryExceptionData&, const MemoryExceptionData&) = default;
};

/// kfd_hsa_hw_exception_data.
struct HwExceptionData {
  uint32_t reset_type = 0;
  uint32_t reset_cause = 0;
  uint32_t memory_lost = 0;
  uint32_t gpu_id = 0;
  friend bool operator==(const HwExceptionData&, const HwExceptionData&) = default;
};

/// kfd_event_data: one element of a WAIT_EVENTS array (in/out). The kernel
/// overlays the three data structs in a union; only the one matching the
/// event's type is meaningful.
struct EventData {
  uint32_t event_id = 0;                      // in
  MemoryExceptionData memory_exception_data;  // out, MEMORY events
  HwExceptionData hw_exception_data;          // out, HW_EXCEPTION events
  /// signal_event_data.last_event_age (KFD >= 1.14), in/out: non-zero and
  /// different from the event's age completes at once; the age is returned.
  uint64_t last_event_age = 0;
  uint64_t kfd_event_data_ext = 0;
};

/// KFD_IOC_WAIT_RESULT_*.
enum class WaitResult : uint32_t { kComplete = 0, kTimeout = 1, kFail = 2 };

/// KFD_EVENT_TIMEOUT_*: milliseconds, with these two special values.
inline constexpr uint32_t kEventTimeoutImmediate = 0;
inline constexpr uint32_t kEventTimeoutInfinite = 0xFFFFFFFFu;

struct WaitEventsArgs {
  std::span<EventData> events;
  uint32_t wait_for_all = 0;
  uint32_t timeout = kEventTimeoutImmediate;  // ms
};

struct ClockCounters {
  uint64_t gpu_clock_counter = 0;
  uint64_t cpu_clock_counter = 0;     // CLOCK_MONOTONIC_RAW ns
  uint64_t system_clock_counter = 0;  // CLOCK_BOOTTIME ns
  uint64_t system_clock_freq = 0;     // 1 GHz
};

/// kfd_ioctl_runtime_enable_args (KFD >= 1.13).
struct RuntimeEnableArgs {
  uint64_t r_debug = 0;
  uint32_t mode_mask = 0;  // bit 0 ENABLE, bit 1 TTMP_SAVE; 0 disables
};
inline constexpr uint32_t kRuntimeEnableMode = 1u << 0;
inline constexpr uint32_t kRuntimeEnableTtmpSave = 1u << 1;

}  // namespace amdrr::kmd

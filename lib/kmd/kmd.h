#pragma once
// Kmd: the one seam between amdrr and the kernel (or the emulated GPU). One
// virtual call per KFD ioctl a compute driver needs, plus the CPU mapping
// calls (mmap/munmap) and doorbell writes that reach the GPU without an
// ioctl. Every call returns Result<T>: a value or the kernel's errno for the
// same call; nothing here throws. Backends: SimKfd (lib/sim) and LinuxKfd
// (linux_kfd.h, over /dev/kfd through the Syscalls seam); RecordingKmd
// decorates any of them.
//
// A Kmd object is one KFD process: opening /dev/kfd happens when a backend is
// constructed, closing when it is destroyed.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lib/base/result.h"
#include "lib/gpu/topology.h"
#include "lib/kmd/kmd_types.h"

namespace amdrr::kmd {

/// A satisfied CPU wait on GPU memory, for Kmd::note_cpu_wait.
struct CpuWait {
  enum class Op : uint8_t { kLt, kLe, kEq, kNe, kGe, kGt };
  uint64_t va = 0;
  uint8_t width = 8;  // bytes compared: 4 or 8
  Op op = Op::kGe;
  uint64_t reference = 0;
  uint64_t value_seen = 0;
  uint64_t duration_ns = 0;
};

/// A driver CPU wait on GPU memory that ended without its condition, for
/// Kmd::note_cpu_wait_failed. `wait` holds the condition and the last value
/// seen (`value_seen`); faults and hardware exceptions the kernel reported
/// through WAIT_EVENTS are not reported again here.
struct CpuWaitFailure {
  enum class Kind : uint8_t {
    kTimeout,             // the wait's own deadline passed
    kQueueHung,           // a queue stopped on a wait nothing can satisfy (emulated GPU)
    kQueueError,          // a queue stopped on a malformed packet stream
    kUnsupported,         // a queue stopped on a packet the emulator does not have
    kVmFault,             // a queue stopped on a fault the driver saw without an event
    kIllegalInstruction,  // a shader ran an instruction the GPU rejects
  };
  Kind kind = Kind::kTimeout;
  CpuWait wait;
  uint32_t gpu_id = 0;
  uint32_t queue_id = 0;  // the stopped queue, where one is known
  uint64_t va = 0;        // the packet or faulting address, where one is known
  std::string message;    // what the driver reports to the program
};

class Kmd {
 public:
  virtual ~Kmd() = default;

  /// The topology the backend sees (sysfs for LinuxKfd, the generated tree
  /// for SimKfd), read once when the backend was created.
  virtual const gpu::Topology& topology() const = 0;

  // --- process ---------------------------------------------------------------
  /// AMDKFD_IOC_GET_VERSION.
  virtual Result<GetVersionResult> get_version() = 0;
  /// AMDKFD_IOC_GET_PROCESS_APERTURES_NEW: one entry per GPU of the process.
  virtual Result<std::vector<ProcessDeviceApertures>> get_process_apertures() = 0;
  /// AMDKFD_IOC_ACQUIRE_VM: binds the GPU's VM to this process. Required per
  /// GPU before allocating or creating queues on it (else ENODEV).
  virtual Result<void> acquire_vm(const AcquireVmArgs& args) = 0;
  /// AMDKFD_IOC_RUNTIME_ENABLE (KFD >= 1.13); returns capabilities_mask.
  virtual Result<uint32_t> runtime_enable(const RuntimeEnableArgs& args) = 0;
  /// AMDKFD_IOC_SET_XNACK_MODE: < 0 queries, 0 disables, > 0 enables; returns
  /// the mode now in effect. EBUSY when changing it while queues exist.
  virtual Result<int32_t> set_xnack_mode(int32_t xnack_enabled) = 0;
  /// AMDKFD_IOC_GET_CLOCK_COUNTERS.
  virtual Result<ClockCounters> get_clock_counters(uint32_t gpu_id) = 0;
  /// AMDKFD_IOC_AVAILABLE_MEMORY: VRAM bytes still allocatable on the GPU.
  virtual Result<uint64_t> available_memory(uint32_t gpu_id) = 0;

  // --- memory ----------------------------------------------------------------
  /// AMDKFD_IOC_ALLOC_MEMORY_OF_GPU. Does not check the VA against other BOs:
  /// a conflicting VA fails at map_memory_to_gpu, as in KFD.
  virtual Result<AllocMemoryResult> alloc_memory_of_gpu(const AllocMemoryArgs& args) = 0;
  /// AMDKFD_IOC_FREE_MEMORY_OF_GPU. EBUSY while mapped to any GPU.
  virtual Result<void> free_memory_of_gpu(uint64_t handle) = 0;
  /// AMDKFD_IOC_MAP_MEMORY_TO_GPU; updates args.n_success (also on failure).
  virtual Result<void> map_memory_to_gpu(MapMemoryArgs& args) = 0;
  /// AMDKFD_IOC_UNMAP_MEMORY_FROM_GPU; updates args.n_success.
  virtual Result<void> unmap_memory_from_gpu(MapMemoryArgs& args) = 0;
  /// mmap(2) of a BO, doorbell slice, MMIO page or event page.
  virtual Result<CpuMapping> mmap(const MmapArgs& args) = 0;
  /// munmap(2) of a mapping returned by mmap().
  virtual Result<void> munmap(const CpuMapping& mapping) = 0;

  // --- queues ----------------------------------------------------------------
  /// AMDKFD_IOC_CREATE_QUEUE, with KFD's validation of the user buffers.
  virtual Result<CreateQueueResult> create_queue(const CreateQueueArgs& args) = 0;
  /// AMDKFD_IOC_DESTROY_QUEUE.
  virtual Result<void> destroy_queue(uint32_t queue_id) = 0;
  /// AMDKFD_IOC_UPDATE_QUEUE.
  virtual Result<void> update_queue(const UpdateQueueArgs& args) = 0;
  /// A 64-bit store of `value` to the queue's doorbell (the mapped doorbell
  /// slice at the queue's offset): PM4 wptr in dwords, AQL last packet index,
  /// SDMA wptr in bytes. The caller writes the wptr memory first.
  virtual Result<void> write_doorbell(uint32_t queue_id, uint64_t value) = 0;

  // --- events ----------------------------------------------------------------
  /// AMDKFD_IOC_CREATE_EVENT.
  virtual Result<CreateEventResult> create_event(const CreateEventArgs& args) = 0;
  /// AMDKFD_IOC_DESTROY_EVENT.
  virtual Result<void> destroy_event(uint32_t event_id) = 0;
  /// AMDKFD_IOC_SET_EVENT: signal events only (EINVAL otherwise).
  virtual Result<void> set_event(uint32_t event_id) = 0;
  /// AMDKFD_IOC_RESET_EVENT: signal events only (EINVAL otherwise).
  virtual Result<void> reset_event(uint32_t event_id) = 0;
  /// AMDKFD_IOC_WAIT_EVENTS: fills each element's returned data; the errno of
  /// a failed wait goes with wait_result FAIL.
  virtual Result<WaitResult> wait_events(const WaitEventsArgs& args) = 0;

  // --- what the driver tells the seam (no ioctl behind these) ---------------
  /// The driver stored `bytes` at `va` with the CPU into GPU-visible memory
  /// (an IB, kernel arguments, a signal value, Buffer::write). Called after
  /// the store. Backends ignore it; a recorder logs it, so capture needs no
  /// page tricks for the driver's own writes. Not for a queue's ring and
  /// write pointer: write_doorbell publishes those (a recorder reads the
  /// packets from the ring there, two or three fewer calls a submission).
  virtual void note_cpu_write(uint64_t va, std::span<const uint8_t> bytes) {
    (void)va;
    (void)bytes;
  }
  /// The driver is about to store `size` bytes at `va` with the CPU (bulk
  /// writes: Buffer::write / fill). A recorder that write-protects mapped
  /// pages to see program stores makes the range writable at once, instead
  /// of taking a fault per page; backends ignore it. note_cpu_write follows.
  virtual void prepare_cpu_write(uint64_t va, uint64_t size) {
    (void)va;
    (void)size;
  }
  /// The driver is spin-waiting on GPU memory. The deterministic emulated GPU
  /// advances only inside Kmd calls, so every iteration of a CPU spin calls
  /// this; on hardware it does nothing.
  virtual void poll() {}
  /// A driver CPU spin on GPU memory (a signal) ended satisfied: what it
  /// polled, the condition, the value that ended it and how long it took.
  /// A recorder logs it so replay blocks on the same condition before the
  /// CPU writes that followed; backends ignore it.
  virtual void note_cpu_wait(const CpuWait& wait) { (void)wait; }
  /// A driver CPU wait on GPU memory failed (timed out, or a queue stopped):
  /// a recorder logs it as a GPU error so replay knows the run ended so;
  /// backends ignore it. Called before the driver reports the failure.
  virtual void note_cpu_wait_failed(const CpuWaitFailure& failure) { (void)failure; }
  /// The driver read `bytes` at `va` with the CPU from GPU-visible memory
  /// (Buffer::read, staging read-backs): what the program observed, which a
  /// recorder keeps (as a hash) for replay to compare. Called after the read.
  virtual void note_cpu_read(uint64_t va, std::span<const uint8_t> bytes) {
    (void)va;
    (void)bytes;
  }
  /// The driver loaded the code object `elf` at GPU VA `load_va` (its image
  /// is also reported as CPU writes). A recorder keeps the ELF, so a trace
  /// carries its kernels for dump and replay; backends ignore it.
  virtual void note_code_object(uint64_t load_va, std::span<const uint8_t> elf,
                                const std::string& name) {
    (void)load_va;
    (void)elf;
    (void)name;
  }
};

}  // namespace amdrr::kmd

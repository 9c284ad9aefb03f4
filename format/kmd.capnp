@0xf1e56fba1cd29992;
# One record variant per Kmd call (lib/kmd/kmd.h). Capture writes each call
# twice: `issued` (arguments) before forwarding it, so a call that crashes or
# never returns is still in the trace, then `returned` (arguments, results
# and errno). Ordinals are never renumbered or reused.
#
# Each variant is one struct holding the call's arguments and its results,
# named after the fields of include/uapi/linux/kfd_ioctl.h (lib/kmd/kmd_types.h
# spells them in snake_case). Results are zero in `issued` records. Where the
# kernel struct has an in/out field, the argument keeps the kernel's name and
# the returned value gets the suffix `Out` (mmapOffset / mmapOffsetOut).
# Converters: format/kmd_records.{h,cc}.
#
# Enums whose set the kernel may grow (queue type, event type) end in `other`
# and come with a `...Raw` field that always holds the kernel's number, so a
# value newer than this schema is kept exactly. Readers take the raw number and
# reject a record whose enum names a different value (or says `other` for a
# named one). Values the kernel adds later get enumerants after `other`.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("amdrr::schema");

struct KmdCall {
  seq @0 :UInt64;      # call number in the trace; pairs issued and returned
  phase @1 :Phase;
  errnum @2 :Int32;    # 0 on success, else the kernel's errno (returned only)

  enum Phase {
    issued @0;
    returned @1;
  }

  union {
    unknown @3 :Void;
    getVersion @4 :GetVersion;
    getProcessApertures @5 :GetProcessApertures;
    acquireVm @6 :AcquireVm;
    runtimeEnable @7 :RuntimeEnable;
    setXnackMode @8 :SetXnackMode;
    getClockCounters @9 :GetClockCounters;
    availableMemory @10 :AvailableMemory;
    allocMemoryOfGpu @11 :AllocMemoryOfGpu;
    freeMemoryOfGpu @12 :FreeMemoryOfGpu;
    mapMemoryToGpu @13 :MapMemory;
    unmapMemoryFromGpu @14 :MapMemory;
    mmap @15 :Mmap;
    munmap @16 :Munmap;
    createQueue @17 :CreateQueue;
    destroyQueue @18 :DestroyQueue;
    updateQueue @19 :UpdateQueue;
    writeDoorbell @20 :WriteDoorbell;
    createEvent @21 :CreateEvent;
    destroyEvent @22 :EventRef;
    setEvent @23 :EventRef;
    resetEvent @24 :EventRef;
    waitEvents @25 :WaitEvents;
  }
}

# ---------------------------------------------------------------- process

struct GetVersion {
  # AMDKFD_IOC_GET_VERSION: no arguments.
  major @0 :UInt32;    # returned: major_version
  minor @1 :UInt32;    # returned: minor_version
}

struct GetProcessApertures {
  # AMDKFD_IOC_GET_PROCESS_APERTURES_NEW: no arguments.
  apertures @0 :List(ProcessDeviceApertures);  # returned: one per GPU of the process
}

struct ProcessDeviceApertures {
  # kfd_process_device_apertures.
  ldsBase @0 :UInt64;
  ldsLimit @1 :UInt64;
  scratchBase @2 :UInt64;
  scratchLimit @3 :UInt64;
  gpuvmBase @4 :UInt64;
  gpuvmLimit @5 :UInt64;
  gpuId @6 :UInt32;
}

struct AcquireVm {
  # AMDKFD_IOC_ACQUIRE_VM: no results.
  drmFd @0 :Int32;     # render-node fd, or -1: the backend opened the render node itself
  gpuId @1 :UInt32;
}

struct RuntimeEnable {
  # AMDKFD_IOC_RUNTIME_ENABLE (KFD >= 1.13).
  rDebug @0 :UInt64;            # r_debug: address of the program's struct r_debug
  modeMask @1 :UInt32;          # bit 0 ENABLE, bit 1 TTMP_SAVE; 0 disables
  capabilitiesMask @2 :UInt32;  # returned
}

struct SetXnackMode {
  # AMDKFD_IOC_SET_XNACK_MODE.
  xnackEnabled @0 :Int32;       # < 0 queries, 0 disables, > 0 enables
  xnackEnabledOut @1 :Int32;    # returned: the mode now in effect
}

struct GetClockCounters {
  # AMDKFD_IOC_GET_CLOCK_COUNTERS.
  gpuId @0 :UInt32;
  gpuClockCounter @1 :UInt64;     # returned
  cpuClockCounter @2 :UInt64;     # returned: CLOCK_MONOTONIC_RAW ns
  systemClockCounter @3 :UInt64;  # returned: CLOCK_BOOTTIME ns
  systemClockFreq @4 :UInt64;     # returned: Hz
}

struct AvailableMemory {
  # AMDKFD_IOC_AVAILABLE_MEMORY.
  gpuId @0 :UInt32;
  available @1 :UInt64;         # returned: VRAM bytes still allocatable
}

# ---------------------------------------------------------------- memory

struct AllocMemoryOfGpu {
  # AMDKFD_IOC_ALLOC_MEMORY_OF_GPU.
  vaAddr @0 :UInt64;            # GPU VA of the BO
  size @1 :UInt64;              # bytes
  mmapOffset @2 :UInt64;        # USERPTR: the CPU address of the pages; ignored otherwise
  gpuId @3 :UInt32;
  flags @4 :UInt32;             # KFD_IOC_ALLOC_MEM_FLAGS_* (kmd::alloc_flags)
  handle @5 :UInt64;            # returned: MAKE_HANDLE(gpu_id, idr handle)
  mmapOffsetOut @6 :UInt64;
  # returned: render-node offset (VRAM/GTT), /dev/kfd offset (DOORBELL,
  # MMIO_REMAP), or the CPU address given (USERPTR).
}

struct FreeMemoryOfGpu {
  # AMDKFD_IOC_FREE_MEMORY_OF_GPU: no results.
  handle @0 :UInt64;
}

struct MapMemory {
  # AMDKFD_IOC_MAP_MEMORY_TO_GPU and AMDKFD_IOC_UNMAP_MEMORY_FROM_GPU.
  handle @0 :UInt64;
  deviceIds @1 :List(UInt32);   # device_ids_array_ptr[n_devices]: gpu_ids
  nSuccess @2 :UInt32;          # n_success passed in: devices already done (resume)
  nSuccessOut @3 :UInt32;       # returned, also on failure: devices done
}

enum MmapDevice {
  renderNode @0;   # VRAM/GTT BOs: the GPU's render node
  kfd @1;          # doorbells, MMIO remap, event page: /dev/kfd
}

struct Mmap {
  # mmap(2) of a BO, doorbell slice, MMIO page or event page.
  device @0 :MmapDevice;        # which file is mapped
  gpuId @1 :UInt32;             # picks the render node; unused for kfd
  mmapOffset @2 :UInt64;        # offset in the file (from alloc / create queue / event)
  size @3 :UInt64;              # length in bytes
  addr @4 :UInt64;              # requested address (MAP_FIXED), 0: anywhere
  prot @5 :Int32;               # PROT_* bits
  addrOut @6 :UInt64;           # returned: the address mapped
  sizeOut @7 :UInt64;           # returned: the length mapped
}

struct Munmap {
  # munmap(2) of a mapping returned by mmap: no results.
  addr @0 :UInt64;
  size @1 :UInt64;
}

# ---------------------------------------------------------------- queues

enum QueueType {
  # KFD_IOC_QUEUE_TYPE_*; ordinals below `other` equal the kernel's values.
  compute @0;       # PM4
  sdma @1;
  computeAql @2;
  sdmaXgmi @3;
  sdmaByEngId @4;   # KFD >= 1.17, uses sdmaEngineId
  other @5;         # a value newer than this schema: see queueTypeRaw
}

struct CreateQueue {
  # AMDKFD_IOC_CREATE_QUEUE.
  ringBaseAddress @0 :UInt64;       # GPU VA of the ring
  writePointerAddress @1 :UInt64;   # VA of the write pointer
  readPointerAddress @2 :UInt64;    # VA of the read pointer
  ringSize @3 :UInt32;              # bytes, power of two
  gpuId @4 :UInt32;
  queueType @5 :QueueType;
  queueTypeRaw @6 :UInt32;          # queue_type as the kernel numbers it (always set)
  queuePercentage @7 :UInt32;       # bits [15:8]: target XCC
  queuePriority @8 :UInt32;         # 0..15
  eopBufferAddress @9 :UInt64;      # VA of the end-of-pipe buffer
  eopBufferSize @10 :UInt64;
  ctxSaveRestoreAddress @11 :UInt64;  # VA of the CWSR area
  ctxSaveRestoreSize @12 :UInt32;
  ctlStackSize @13 :UInt32;
  sdmaEngineId @14 :UInt32;         # sdmaByEngId only
  queueId @15 :UInt32;              # returned
  doorbellOffset @16 :UInt64;
  # returned: KFD_MMAP_TYPE_DOORBELL | gpu_id bits | byte offset of this
  # queue's doorbell in the process doorbell slice.
}

struct DestroyQueue {
  # AMDKFD_IOC_DESTROY_QUEUE: no results.
  queueId @0 :UInt32;
}

struct UpdateQueue {
  # AMDKFD_IOC_UPDATE_QUEUE: no results.
  ringBaseAddress @0 :UInt64;
  queueId @1 :UInt32;
  ringSize @2 :UInt32;
  queuePercentage @3 :UInt32;
  queuePriority @4 :UInt32;
}

struct WriteDoorbell {
  # A 64-bit store to the queue's doorbell: no results. The packets behind it
  # go in a Doorbell record (trace.capnp).
  queueId @0 :UInt32;
  value @1 :UInt64;   # PM4 wptr in dwords, AQL last packet index, SDMA wptr in bytes
}

# ---------------------------------------------------------------- events

enum EventType {
  # KFD_IOC_EVENT_*; ordinals below `other` equal the kernel's values.
  signal @0;
  nodeChange @1;
  deviceStateChange @2;
  hwException @3;
  systemEvent @4;
  debugEvent @5;
  profileEvent @6;
  queueEvent @7;
  memory @8;
  other @9;         # a value newer than this schema: see eventTypeRaw
}

struct CreateEvent {
  # AMDKFD_IOC_CREATE_EVENT.
  eventPageOffset @0 :UInt64;
  # First signal event of a dGPU process: handle of the BO used as the signal
  # page (its size / 8 = slots); 0: the kernel's own page.
  eventType @1 :EventType;
  eventTypeRaw @2 :UInt32;       # event_type as the kernel numbers it (always set)
  autoReset @3 :UInt32;
  nodeId @4 :UInt32;
  eventPageOffsetOut @5 :UInt64; # returned: KFD_MMAP_TYPE_EVENTS offset (signal events)
  eventTriggerData @6 :UInt32;   # returned: value a packet writes to fire the event
  eventId @7 :UInt32;            # returned
  eventSlotIndex @8 :UInt32;     # returned: slot in the event page (signal events)
}

struct EventRef {
  # AMDKFD_IOC_DESTROY_EVENT, _SET_EVENT, _RESET_EVENT: no results.
  eventId @0 :UInt32;
}

enum WaitEventsResult {
  # KFD_IOC_WAIT_RESULT_*.
  complete @0;
  timeout @1;
  fail @2;
}

struct WaitEvents {
  # AMDKFD_IOC_WAIT_EVENTS.
  events @0 :List(EventData);    # the array as passed in (event ids, last event ages)
  waitForAll @1 :UInt32;         # 0: any
  timeout @2 :UInt32;            # ms; 0 immediate, 0xFFFFFFFF infinite
  waitResult @3 :WaitEventsResult;  # returned
  eventsOut @4 :List(EventData);
  # returned: the array as the kernel filled it, as long as `events`.
}

struct EventData {
  # kfd_event_data; the kernel overlays the two exception structs and the
  # signal data in a union: only the one matching the event's type means
  # anything.
  eventId @0 :UInt32;
  memoryExceptionData @1 :MemoryExceptionData;  # MEMORY events
  hwExceptionData @2 :HwExceptionData;          # HW_EXCEPTION events
  lastEventAge @3 :UInt64;       # signal_event_data.last_event_age (KFD >= 1.14)
  kfdEventDataExt @4 :UInt64;
}

struct MemoryExceptionData {
  # kfd_hsa_memory_exception_data.
  notPresent @0 :UInt32;   # failure.NotPresent
  readOnly @1 :UInt32;     # failure.ReadOnly
  noExecute @2 :UInt32;    # failure.NoExecute
  imprecise @3 :UInt32;    # failure.imprecise
  va @4 :UInt64;           # faulting address
  gpuId @5 :UInt32;
  errorType @6 :UInt32;    # ErrorType: 0 none, 1 SRAM ECC, 2 poison, 3 hang
}

struct HwExceptionData {
  # kfd_hsa_hw_exception_data.
  resetType @0 :UInt32;
  resetCause @1 :UInt32;
  memoryLost @2 :UInt32;
  gpuId @3 :UInt32;
}

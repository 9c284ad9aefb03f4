@0xf71e543f525e0545;
# The amdrr trace: a stream of Record messages (Cap'n Proto standard stream
# framing) inside independent zstd frames. The first record is a Header, the
# last one an End; a trace without End was cut short (crash, kill -9).
#
#   zstd -dc t.amdrr | capnp decode format/trace.capnp Record
#
# Evolution rules: never renumber or reuse an ordinal, never change a field's
# type. New fields get defaults that describe older traces. A change that old
# readers would misread bumps formatMajor; anything else bumps formatMinor.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("amdrr::schema");

using Kmd = import "kmd.capnp";

const formatMajor :UInt16 = 1;
const formatMinor :UInt16 = 0;

struct Record {
  timeNs @0 :UInt64;
  # Host CLOCK_MONOTONIC nanoseconds since the trace was opened.

  thread @1 :UInt32;
  # Writing thread, numbered 0, 1, ... in order of first appearance.

  union {
    header @2 :Header;          # always record 0
    end @3 :End;                # always the last record of a complete trace
    kmdCall @4 :Kmd.KmdCall;    # one Kmd call: arguments, then results and errno
    doorbell @5 :Doorbell;      # a doorbell write and the packets behind it
    memWrite @6 :MemWrite;      # CPU bytes written to GPU-visible memory
    waitResult @7 :WaitResult;  # a satisfied (or timed out) wait
    observed @8 :ObservedMemory;# what the CPU saw in GPU memory, as a hash
    codeObject @9 :CodeObject;  # a kernel code object loaded for the GPU
    annotation @10 :Annotation; # a user label, e.g. "dispatch kernel X"
    gpuError @11 :GpuError;     # VM fault, hang, timeout, ...
    blob @12 :Blob;             # bulk bytes, stored once per content
  }
}

# ---------------------------------------------------------------- content

struct Hash128 {
  # XXH3-128 of a blob's content.
  lo @0 :UInt64;
  hi @1 :UInt64;
}

struct BlobRef {
  # Bytes stored elsewhere in the trace as a Blob record that comes earlier in
  # the stream. A zero-size reference needs no Blob.
  hash @0 :Hash128;
  size @1 :UInt64;
}

struct Blob {
  # Content stored once per trace. Large content is split into chunks, each
  # its own Blob with `data`, followed by a Blob listing them, whose hash is
  # that of the whole content: re-writing the same large buffer costs one
  # reference. Chunks never nest further.
  hash @0 :Hash128;
  size @1 :UInt64;
  union {
    data @2 :Data;
    chunks @3 :List(BlobRef);
  }
}

# ---------------------------------------------------------------- header

enum Backend {
  unknown @0;
  kfd @1;      # /dev/kfd on real hardware
  sim @2;      # the emulated GPU
  pci @3;      # bare-metal PCI (future)
}

struct Header {
  formatMajor @0 :UInt16;
  formatMinor @1 :UInt16;
  toolVersion @2 :Text;       # amdrr version that wrote the trace
  createdUnixNs @3 :UInt64;   # wall clock when the trace was opened
  host @4 :Text;              # host name
  kernelRelease @5 :Text;     # uname -r
  commandLine @6 :List(Text); # argv of the traced program
  environment @7 :List(EnvVar);
  # The subset of the environment that changes GPU behaviour (AMDRR_*, HSA_*,
  # HIP_*, ROC*, AMD_*); never the whole environment.

  backend @8 :Backend;
  kfdVersionMajor @9 :UInt32;
  kfdVersionMinor @10 :UInt32;
  gpus @11 :List(GpuInfo);    # every GPU node of the machine, in topology order
  simSeed @12 :UInt64;        # the emulated GPU's scheduling seed (backend = sim)
  simProfile @13 :Text;       # the emulated GPU's profile, e.g. "gfx942"
  quirks @14 :Quirks;
  simThreaded @15 :Bool;      # the emulated GPU ran its engines on threads: the
                              # values CPU waits saw past their condition are timing
}

struct EnvVar {
  name @0 :Text;
  value @1 :Text;
}

struct Quirks {
  # Flags whose default (false) describes traces written before the flag
  # existed, so readers can tell what an older writer did not do.
  placeholder @0 :Bool;
}

struct GpuInfo {
  nodeId @0 :UInt32;            # KFD topology node
  gpuId @1 :UInt32;             # KFD gpu_id (a per-machine hash)
  gfxTarget @2 :Text;           # e.g. "gfx942"
  gfxTargetVersion @3 :UInt32;  # topology gfx_target_version, e.g. 90402
  vendorId @4 :UInt32;
  deviceId @5 :UInt32;
  revisionId @6 :UInt32;
  marketingName @7 :Text;
  family @8 :Text;              # libdrm family name, where known
  vramBytes @9 :UInt64;
  hostVisibleVramBytes @10 :UInt64;  # CPU-reachable VRAM (BAR); = vram with a large BAR
  gttBytes @11 :UInt64;
  computeUnits @12 :UInt32;
  xccCount @13 :UInt32;
  waveSize @14 :UInt32;
  sdmaEngines @15 :UInt32;      # PCIe SDMA engines
  sdmaXgmiEngines @16 :UInt32;  # xGMI SDMA engines
  drmRenderMinor @17 :UInt32;
  pciLocation @18 :Text;        # domain:bus:dev.fn
  uniqueId @19 :UInt64;
  firmware @20 :List(Firmware);
  chipRevision @21 :UInt32;         # libdrm chip_rev, where available
  chipExternalRevision @22 :UInt32; # libdrm chip_external_rev
  vramBitWidth @23 :UInt32;         # memory bus width in bits
}

struct Firmware {
  name @0 :Text;     # "mec", "sdma", ...
  version @1 :UInt32;
}

# ---------------------------------------------------------------- end

enum EndReason {
  closed @0;        # the writer was closed normally
  processExit @1;   # closed from an exit handler
}

struct End {
  records @0 :UInt64;          # records before this one, header included
  logicalBlobBytes @1 :UInt64; # bytes of content referenced (before dedup)
  storedBlobBytes @2 :UInt64;  # bytes of content stored (after dedup)
  reason @3 :EndReason;
}

# ---------------------------------------------------------------- GPU work

struct Doorbell {
  gpuId @0 :UInt32;
  queueId @1 :UInt32;         # KFD queue id, as recorded
  value @2 :UInt64;           # the raw value written to the doorbell
  writePointer @3 :UInt64;    # the queue's write pointer in memory at that time
  # On AQL queues doorbell = write index - 1; a mismatch is itself worth seeing.
  readPointer @4 :UInt64;     # the read pointer in memory at that time
  ringOffset @5 :UInt64;      # byte offset in the ring where `packets` begins
  packets @6 :List(UInt32);
  # Packet dwords written since the previous doorbell of this queue, in ring
  # order with any wrap unrolled.
  packetsBlob @7 :BlobRef;
  # Used instead of `packets` when they are large (size > 0 says so).
}

enum WriteSource {
  driver @0;        # the driver reported its own write (ring, IB, kernarg, ...)
  trappedStore @1;  # a program store caught through page protection
  syscall @2;       # written by an interposed syscall (read, recv, ...)
}

struct MemWrite {
  va @0 :UInt64;              # GPU VA (== CPU VA for host-visible memory)
  content @1 :BlobRef;        # size of the write is content.size
  source @2 :WriteSource;
}

enum WaitKind {
  kfdEvents @0;   # a WAIT_EVENTS call
  cpuPoll @1;     # a CPU spin on GPU memory
}

enum CompareOp {
  always @0;
  lt @1;
  le @2;
  eq @3;
  ne @4;
  ge @5;
  gt @6;
}

struct WaitResult {
  kind @0 :WaitKind;
  va @1 :UInt64;            # polled address (cpuPoll), or the event page slot
  width @2 :UInt8;          # bytes compared: 4 or 8
  op @3 :CompareOp;
  mask @4 :UInt64;
  reference @5 :UInt64;
  valueSeen @6 :UInt64;     # the masked value that ended the wait
  durationNs @7 :UInt64;
  timedOut @8 :Bool;
  eventIds @9 :List(UInt32);  # kfdEvents: the events waited on
}

enum ObservedReason {
  afterWait @0;      # memory the CPU read after a wait
  declared @1;       # a range the program declared as a result
  packetTarget @2;   # destination of a decoded packet
}

struct ObservedMemory {
  va @0 :UInt64;
  size @1 :UInt64;
  hash @2 :Hash128;         # XXH3-128 of the bytes
  reason @3 :ObservedReason;
  isTimestamp @4 :Bool;     # timestamps are recorded, never compared
  content @5 :BlobRef;      # the bytes themselves when the range is small enough
                            # to keep (null otherwise): lets replay name the first
                            # differing byte and both values, not only "differs"
}

struct CodeObject {
  gpuId @0 :UInt32;
  loadVa @1 :UInt64;        # GPU VA the code object was loaded at
  elf @2 :BlobRef;
  name @3 :Text;            # file or module name, where known
}

struct Annotation {
  label @0 :Text;
  detail @1 :Text;
}

enum GpuErrorKind {
  vmFault @0;
  hang @1;
  timeout @2;
  illegalInstruction @3;
  queueError @4;
  unsupportedByEmulator @5;
  injected @6;              # a fault injected on purpose (emulated GPU)
}

struct GpuError {
  kind @0 :GpuErrorKind;
  gpuId @1 :UInt32;
  queueId @2 :UInt32;
  va @3 :UInt64;            # faulting address, where there is one
  detail @4 :UInt64;        # kind-specific bits (VM fault status, PC, ...)
  message @5 :Text;
}

# ---------------------------------------------------------------- index

struct TraceIndex {
  # Written on close inside a zstd skippable frame (plain zstd ignores it),
  # followed by a fixed-size footer frame that points at it.
  frames @0 :List(FrameEntry);
  blobs @1 :List(BlobLocation);
}

struct FrameEntry {
  offset @0 :UInt64;           # file offset of the frame
  compressedSize @1 :UInt64;
  contentSize @2 :UInt64;      # bytes of capnp messages inside
  firstRecord @3 :UInt64;      # number of its first record
  records @4 :UInt64;
}

struct BlobLocation {
  hash @0 :Hash128;
  frame @1 :UInt32;            # index into `frames`
  offsetInFrame @2 :UInt64;    # byte offset of the Blob's record in the frame's content
}

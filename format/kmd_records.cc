// Each Kmd call's record, written and read from one table of fields per
// schema struct (kmd_records_fields.h), and the op <-> union arm mapping.
#include "format/kmd_records.h"

#include <kj/exception.h>

#include <string>
#include <tuple>

#include "format/kmd_records_fields.h"

namespace amdrr::format {
namespace {

using kmd_fields::ClosedEnum;
using kmd_fields::List;
using kmd_fields::Nested;
using kmd_fields::OpenEnum;
using kmd_fields::Scalar;

// Kernel numbers stored as schema ordinals: they must agree.
static_assert(static_cast<uint32_t>(schema::QueueType::SDMA_BY_ENG_ID) ==
              static_cast<uint32_t>(kmd::QueueType::kSdmaByEngId));
static_assert(static_cast<uint32_t>(schema::EventType::MEMORY) ==
              static_cast<uint32_t>(kmd::EventType::kMemory));
static_assert(static_cast<uint32_t>(schema::WaitEventsResult::FAIL) ==
              static_cast<uint32_t>(kmd::WaitResult::kFail));
static_assert(static_cast<uint32_t>(schema::MmapDevice::KFD) ==
              static_cast<uint32_t>(kmd::MmapDevice::kKfd));
// A field added to one of these kmd structs must reach the trace: add it to
// kmd.capnp and to the table below, then update the size here.
static_assert(sizeof(kmd::AllocMemoryArgs) == 32);
static_assert(sizeof(kmd::CreateQueueArgs) == 88);
static_assert(sizeof(kmd::CreateEventArgs) == 24);
static_assert(sizeof(kmd::CreateEventResult) == 24);
static_assert(sizeof(kmd::EventData) == 72);
static_assert(sizeof(kmd::MmapArgs) == 40);
static_assert(sizeof(kmd::UpdateQueueArgs) == 24);

// One table line per field; `S` is the schema struct of the enclosing Fields.
#define AMDRR_MEMBER(member) \
  [](auto& v) -> auto& {     \
    return v.member;         \
  }
#define AMDRR_SELF       \
  [](auto& v) -> auto& { \
    return v;            \
  }
#define AMDRR_SCALAR(member, Field)                                       \
  Scalar {                                                                \
    AMDRR_MEMBER(member), &S::Builder::set##Field, &S::Reader::get##Field \
  }
#define AMDRR_SCALAR_SELF(Field)                                \
  Scalar {                                                      \
    AMDRR_SELF, &S::Builder::set##Field, &S::Reader::get##Field \
  }
#define AMDRR_CLOSED_ENUM(member, Field)                                          \
  ClosedEnum {                                                                    \
    AMDRR_MEMBER(member), &S::Builder::set##Field, &S::Reader::get##Field, #Field \
  }
#define AMDRR_OPEN_ENUM(member, Field, Enum)                                                   \
  OpenEnum {                                                                                   \
    AMDRR_MEMBER(member), &S::Builder::set##Field, &S::Reader::get##Field,                     \
        &S::Builder::set##Field##Raw, &S::Reader::get##Field##Raw, schema::Enum::OTHER, #Field \
  }
#define AMDRR_LIST(access, Field, Element, max)                                    \
  List {                                                                           \
    access, &S::Builder::init##Field, &S::Reader::get##Field, Element, #Field, max \
  }
#define AMDRR_NESTED(member, Field, Struct)                                 \
  Nested {                                                                  \
    AMDRR_MEMBER(member), &S::Builder::init##Field, &S::Reader::get##Field, \
        Fields<schema::Struct>::all()                                       \
  }

/// Per schema struct: args() and result() tables (all() for list elements).
template <typename Schema>
struct Fields;

// --------------------------------------------------------------- process

template <>
struct Fields<schema::GetVersion> {
  using S = schema::GetVersion;
  static auto args() { return std::tuple{}; }
  static auto result() {
    return std::tuple{AMDRR_SCALAR(major_version, Major), AMDRR_SCALAR(minor_version, Minor)};
  }
};

template <>
struct Fields<schema::ProcessDeviceApertures> {
  using S = schema::ProcessDeviceApertures;
  static auto all() {
    return std::tuple{AMDRR_SCALAR(lds_base, LdsBase),
                      AMDRR_SCALAR(lds_limit, LdsLimit),
                      AMDRR_SCALAR(scratch_base, ScratchBase),
                      AMDRR_SCALAR(scratch_limit, ScratchLimit),
                      AMDRR_SCALAR(gpuvm_base, GpuvmBase),
                      AMDRR_SCALAR(gpuvm_limit, GpuvmLimit),
                      AMDRR_SCALAR(gpu_id, GpuId)};
  }
};

template <>
struct Fields<schema::GetProcessApertures> {
  using S = schema::GetProcessApertures;
  static auto args() { return std::tuple{}; }
  static auto result() {
    return std::tuple{AMDRR_LIST(AMDRR_SELF, Apertures,
                                 Fields<schema::ProcessDeviceApertures>::all(), kMaxKmdDevices)};
  }
};

template <>
struct Fields<schema::AcquireVm> {
  using S = schema::AcquireVm;
  static auto args() {
    return std::tuple{AMDRR_SCALAR(drm_fd, DrmFd), AMDRR_SCALAR(gpu_id, GpuId)};
  }
  static auto result() { return std::tuple{}; }
};

template <>
struct Fields<schema::RuntimeEnable> {
  using S = schema::RuntimeEnable;
  static auto args() {
    return std::tuple{AMDRR_SCALAR(r_debug, RDebug), AMDRR_SCALAR(mode_mask, ModeMask)};
  }
  static auto result() { return std::tuple{AMDRR_SCALAR_SELF(CapabilitiesMask)}; }
};

template <>
struct Fields<schema::SetXnackMode> {
  using S = schema::SetXnackMode;
  static auto args() { return std::tuple{AMDRR_SCALAR(xnack_enabled, XnackEnabled)}; }
  static auto result() { return std::tuple{AMDRR_SCALAR_SELF(XnackEnabledOut)}; }
};

template <>
struct Fields<schema::GetClockCounters> {
  using S = schema::GetClockCounters;
  static auto args() { return std::tuple{AMDRR_SCALAR(gpu_id, GpuId)}; }
  static auto result() {
    return std::tuple{AMDRR_SCALAR(gpu_clock_counter, GpuClockCounter),
                      AMDRR_SCALAR(cpu_clock_counter, CpuClockCounter),
                      AMDRR_SCALAR(system_clock_counter, SystemClockCounter),
                      AMDRR_SCALAR(system_clock_freq, SystemClockFreq)};
  }
};

template <>
struct Fields<schema::AvailableMemory> {
  using S = schema::AvailableMemory;
  static auto args() { return std::tuple{AMDRR_SCALAR(gpu_id, GpuId)}; }
  static auto result() { return std::tuple{AMDRR_SCALAR_SELF(Available)}; }
};

// --------------------------------------------------------------- memory

template <>
struct Fields<schema::AllocMemoryOfGpu> {
  using S = schema::AllocMemoryOfGpu;
  static auto args() {
    return std::tuple{AMDRR_SCALAR(va_addr, VaAddr), AMDRR_SCALAR(size, Size),
                      AMDRR_SCALAR(mmap_offset, MmapOffset), AMDRR_SCALAR(gpu_id, GpuId),
                      AMDRR_SCALAR(flags, Flags)};
  }
  static auto result() {
    return std::tuple{AMDRR_SCALAR(handle, Handle), AMDRR_SCALAR(mmap_offset, MmapOffsetOut)};
  }
};

template <>
struct Fields<schema::FreeMemoryOfGpu> {
  using S = schema::FreeMemoryOfGpu;
  static auto args() { return std::tuple{AMDRR_SCALAR(handle, Handle)}; }
  static auto result() { return std::tuple{}; }
};

template <>
struct Fields<schema::MapMemory> {
  using S = schema::MapMemory;
  static auto args() {
    return std::tuple{AMDRR_SCALAR(handle, Handle),
                      AMDRR_LIST(AMDRR_MEMBER(device_ids), DeviceIds, std::tuple{}, kMaxKmdDevices),
                      AMDRR_SCALAR(n_success, NSuccess)};
  }
  static auto result() { return std::tuple{AMDRR_SCALAR(n_success, NSuccessOut)}; }
};

template <>
struct Fields<schema::Mmap> {
  using S = schema::Mmap;
  static auto args() {
    return std::tuple{AMDRR_CLOSED_ENUM(device, Device),
                      AMDRR_SCALAR(gpu_id, GpuId),
                      AMDRR_SCALAR(mmap_offset, MmapOffset),
                      AMDRR_SCALAR(size, Size),
                      AMDRR_SCALAR(addr, Addr),
                      AMDRR_SCALAR(prot, Prot)};
  }
  static auto result() {
    return std::tuple{AMDRR_SCALAR(addr, AddrOut), AMDRR_SCALAR(size, SizeOut)};
  }
};

template <>
struct Fields<schema::Munmap> {
  using S = schema::Munmap;
  static auto args() { return std::tuple{AMDRR_SCALAR(addr, Addr), AMDRR_SCALAR(size, Size)}; }
  static auto result() { return std::tuple{}; }
};

// --------------------------------------------------------------- queues

template <>
struct Fields<schema::CreateQueue> {
  using S = schema::CreateQueue;
  static auto args() {
    return std::tuple{AMDRR_SCALAR(ring_base_address, RingBaseAddress),
                      AMDRR_SCALAR(write_pointer_address, WritePointerAddress),
                      AMDRR_SCALAR(read_pointer_address, ReadPointerAddress),
                      AMDRR_SCALAR(ring_size, RingSize),
                      AMDRR_SCALAR(gpu_id, GpuId),
                      AMDRR_OPEN_ENUM(queue_type, QueueType, QueueType),
                      AMDRR_SCALAR(queue_percentage, QueuePercentage),
                      AMDRR_SCALAR(queue_priority, QueuePriority),
                      AMDRR_SCALAR(eop_buffer_address, EopBufferAddress),
                      AMDRR_SCALAR(eop_buffer_size, EopBufferSize),
                      AMDRR_SCALAR(ctx_save_restore_address, CtxSaveRestoreAddress),
                      AMDRR_SCALAR(ctx_save_restore_size, CtxSaveRestoreSize),
                      AMDRR_SCALAR(ctl_stack_size, CtlStackSize),
                      AMDRR_SCALAR(sdma_engine_id, SdmaEngineId)};
  }
  static auto result() {
    return std::tuple{AMDRR_SCALAR(queue_id, QueueId),
                      AMDRR_SCALAR(doorbell_offset, DoorbellOffset)};
  }
};

template <>
struct Fields<schema::DestroyQueue> {
  using S = schema::DestroyQueue;
  static auto args() { return std::tuple{AMDRR_SCALAR(queue_id, QueueId)}; }
  static auto result() { return std::tuple{}; }
};

template <>
struct Fields<schema::UpdateQueue> {
  using S = schema::UpdateQueue;
  static auto args() {
    return std::tuple{AMDRR_SCALAR(ring_base_address, RingBaseAddress),
                      AMDRR_SCALAR(queue_id, QueueId), AMDRR_SCALAR(ring_size, RingSize),
                      AMDRR_SCALAR(queue_percentage, QueuePercentage),
                      AMDRR_SCALAR(queue_priority, QueuePriority)};
  }
  static auto result() { return std::tuple{}; }
};

template <>
struct Fields<schema::WriteDoorbell> {
  using S = schema::WriteDoorbell;
  static auto args() {
    return std::tuple{AMDRR_SCALAR(queue_id, QueueId), AMDRR_SCALAR(value, Value)};
  }
  static auto result() { return std::tuple{}; }
};

// --------------------------------------------------------------- events

template <>
struct Fields<schema::CreateEvent> {
  using S = schema::CreateEvent;
  static auto args() {
    return std::tuple{AMDRR_SCALAR(event_page_offset, EventPageOffset),
                      AMDRR_OPEN_ENUM(event_type, EventType, EventType),
                      AMDRR_SCALAR(auto_reset, AutoReset), AMDRR_SCALAR(node_id, NodeId)};
  }
  static auto result() {
    return std::tuple{AMDRR_SCALAR(event_page_offset, EventPageOffsetOut),
                      AMDRR_SCALAR(event_trigger_data, EventTriggerData),
                      AMDRR_SCALAR(event_id, EventId),
                      AMDRR_SCALAR(event_slot_index, EventSlotIndex)};
  }
};

template <>
struct Fields<schema::EventRef> {
  using S = schema::EventRef;
  static auto args() { return std::tuple{AMDRR_SCALAR(event_id, EventId)}; }
  static auto result() { return std::tuple{}; }
};

template <>
struct Fields<schema::MemoryExceptionData> {
  using S = schema::MemoryExceptionData;
  static auto all() {
    return std::tuple{AMDRR_SCALAR(not_present, NotPresent),
                      AMDRR_SCALAR(read_only, ReadOnly),
                      AMDRR_SCALAR(no_execute, NoExecute),
                      AMDRR_SCALAR(imprecise, Imprecise),
                      AMDRR_SCALAR(va, Va),
                      AMDRR_SCALAR(gpu_id, GpuId),
                      AMDRR_SCALAR(error_type, ErrorType)};
  }
};

template <>
struct Fields<schema::HwExceptionData> {
  using S = schema::HwExceptionData;
  static auto all() {
    return std::tuple{AMDRR_SCALAR(reset_type, ResetType), AMDRR_SCALAR(reset_cause, ResetCause),
                      AMDRR_SCALAR(memory_lost, MemoryLost), AMDRR_SCALAR(gpu_id, GpuId)};
  }
};

template <>
struct Fields<schema::EventData> {
  using S = schema::EventData;
  static auto all() {
    return std::tuple{AMDRR_SCALAR(event_id, EventId),
                      AMDRR_NESTED(memory_exception_data, MemoryExceptionData, MemoryExceptionData),
                      AMDRR_NESTED(hw_exception_data, HwExceptionData, HwExceptionData),
                      AMDRR_SCALAR(last_event_age, LastEventAge),
                      AMDRR_SCALAR(kfd_event_data_ext, KfdEventDataExt)};
  }
};

template <>
struct Fields<schema::WaitEvents> {
  using S = schema::WaitEvents;
  static auto args() {
    return std::tuple{AMDRR_LIST(AMDRR_MEMBER(events), Events, Fields<schema::EventData>::all(),
                                 kMaxKmdWaitEvents),
                      AMDRR_SCALAR(wait_for_all, WaitForAll), AMDRR_SCALAR(timeout, Timeout)};
  }
  static auto result() {
    return std::tuple{AMDRR_CLOSED_ENUM(wait_result, WaitResult),
                      AMDRR_LIST(AMDRR_MEMBER(events), EventsOut, Fields<schema::EventData>::all(),
                                 kMaxKmdWaitEvents)};
  }
};

#undef AMDRR_MEMBER
#undef AMDRR_SELF
#undef AMDRR_SCALAR
#undef AMDRR_SCALAR_SELF
#undef AMDRR_CLOSED_ENUM
#undef AMDRR_OPEN_ENUM
#undef AMDRR_LIST
#undef AMDRR_NESTED

// --------------------------------------------------------------- the calls

/// Rules across arguments and results; most calls have none.
template <typename Args, typename Result>
bool consistent(const Args&, const Result&, std::string*) {
  return true;
}
bool consistent(const WaitEventsCallArgs& args, const WaitEventsResult& result,
                std::string* error) {
  if (result.events.size() == args.events.size()) return true;
  *error = "eventsOut has " + std::to_string(result.events.size()) + " items, events " +
           std::to_string(args.events.size());
  return false;
}

// op, union arm (init<Arm> / get<Arm>), schema struct, which() value.
#define AMDRR_KMD_OPS(X)                                                                   \
  X(kGetVersion, GetVersion, GetVersion, GET_VERSION)                                      \
  X(kGetProcessApertures, GetProcessApertures, GetProcessApertures, GET_PROCESS_APERTURES) \
  X(kAcquireVm, AcquireVm, AcquireVm, ACQUIRE_VM)                                          \
  X(kRuntimeEnable, RuntimeEnable, RuntimeEnable, RUNTIME_ENABLE)                          \
  X(kSetXnackMode, SetXnackMode, SetXnackMode, SET_XNACK_MODE)                             \
  X(kGetClockCounters, GetClockCounters, GetClockCounters, GET_CLOCK_COUNTERS)             \
  X(kAvailableMemory, AvailableMemory, AvailableMemory, AVAILABLE_MEMORY)                  \
  X(kAllocMemoryOfGpu, AllocMemoryOfGpu, AllocMemoryOfGpu, ALLOC_MEMORY_OF_GPU)            \
  X(kFreeMemoryOfGpu, FreeMemoryOfGpu, FreeMemoryOfGpu, FREE_MEMORY_OF_GPU)                \
  X(kMapMemoryToGpu, MapMemoryToGpu, MapMemory, MAP_MEMORY_TO_GPU)                         \
  X(kUnmapMemoryFromGpu, UnmapMemoryFromGpu, MapMemory, UNMAP_MEMORY_FROM_GPU)             \
  X(kMmap, Mmap, Mmap, MMAP)                                                               \
  X(kMunmap, Munmap, Munmap, MUNMAP)                                                       \
  X(kCreateQueue, CreateQueue, CreateQueue, CREATE_QUEUE)                                  \
  X(kDestroyQueue, DestroyQueue, DestroyQueue, DESTROY_QUEUE)                              \
  X(kUpdateQueue, UpdateQueue, UpdateQueue, UPDATE_QUEUE)                                  \
  X(kWriteDoorbell, WriteDoorbell, WriteDoorbell, WRITE_DOORBELL)                          \
  X(kCreateEvent, CreateEvent, CreateEvent, CREATE_EVENT)                                  \
  X(kDestroyEvent, DestroyEvent, EventRef, DESTROY_EVENT)                                  \
  X(kSetEvent, SetEvent, EventRef, SET_EVENT)                                              \
  X(kResetEvent, ResetEvent, EventRef, RESET_EVENT)                                        \
  X(kWaitEvents, WaitEvents, WaitEvents, WAIT_EVENTS)

#define AMDRR_COUNT(...) +1
static_assert(0 AMDRR_KMD_OPS(AMDRR_COUNT) == kKmdOps,
              "every KmdOp needs its line in AMDRR_KMD_OPS");

template <KmdOp>
struct Arm;
#define AMDRR_ARM(op, Member, Struct, WHICH)                                        \
  template <>                                                                       \
  struct Arm<KmdOp::op> {                                                           \
    using S = schema::Struct;                                                       \
    static constexpr auto kWhich = schema::KmdCall::WHICH;                          \
    static S::Builder init(schema::KmdCall::Builder c) { return c.init##Member(); } \
    static S::Reader get(schema::KmdCall::Reader c) { return c.get##Member(); }     \
  };
AMDRR_KMD_OPS(AMDRR_ARM)

void write_envelope(schema::KmdCall::Builder out, uint64_t seq, schema::KmdCall::Phase phase,
                    int32_t errnum) {
  out.setSeq(seq);
  out.setPhase(phase);
  out.setErrnum(errnum);
}

template <KmdOp Op>
bool read_call(schema::KmdCall::Reader in, KmdCallRecord* out, std::string* error) {
  using Table = Fields<typename Arm<Op>::S>;
  auto arm = Arm<Op>::get(in);
  KmdCallOf<Op> call;
  if (!kmd_fields::read_fields(Table::args(), arm, call.args, error)) return false;
  if (out->phase == KmdPhase::kReturned) {
    KmdResult<Op> result{};
    if (!kmd_fields::read_fields(Table::result(), arm, result, error) ||
        !consistent(call.args, result, error)) {
      return false;
    }
    call.result = std::move(result);
  }
  out->call = std::move(call);
  return true;
}

/// Largest errno Linux uses (MAX_ERRNO).
constexpr int32_t kMaxErrno = 4095;

}  // namespace

template <KmdOp Op>
void write_kmd_issued(schema::KmdCall::Builder out, uint64_t seq, const KmdWriteArgs<Op>& args) {
  write_envelope(out, seq, schema::KmdCall::Phase::ISSUED, 0);
  kmd_fields::write_fields(Fields<typename Arm<Op>::S>::args(), Arm<Op>::init(out), args);
}

template <KmdOp Op>
void write_kmd_returned(schema::KmdCall::Builder out, uint64_t seq, const KmdWriteArgs<Op>& args,
                        const KmdResult<Op>& result, int32_t errnum) {
  using Table = Fields<typename Arm<Op>::S>;
  write_envelope(out, seq, schema::KmdCall::Phase::RETURNED, errnum);
  auto arm = Arm<Op>::init(out);
  kmd_fields::write_fields(Table::args(), arm, args);
  kmd_fields::write_fields(Table::result(), arm, result);
}

#define AMDRR_INSTANTIATE(op, ...)                                                \
  template void write_kmd_issued<KmdOp::op>(schema::KmdCall::Builder, uint64_t,   \
                                            const KmdWriteArgs<KmdOp::op>&);      \
  template void write_kmd_returned<KmdOp::op>(schema::KmdCall::Builder, uint64_t, \
                                              const KmdWriteArgs<KmdOp::op>&,     \
                                              const KmdResult<KmdOp::op>&, int32_t);
AMDRR_KMD_OPS(AMDRR_INSTANTIATE)

const char* kmd_op_name(KmdOp op) {
  schema::KmdCall::Which which = schema::KmdCall::UNKNOWN;
  switch (op) {
#define AMDRR_WHICH(op, ...)        \
  case KmdOp::op:                   \
    which = Arm<KmdOp::op>::kWhich; \
    break;
    AMDRR_KMD_OPS(AMDRR_WHICH)
  }
  KJ_IF_MAYBE (field, capnp::Schema::from<schema::KmdCall>().getFieldByDiscriminant(which)) {
    return field->getProto().getName().cStr();
  }
  return "unknown";
}

std::optional<KmdCallRecord> read_kmd_call(schema::KmdCall::Reader in, std::string* error) {
  KmdCallRecord record;
  record.seq = in.getSeq();
  std::string why;
  auto fail = [&](const std::string& message) -> std::optional<KmdCallRecord> {
    *error = "kmdCall seq " + std::to_string(record.seq) + ": " + message;
    return std::nullopt;
  };
  auto phase = in.getPhase();
  if (phase != schema::KmdCall::Phase::ISSUED && phase != schema::KmdCall::Phase::RETURNED) {
    return fail("phase " + std::to_string(static_cast<uint16_t>(phase)) + " is not a known value");
  }
  record.phase = phase == schema::KmdCall::Phase::ISSUED ? KmdPhase::kIssued : KmdPhase::kReturned;
  record.errnum = in.getErrnum();
  if (record.errnum < 0 || record.errnum > kMaxErrno) {
    return fail("errnum " + std::to_string(record.errnum) + " is not an errno");
  }

  bool ok = false;
  const char* name = nullptr;  // the call's name, once known
  // The trace reader has traversed the message already; this guards readers
  // handed a message from elsewhere.
  kj::Maybe<kj::Exception> exception = kj::runCatchingExceptions([&] {
    switch (in.which()) {
#define AMDRR_READ(op, ...)                       \
  case Arm<KmdOp::op>::kWhich:                    \
    name = kmd_op_name(KmdOp::op);                \
    ok = read_call<KmdOp::op>(in, &record, &why); \
    return;
      AMDRR_KMD_OPS(AMDRR_READ)
      case schema::KmdCall::UNKNOWN:
        why = "the writer could not name the call (unknown)";
        return;
    }
    why = "call " + std::to_string(static_cast<uint16_t>(in.which())) +
          " is unknown to this reader (a newer trace?)";
  });
  std::string prefix = name ? std::string(name) + ": " : "";
  KJ_IF_MAYBE (e, exception) {
    return fail(prefix + "malformed record: " + e->getDescription().cStr());
  }
  if (!ok) return fail(prefix + why);
  return record;
}

}  // namespace amdrr::format

#pragma once
// Kmd calls in the trace: typed arguments and results (lib/kmd) <-> the
// KmdCall record (format/kmd.capnp). Capture writes each call twice:
//
//   writer.write([&](schema::Record::Builder r) {
//     write_kmd_issued<KmdOp::kCreateQueue>(r.initKmdCall(), seq, args);
//   });
//   ... forward the call ...
//   writer.write([&](schema::Record::Builder r) {
//     write_kmd_returned<KmdOp::kCreateQueue>(r.initKmdCall(), seq, args, result, errnum);
//   });
//
// and replay reads them back with read_kmd_call(), which validates the
// record (traces come from strangers) and never aborts on its contents.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "format/kmd.capnp.h"
#include "lib/kmd/kmd_types.h"

namespace amdrr::format {

/// One per Kmd call, in the order of lib/kmd/kmd.h.
enum class KmdOp : uint8_t {
  // process
  kGetVersion,
  kGetProcessApertures,
  kAcquireVm,
  kRuntimeEnable,
  kSetXnackMode,
  kGetClockCounters,
  kAvailableMemory,
  // memory
  kAllocMemoryOfGpu,
  kFreeMemoryOfGpu,
  kMapMemoryToGpu,
  kUnmapMemoryFromGpu,
  kMmap,
  kMunmap,
  // queues
  kCreateQueue,
  kDestroyQueue,
  kUpdateQueue,
  kWriteDoorbell,
  // events
  kCreateEvent,
  kDestroyEvent,
  kSetEvent,
  kResetEvent,
  kWaitEvents,
};
inline constexpr size_t kKmdOps = static_cast<size_t>(KmdOp::kWaitEvents) + 1;

/// The schema name of a call ("allocMemoryOfGpu", ...).
const char* kmd_op_name(KmdOp op);

// Arguments of calls whose Kmd signature takes plain values, as structs so
// replay reads `call.args.queue_id`, not a bare number.
struct NoArgs {};
struct NoResult {};  // calls returning Result<void>
struct GpuIdArgs {
  uint32_t gpu_id = 0;
};
struct HandleArgs {
  uint64_t handle = 0;
};
struct QueueIdArgs {
  uint32_t queue_id = 0;
};
struct EventIdArgs {
  uint32_t event_id = 0;
};
struct SetXnackModeArgs {
  int32_t xnack_enabled = 0;  // < 0 queries, 0 disables, > 0 enables
};
struct WriteDoorbellArgs {
  uint32_t queue_id = 0;
  uint64_t value = 0;
};

/// kmd::MapMemoryArgs owning its device ids, as read back. n_success is the
/// value passed in; the one returned is the call's result.
struct MapMemoryCallArgs {
  uint64_t handle = 0;
  std::vector<uint32_t> device_ids;
  uint32_t n_success = 0;
  kmd::MapMemoryArgs view() const { return {handle, device_ids, n_success}; }
};
struct MapMemoryResult {
  uint32_t n_success = 0;  // also set when the call failed
};

/// kmd::WaitEventsArgs owning its events, as read back: the array as passed
/// in. The array as the kernel filled it is the call's result.
struct WaitEventsCallArgs {
  std::vector<kmd::EventData> events;
  uint32_t wait_for_all = 0;
  uint32_t timeout = kmd::kEventTimeoutImmediate;
  /// For re-issuing: the kernel writes into `events`.
  kmd::WaitEventsArgs view() { return {events, wait_for_all, timeout}; }
};
struct WaitEventsResult {
  kmd::WaitResult wait_result = kmd::WaitResult::kComplete;
  std::vector<kmd::EventData> events;  // same length as the arguments'
};

/// Per call: `Args` as read back, `WriteArgs` as capture has them (the Kmd
/// call's own argument type), and `Result`, the Kmd call's value type.
template <typename A, typename R, typename W = A>
struct KmdOpTypesOf {
  using Args = A;
  using Result = R;
  using WriteArgs = W;
};
template <KmdOp>
struct KmdOpTypes;
// clang-format off
template <> struct KmdOpTypes<KmdOp::kGetVersion> : KmdOpTypesOf<NoArgs, kmd::GetVersionResult> {};
template <> struct KmdOpTypes<KmdOp::kGetProcessApertures> : KmdOpTypesOf<NoArgs, std::vector<kmd::ProcessDeviceApertures>> {};
template <> struct KmdOpTypes<KmdOp::kAcquireVm> : KmdOpTypesOf<kmd::AcquireVmArgs, NoResult> {};
template <> struct KmdOpTypes<KmdOp::kRuntimeEnable> : KmdOpTypesOf<kmd::RuntimeEnableArgs, uint32_t> {};
template <> struct KmdOpTypes<KmdOp::kSetXnackMode> : KmdOpTypesOf<SetXnackModeArgs, int32_t> {};
template <> struct KmdOpTypes<KmdOp::kGetClockCounters> : KmdOpTypesOf<GpuIdArgs, kmd::ClockCounters> {};
template <> struct KmdOpTypes<KmdOp::kAvailableMemory> : KmdOpTypesOf<GpuIdArgs, uint64_t> {};
template <> struct KmdOpTypes<KmdOp::kAllocMemoryOfGpu> : KmdOpTypesOf<kmd::AllocMemoryArgs, kmd::AllocMemoryResult> {};
template <> struct KmdOpTypes<KmdOp::kFreeMemoryOfGpu> : KmdOpTypesOf<HandleArgs, NoResult> {};
template <> struct KmdOpTypes<KmdOp::kMapMemoryToGpu> : KmdOpTypesOf<MapMemoryCallArgs, MapMemoryResult, kmd::MapMemoryArgs> {};
template <> struct KmdOpTypes<KmdOp::kUnmapMemoryFromGpu> : KmdOpTypesOf<MapMemoryCallArgs, MapMemoryResult, kmd::MapMemoryArgs> {};
template <> struct KmdOpTypes<KmdOp::kMmap> : KmdOpTypesOf<kmd::MmapArgs, kmd::CpuMapping> {};
template <> struct KmdOpTypes<KmdOp::kMunmap> : KmdOpTypesOf<kmd::CpuMapping, NoResult> {};
template <> struct KmdOpTypes<KmdOp::kCreateQueue> : KmdOpTypesOf<kmd::CreateQueueArgs, kmd::CreateQueueResult> {};
template <> struct KmdOpTypes<KmdOp::kDestroyQueue> : KmdOpTypesOf<QueueIdArgs, NoResult> {};
template <> struct KmdOpTypes<KmdOp::kUpdateQueue> : KmdOpTypesOf<kmd::UpdateQueueArgs, NoResult> {};
template <> struct KmdOpTypes<KmdOp::kWriteDoorbell> : KmdOpTypesOf<WriteDoorbellArgs, NoResult> {};
template <> struct KmdOpTypes<KmdOp::kCreateEvent> : KmdOpTypesOf<kmd::CreateEventArgs, kmd::CreateEventResult> {};
template <> struct KmdOpTypes<KmdOp::kDestroyEvent> : KmdOpTypesOf<EventIdArgs, NoResult> {};
template <> struct KmdOpTypes<KmdOp::kSetEvent> : KmdOpTypesOf<EventIdArgs, NoResult> {};
template <> struct KmdOpTypes<KmdOp::kResetEvent> : KmdOpTypesOf<EventIdArgs, NoResult> {};
template <> struct KmdOpTypes<KmdOp::kWaitEvents> : KmdOpTypesOf<WaitEventsCallArgs, WaitEventsResult, kmd::WaitEventsArgs> {};
// clang-format on

template <KmdOp Op>
using KmdArgs = typename KmdOpTypes<Op>::Args;
template <KmdOp Op>
using KmdResult = typename KmdOpTypes<Op>::Result;
template <KmdOp Op>
using KmdWriteArgs = typename KmdOpTypes<Op>::WriteArgs;

/// One call as read back. `result` is present in returned records only; a
/// failed call keeps what the kernel still reported (n_success, wait data).
template <KmdOp Op>
struct KmdCallOf {
  static constexpr KmdOp kOp = Op;
  KmdArgs<Op> args;
  std::optional<KmdResult<Op>> result;
};

namespace detail {
template <size_t... I>
std::variant<KmdCallOf<static_cast<KmdOp>(I)>...> kmd_call_variant(std::index_sequence<I...>);
}  // namespace detail
/// Alternative i is KmdCallOf<KmdOp(i)>, so index() == the KmdOp.
using KmdCallVariant = decltype(detail::kmd_call_variant(std::make_index_sequence<kKmdOps>{}));

enum class KmdPhase : uint8_t { kIssued, kReturned };

struct KmdCallRecord {
  uint64_t seq = 0;  // pairs the issued and returned records of one call
  KmdPhase phase = KmdPhase::kIssued;
  int32_t errnum = 0;  // returned records: 0 or the kernel's errno
  KmdCallVariant call;

  KmdOp op() const { return static_cast<KmdOp>(call.index()); }
};

/// Fills `out` (from Record::initKmdCall()) with a call about to be issued.
template <KmdOp Op>
void write_kmd_issued(schema::KmdCall::Builder out, uint64_t seq, const KmdWriteArgs<Op>& args);

/// Fills `out` with a call that returned. `args` are the arguments as they
/// were passed in: for in/out calls (map/unmap n_success, wait_events'
/// array) capture keeps a copy from before the call. `result` is written even
/// when errnum != 0 (default-construct it when the call gave nothing).
template <KmdOp Op>
void write_kmd_returned(schema::KmdCall::Builder out, uint64_t seq, const KmdWriteArgs<Op>& args,
                        const KmdResult<Op>& result, int32_t errnum);

/// Reads one KmdCall record. nullopt with a message in `error` if it is not
/// a call this reader knows (unknown / newer variant) or its contents are
/// invalid (out-of-range enum or errno, list over its limit, ...).
std::optional<KmdCallRecord> read_kmd_call(schema::KmdCall::Reader in, std::string* error);

/// Limits on lists read back; the kernel's own limits are far lower.
inline constexpr size_t kMaxKmdDevices = 1024;         // map/unmap device ids, apertures
inline constexpr size_t kMaxKmdWaitEvents = 1u << 16;  // events of one wait

}  // namespace amdrr::format

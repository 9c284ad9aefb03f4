// Every Kmd call: typed arguments and results written into a real trace,
// read back equal, with every schema field written; issued-only calls read
// back without results; hostile KmdCall records are rejected with a message.
#include "format/kmd_records.h"

#include <capnp/dynamic.h>
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "format/trace_reader.h"
#include "format/trace_writer.h"
#include "tests/support/temp_dir.h"

namespace amdrr {
namespace {

using format::KmdOp;
using format::KmdPhase;
using testing::TempDir;

// ------------------------------------------------ comparison, by hand
// Written independently of kmd_records.cc's tables, so a field missing there
// shows up here.

auto fields(const format::NoArgs&) {
  return std::tuple{};
}
auto fields(const format::NoResult&) {
  return std::tuple{};
}
auto fields(const kmd::GetVersionResult& v) {
  return std::tie(v.major_version, v.minor_version);
}
auto fields(const kmd::ProcessDeviceApertures& v) {
  return std::tie(v.lds_base, v.lds_limit, v.scratch_base, v.scratch_limit, v.gpuvm_base,
                  v.gpuvm_limit, v.gpu_id);
}
auto fields(const kmd::AcquireVmArgs& v) {
  return std::tie(v.drm_fd, v.gpu_id);
}
auto fields(const kmd::RuntimeEnableArgs& v) {
  return std::tie(v.r_debug, v.mode_mask);
}
auto fields(const format::SetXnackModeArgs& v) {
  return std::tie(v.xnack_enabled);
}
auto fields(const format::GpuIdArgs& v) {
  return std::tie(v.gpu_id);
}
auto fields(const kmd::ClockCounters& v) {
  return std::tie(v.gpu_clock_counter, v.cpu_clock_counter, v.system_clock_counter,
                  v.system_clock_freq);
}
auto fields(const kmd::AllocMemoryArgs& v) {
  return std::tie(v.va_addr, v.size, v.mmap_offset, v.gpu_id, v.flags);
}
auto fields(const kmd::AllocMemoryResult& v) {
  return std::tie(v.handle, v.mmap_offset);
}
auto fields(const format::HandleArgs& v) {
  return std::tie(v.handle);
}
auto fields(const kmd::MapMemoryArgs& v) {
  return std::tie(v.handle, v.device_ids, v.n_success);
}
auto fields(const format::MapMemoryCallArgs& v) {
  return std::tie(v.handle, v.device_ids, v.n_success);
}
auto fields(const format::MapMemoryResult& v) {
  return std::tie(v.n_success);
}
auto fields(const kmd::MmapArgs& v) {
  return std::tie(v.device, v.gpu_id, v.mmap_offset, v.size, v.addr, v.prot);
}
auto fields(const kmd::CpuMapping& v) {
  return std::tie(v.addr, v.size);
}
auto fields(const kmd::CreateQueueArgs& v) {
  return std::tie(v.ring_base_address, v.write_pointer_address, v.read_pointer_address, v.ring_size,
                  v.gpu_id, v.queue_type, v.queue_percentage, v.queue_priority,
                  v.eop_buffer_address, v.eop_buffer_size, v.ctx_save_restore_address,
                  v.ctx_save_restore_size, v.ctl_stack_size, v.sdma_engine_id);
}
auto fields(const kmd::CreateQueueResult& v) {
  return std::tie(v.queue_id, v.doorbell_offset);
}
auto fields(const format::QueueIdArgs& v) {
  return std::tie(v.queue_id);
}
auto fields(const kmd::UpdateQueueArgs& v) {
  return std::tie(v.ring_base_address, v.queue_id, v.ring_size, v.queue_percentage,
                  v.queue_priority);
}
auto fields(const format::WriteDoorbellArgs& v) {
  return std::tie(v.queue_id, v.value);
}
auto fields(const kmd::CreateEventArgs& v) {
  return std::tie(v.event_page_offset, v.event_type, v.auto_reset, v.node_id);
}
auto fields(const kmd::CreateEventResult& v) {
  return std::tie(v.event_page_offset, v.event_trigger_data, v.event_id, v.event_slot_index);
}
auto fields(const format::EventIdArgs& v) {
  return std::tie(v.event_id);
}
auto fields(const kmd::EventData& v) {
  return std::tie(v.event_id, v.memory_exception_data, v.hw_exception_data, v.last_event_age,
                  v.kfd_event_data_ext);
}
auto fields(const kmd::WaitEventsArgs& v) {
  return std::tie(v.events, v.wait_for_all, v.timeout);
}
auto fields(const format::WaitEventsCallArgs& v) {
  return std::tie(v.events, v.wait_for_all, v.timeout);
}
auto fields(const format::WaitEventsResult& v) {
  return std::tie(v.wait_result, v.events);
}

template <typename T>
concept Range = requires(const T& v) {
  v.begin();
  v.end();
};

/// A comparable value: numbers as they are, ranges as vectors, structs
/// (MemoryExceptionData has its own ==) as tuples of their fields.
template <typename T>
auto key(const T& v) {
  if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T> ||
                std::is_same_v<T, kmd::MemoryExceptionData> ||
                std::is_same_v<T, kmd::HwExceptionData>) {
    return v;
  } else if constexpr (Range<T>) {
    std::vector<decltype(key(*v.begin()))> out;
    for (const auto& item : v) out.push_back(key(item));
    return out;
  } else {
    return std::apply([](const auto&... f) { return std::tuple{key(f)...}; }, fields(v));
  }
}

// ------------------------------------------------ one sample per call
// Every field non-zero and distinct, so a field dropped or swapped shows.

const uint32_t kDeviceIds[] = {0x1111, 0x2222, 0x3333};

kmd::EventData event_data(uint32_t n) {
  kmd::EventData e;
  e.event_id = n;
  e.memory_exception_data = {n + 1, n + 2, n + 3, n + 4, 0x7f0000000000ull + n, n + 5, n + 6};
  e.hw_exception_data = {n + 7, n + 8, n + 9, n + 10};
  e.last_event_age = 1000 + n;
  e.kfd_event_data_ext = 2000 + n;
  return e;
}
std::array<kmd::EventData, 2> wait_in = {event_data(3), event_data(9)};

template <KmdOp Op>
struct Sample {
  format::KmdWriteArgs<Op> args;
  format::KmdResult<Op> result;
};

template <KmdOp Op>
Sample<Op> sample();

// clang-format off
template <> Sample<KmdOp::kGetVersion> sample() { return {{}, {1, 17}}; }
template <> Sample<KmdOp::kGetProcessApertures> sample() {
  return {{}, {{1, 2, 3, 4, 5, 6, 0x1234}, {11, 12, 13, 14, 15, 16, 0x5678}}};
}
template <> Sample<KmdOp::kAcquireVm> sample() { return {{7, 0x1234}, {}}; }
template <> Sample<KmdOp::kRuntimeEnable> sample() { return {{0x7fff0000, 3}, 0x55}; }
template <> Sample<KmdOp::kSetXnackMode> sample() { return {{-1}, 1}; }
template <> Sample<KmdOp::kGetClockCounters> sample() { return {{0x1234}, {10, 20, 30, 1000000000}}; }
template <> Sample<KmdOp::kAvailableMemory> sample() { return {{0x1234}, 64ull << 30}; }
template <> Sample<KmdOp::kAllocMemoryOfGpu> sample() {
  return {{0x7f0000000000, 0x200000, 0x5000, 0x1234, kmd::alloc_flags::kVram | kmd::alloc_flags::kWritable},
          {kmd::make_handle(0x1234, 5), 0x100000}};
}
template <> Sample<KmdOp::kFreeMemoryOfGpu> sample() { return {{kmd::make_handle(0x1234, 5)}, {}}; }
template <> Sample<KmdOp::kMapMemoryToGpu> sample() { return {{0x99, kDeviceIds, 1}, {3}}; }
template <> Sample<KmdOp::kUnmapMemoryFromGpu> sample() { return {{0x98, kDeviceIds, 2}, {1}}; }
template <> Sample<KmdOp::kMmap> sample() {
  return {{kmd::MmapDevice::kKfd, 0x1234, kmd::mmap_offset::kTypeDoorbell, 0x2000, 0x7f1000000000, 3},
          {0x7f2000000000, 0x3000}};
}
template <> Sample<KmdOp::kMunmap> sample() { return {{0x7f1000000000, 0x2000}, {}}; }
template <> Sample<KmdOp::kCreateQueue> sample() {
  return {{0x1000, 0x2000, 0x3000, 0x4000, 0x1234, kmd::QueueType::kComputeAql, 0x164, 9, 0x5000,
           0x6000, 0x7000, 0x8000, 0x9000, 2},
          {4, kmd::mmap_offset::kTypeDoorbell | 0x18}};
}
template <> Sample<KmdOp::kDestroyQueue> sample() { return {{4}, {}}; }
template <> Sample<KmdOp::kUpdateQueue> sample() { return {{0x1000, 4, 0x800, 50, 3}, {}}; }
template <> Sample<KmdOp::kWriteDoorbell> sample() { return {{4, 0x41}, {}}; }
template <> Sample<KmdOp::kCreateEvent> sample() {
  return {{0x77, kmd::EventType::kMemory, 1, 2}, {kmd::mmap_offset::kTypeEvents | 1, 6, 7, 8}};
}
template <> Sample<KmdOp::kDestroyEvent> sample() { return {{7}, {}}; }
template <> Sample<KmdOp::kSetEvent> sample() { return {{8}, {}}; }
template <> Sample<KmdOp::kResetEvent> sample() { return {{9}, {}}; }
template <> Sample<KmdOp::kWaitEvents> sample() {
  return {{wait_in, 1, 500}, {kmd::WaitResult::kTimeout, {event_data(30), event_data(90)}}};
}
// clang-format on

// ------------------------------------------------ trace plumbing

/// Writes records with `fill`, then reads back the KmdCall records.
template <typename Fill>
std::vector<std::optional<format::KmdCallRecord>> through_trace(const Fill& fill,
                                                                std::vector<std::string>* errors) {
  TempDir dir;
  std::string path = dir.file("t.amdrr");
  std::string error;
  auto writer = format::TraceWriter::create(
      path, [](schema::Header::Builder) {}, &error);
  EXPECT_NE(writer, nullptr) << error;
  if (!writer) return {};
  fill(*writer);
  EXPECT_TRUE(writer->close()) << writer->error();
  auto reader = format::TraceReader::open(path, &error);
  EXPECT_NE(reader, nullptr) << error;
  if (!reader) return {};
  std::vector<std::optional<format::KmdCallRecord>> calls;
  while (auto view = reader->next()) {
    if (view->record.which() != schema::Record::KMD_CALL) continue;
    std::string why;
    calls.push_back(format::read_kmd_call(view->record.getKmdCall(), &why));
    errors->push_back(why);
  }
  EXPECT_EQ(reader->end(), format::TraceEnd::kClean) << reader->end_message();
  return calls;
}

/// Fails for every field of `s` (recursively) still at its default: a schema
/// field the converters never write.
void expect_every_field_written(capnp::DynamicStruct::Reader s, const std::string& path) {
  for (auto field : s.getSchema().getFields()) {
    std::string name = path + "." + field.getProto().getName().cStr();
    EXPECT_TRUE(s.has(field, capnp::HasMode::NON_DEFAULT)) << name << " is never written";
    auto value = s.get(field);
    if (value.getType() == capnp::DynamicValue::STRUCT) {
      expect_every_field_written(value.as<capnp::DynamicStruct>(), name);
    } else if (value.getType() == capnp::DynamicValue::LIST) {
      for (auto item : value.as<capnp::DynamicList>()) {
        if (item.getType() == capnp::DynamicValue::STRUCT) {
          expect_every_field_written(item.as<capnp::DynamicStruct>(), name + "[]");
        }
      }
    }
  }
}

/// Each call's returned record as capnp prints it (after seq, phase and
/// errnum): a field swapped with another of the same type shows here.
const char* const kGolden[format::kKmdOps] = {
    "getVersion = (major = 1, minor = 17)",
    "getProcessApertures = (apertures = [(ldsBase = 1, ldsLimit = 2, scratchBase = 3, "
    "scratchLimit = 4, gpuvmBase = 5, gpuvmLimit = 6, gpuId = 4660), (ldsBase = 11, "
    "ldsLimit = 12, scratchBase = 13, scratchLimit = 14, gpuvmBase = 15, gpuvmLimit = 16, "
    "gpuId = 22136)])",
    "acquireVm = (drmFd = 7, gpuId = 4660)",
    "runtimeEnable = (rDebug = 2147418112, modeMask = 3, capabilitiesMask = 85)",
    "setXnackMode = (xnackEnabled = -1, xnackEnabledOut = 1)",
    "getClockCounters = (gpuId = 4660, gpuClockCounter = 10, cpuClockCounter = 20, "
    "systemClockCounter = 30, systemClockFreq = 1000000000)",
    "availableMemory = (gpuId = 4660, available = 68719476736)",
    "allocMemoryOfGpu = (vaAddr = 139637976727552, size = 2097152, mmapOffset = 20480, "
    "gpuId = 4660, flags = 2147483649, handle = 20014547599365, mmapOffsetOut = 1048576)",
    "freeMemoryOfGpu = (handle = 20014547599365)",
    "mapMemoryToGpu = (handle = 153, deviceIds = [4369, 8738, 13107], nSuccess = 1, "
    "nSuccessOut = 3)",
    "unmapMemoryFromGpu = (handle = 152, deviceIds = [4369, 8738, 13107], nSuccess = 2, "
    "nSuccessOut = 1)",
    "mmap = (device = kfd, gpuId = 4660, mmapOffset = 13835058055282163712, size = 8192, "
    "addr = 139706696204288, prot = 3, addrOut = 139775415681024, sizeOut = 12288)",
    "munmap = (addr = 139706696204288, size = 8192)",
    "createQueue = (ringBaseAddress = 4096, writePointerAddress = 8192, "
    "readPointerAddress = 12288, ringSize = 16384, gpuId = 4660, queueType = computeAql, "
    "queueTypeRaw = 2, queuePercentage = 356, queuePriority = 9, eopBufferAddress = 20480, "
    "eopBufferSize = 24576, ctxSaveRestoreAddress = 28672, ctxSaveRestoreSize = 32768, "
    "ctlStackSize = 36864, sdmaEngineId = 2, queueId = 4, "
    "doorbellOffset = 13835058055282163736)",
    "destroyQueue = (queueId = 4)",
    "updateQueue = (ringBaseAddress = 4096, queueId = 4, ringSize = 2048, "
    "queuePercentage = 50, queuePriority = 3)",
    "writeDoorbell = (queueId = 4, value = 65)",
    "createEvent = (eventPageOffset = 119, eventType = memory, eventTypeRaw = 8, "
    "autoReset = 1, nodeId = 2, eventPageOffsetOut = 9223372036854775809, "
    "eventTriggerData = 6, eventId = 7, eventSlotIndex = 8)",
    "destroyEvent = (eventId = 7)",
    "setEvent = (eventId = 8)",
    "resetEvent = (eventId = 9)",
    "waitEvents = (events = [(eventId = 3, memoryExceptionData = (notPresent = 4, "
    "readOnly = 5, noExecute = 6, imprecise = 7, va = 139637976727555, gpuId = 8, "
    "errorType = 9), hwExceptionData = (resetType = 10, resetCause = 11, memoryLost = 12, "
    "gpuId = 13), lastEventAge = 1003, kfdEventDataExt = 2003), (eventId = 9, "
    "memoryExceptionData = (notPresent = 10, readOnly = 11, noExecute = 12, "
    "imprecise = 13, va = 139637976727561, gpuId = 14, errorType = 15), "
    "hwExceptionData = (resetType = 16, resetCause = 17, memoryLost = 18, gpuId = 19), "
    "lastEventAge = 1009, kfdEventDataExt = 2009)], waitForAll = 1, timeout = 500, "
    "waitResult = timeout, eventsOut = [(eventId = 30, "
    "memoryExceptionData = (notPresent = 31, readOnly = 32, noExecute = 33, "
    "imprecise = 34, va = 139637976727582, gpuId = 35, errorType = 36), "
    "hwExceptionData = (resetType = 37, resetCause = 38, memoryLost = 39, gpuId = 40), "
    "lastEventAge = 1030, kfdEventDataExt = 2030), (eventId = 90, "
    "memoryExceptionData = (notPresent = 91, readOnly = 92, noExecute = 93, "
    "imprecise = 94, va = 139637976727642, gpuId = 95, errorType = 96), "
    "hwExceptionData = (resetType = 97, resetCause = 98, memoryLost = 99, gpuId = 100), "
    "lastEventAge = 1090, kfdEventDataExt = 2090)])",
};

// ------------------------------------------------ every call, typed tests

template <typename T>
class KmdRecordRoundTrip : public ::testing::Test {};

template <size_t... I>
auto all_ops(std::index_sequence<I...>)
    -> ::testing::Types<std::integral_constant<KmdOp, static_cast<KmdOp>(I)>...>;
using AllOps = decltype(all_ops(std::make_index_sequence<format::kKmdOps>{}));

struct OpName {
  template <typename T>
  static std::string GetName(int) {
    return format::kmd_op_name(T::value);
  }
};
TYPED_TEST_SUITE(KmdRecordRoundTrip, AllOps, OpName);

TYPED_TEST(KmdRecordRoundTrip, IssuedThenReturnedReadBackEqual) {
  constexpr KmdOp kOp = TypeParam::value;
  const auto s = sample<kOp>();
  std::vector<std::string> errors;
  auto calls = through_trace(
      [&](format::TraceWriter& w) {
        w.write([&](schema::Record::Builder r) {
          format::write_kmd_issued<kOp>(r.initKmdCall(), 41, s.args);
        });
        w.write([&](schema::Record::Builder r) {
          format::write_kmd_returned<kOp>(r.initKmdCall(), 41, s.args, s.result, 0);
        });
        w.write([&](schema::Record::Builder r) {
          format::write_kmd_returned<kOp>(r.initKmdCall(), 42, s.args, s.result, EINVAL);
        });
      },
      &errors);
  ASSERT_EQ(calls.size(), 3u);
  for (size_t i = 0; i < calls.size(); i++) {
    ASSERT_TRUE(calls[i].has_value()) << errors[i];
    EXPECT_EQ(calls[i]->op(), kOp);
    auto* call = std::get_if<format::KmdCallOf<kOp>>(&calls[i]->call);
    ASSERT_NE(call, nullptr);
    EXPECT_TRUE(key(call->args) == key(s.args)) << "record " << i;
    if (i == 0) {
      EXPECT_EQ(calls[i]->phase, KmdPhase::kIssued);
      EXPECT_EQ(calls[i]->seq, 41u);
      EXPECT_FALSE(call->result.has_value());
    } else {
      EXPECT_EQ(calls[i]->phase, KmdPhase::kReturned);
      EXPECT_EQ(calls[i]->errnum, i == 1 ? 0 : EINVAL);
      ASSERT_TRUE(call->result.has_value());
      EXPECT_TRUE(key(*call->result) == key(s.result)) << "record " << i;
    }
  }
}

TYPED_TEST(KmdRecordRoundTrip, EverySchemaFieldIsWritten) {
  constexpr KmdOp kOp = TypeParam::value;
  const auto s = sample<kOp>();
  capnp::MallocMessageBuilder message;
  auto call = message.initRoot<schema::KmdCall>();
  format::write_kmd_returned<kOp>(call, 41, s.args, s.result, 0);
  auto dynamic = capnp::toDynamic(call.asReader());
  KJ_IF_MAYBE (arm, dynamic.which()) {
    auto value = dynamic.get(*arm);
    if (value.getType() == capnp::DynamicValue::STRUCT) {
      expect_every_field_written(value.as<capnp::DynamicStruct>(), format::kmd_op_name(kOp));
    }
  } else {
    FAIL() << "no union arm set";
  }
}

TYPED_TEST(KmdRecordRoundTrip, SchemaFieldsHoldTheirNamesakes) {
  constexpr KmdOp kOp = TypeParam::value;
  const auto s = sample<kOp>();
  capnp::MallocMessageBuilder message;
  auto call = message.initRoot<schema::KmdCall>();
  format::write_kmd_returned<kOp>(call, 41, s.args, s.result, 0);
  EXPECT_EQ(std::string(kj::str(call.asReader()).cStr()),
            std::string("(seq = 41, phase = returned, errnum = 0, ") +
                kGolden[static_cast<size_t>(kOp)] + ")");
}

// ------------------------------------------------ phases and crashes

TEST(KmdRecords, CallThatNeverReturnedReadsBackWithoutResults) {
  const auto s = sample<KmdOp::kCreateQueue>();
  std::vector<std::string> errors;
  auto calls = through_trace(
      [&](format::TraceWriter& w) {
        w.write([&](schema::Record::Builder r) {
          format::write_kmd_issued<KmdOp::kCreateQueue>(r.initKmdCall(), 7, s.args);
        });
        w.flush();  // then the process dies inside the call
      },
      &errors);
  ASSERT_EQ(calls.size(), 1u);
  ASSERT_TRUE(calls[0].has_value()) << errors[0];
  EXPECT_EQ(calls[0]->phase, KmdPhase::kIssued);
  EXPECT_EQ(calls[0]->seq, 7u);
  auto& call = std::get<format::KmdCallOf<KmdOp::kCreateQueue>>(calls[0]->call);
  EXPECT_FALSE(call.result.has_value());
  EXPECT_EQ(call.args.eop_buffer_size, 0x6000u);
  EXPECT_EQ(call.args.queue_type, kmd::QueueType::kComputeAql);
}

TEST(KmdRecords, OpNamesAreTheSchemaNames) {
  EXPECT_STREQ(format::kmd_op_name(KmdOp::kGetVersion), "getVersion");
  EXPECT_STREQ(format::kmd_op_name(KmdOp::kUnmapMemoryFromGpu), "unmapMemoryFromGpu");
  EXPECT_STREQ(format::kmd_op_name(KmdOp::kWaitEvents), "waitEvents");
}

TEST(KmdRecords, ViewsGiveKmdArgumentsForReissuing) {
  format::MapMemoryCallArgs map{0x99, {1, 2}, 1};
  auto view = map.view();
  EXPECT_EQ(view.device_ids.size(), 2u);
  EXPECT_EQ(view.device_ids.data(), map.device_ids.data());
  format::WaitEventsCallArgs wait{{event_data(1)}, 1, 10};
  auto wait_view = wait.view();
  wait_view.events[0].event_id = 5;  // the kernel writes through it
  EXPECT_EQ(wait.events[0].event_id, 5u);
}

// ------------------------------------------------ kernel values newer than the schema

TEST(KmdRecords, UnnamedKernelEnumValuesKeepTheirNumber) {
  capnp::MallocMessageBuilder message;
  auto call = message.initRoot<schema::KmdCall>();
  kmd::CreateEventArgs args{0, static_cast<kmd::EventType>(42), 0, 0};
  format::write_kmd_issued<KmdOp::kCreateEvent>(call, 1, args);
  EXPECT_EQ(call.getCreateEvent().getEventType(), schema::EventType::OTHER);
  EXPECT_EQ(call.getCreateEvent().getEventTypeRaw(), 42u);
  std::string error;
  auto read = format::read_kmd_call(call.asReader(), &error);
  ASSERT_TRUE(read.has_value()) << error;
  EXPECT_EQ(std::get<format::KmdCallOf<KmdOp::kCreateEvent>>(read->call).args.event_type,
            static_cast<kmd::EventType>(42));

  // A newer writer names value 42 with an enumerant after `other`.
  call.getCreateEvent().setEventType(static_cast<schema::EventType>(12));
  read = format::read_kmd_call(call.asReader(), &error);
  ASSERT_TRUE(read.has_value()) << error;
  EXPECT_EQ(std::get<format::KmdCallOf<KmdOp::kCreateEvent>>(read->call).args.event_type,
            static_cast<kmd::EventType>(42));
}

// ------------------------------------------------ hostile records

/// Builds a KmdCall with `fill`, reads it, expects an error naming `needle`.
template <typename Fill>
void expect_rejected(const Fill& fill, const std::string& needle) {
  capnp::MallocMessageBuilder message;
  auto call = message.initRoot<schema::KmdCall>();
  call.setSeq(5);
  call.setPhase(schema::KmdCall::Phase::RETURNED);
  fill(call);
  std::string error;
  auto read = format::read_kmd_call(call.asReader(), &error);
  EXPECT_FALSE(read.has_value());
  EXPECT_NE(error.find(needle), std::string::npos) << error;
  EXPECT_NE(error.find("seq 5"), std::string::npos) << error;
}

TEST(KmdRecordsHostile, EnumsOutOfRangeAreRejected) {
  expect_rejected(
      [](schema::KmdCall::Builder c) { c.setPhase(static_cast<schema::KmdCall::Phase>(9)); },
      "phase 9");
  expect_rejected(
      [](schema::KmdCall::Builder c) {
        c.initWaitEvents().setWaitResult(static_cast<schema::WaitEventsResult>(7));
      },
      "waitEvents: waitResult 7");
  expect_rejected(
      [](schema::KmdCall::Builder c) {
        c.initMmap().setDevice(static_cast<schema::MmapDevice>(300));
      },
      "mmap: device 300");
}

TEST(KmdRecordsHostile, EnumDisagreeingWithItsRawValueIsRejected) {
  expect_rejected(
      [](schema::KmdCall::Builder c) {
        auto q = c.initCreateQueue();
        q.setQueueType(schema::QueueType::SDMA);
        q.setQueueTypeRaw(2);
      },
      "createQueue: queueType 1 disagrees");
  expect_rejected(
      [](schema::KmdCall::Builder c) {
        auto q = c.initCreateQueue();
        q.setQueueType(schema::QueueType::OTHER);  // hides a named value
        q.setQueueTypeRaw(1);
      },
      "queueType 5 disagrees");
}

TEST(KmdRecordsHostile, ErrnoOutOfRangeIsRejected) {
  expect_rejected([](schema::KmdCall::Builder c) { c.setErrnum(-1); }, "errnum -1");
  expect_rejected([](schema::KmdCall::Builder c) { c.setErrnum(100000); }, "errnum 100000");
}

TEST(KmdRecordsHostile, ListsOverTheirLimitAreRejected) {
  expect_rejected(
      [](schema::KmdCall::Builder c) {
        c.initMapMemoryToGpu().initDeviceIds(format::kMaxKmdDevices + 1);
      },
      "mapMemoryToGpu: deviceIds has 1025 items");
  expect_rejected(
      [](schema::KmdCall::Builder c) {
        c.initGetProcessApertures().initApertures(format::kMaxKmdDevices + 1);
      },
      "apertures has");
  expect_rejected(
      [](schema::KmdCall::Builder c) {
        c.initWaitEvents().initEvents(format::kMaxKmdWaitEvents + 1);
      },
      "events has 65537 items");
}

TEST(KmdRecordsHostile, WaitResultsNotMatchingTheEventsAreRejected) {
  expect_rejected(
      [](schema::KmdCall::Builder c) {
        auto w = c.initWaitEvents();
        w.initEvents(2);
        w.initEventsOut(1);
      },
      "eventsOut has 1 items, events 2");
}

TEST(KmdRecordsHostile, UnknownCallIsRejected) {
  expect_rejected([](schema::KmdCall::Builder c) { c.setUnknown(); }, "could not name the call");
}

TEST(KmdRecordsHostile, PointerOutOfBoundsIsAnErrorNotACrash) {
  capnp::MallocMessageBuilder message;
  auto call = message.initRoot<schema::KmdCall>();
  call.setPhase(schema::KmdCall::Phase::ISSUED);
  auto map = call.initMapMemoryToGpu();
  auto ids = map.initDeviceIds(3);
  for (uint32_t i = 0; i < 3; i++) ids.set(i, i + 1);
  kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
  // The deviceIds list pointer: kind 1 (list), element size 4 (32-bit), 3 items.
  auto* raw = reinterpret_cast<uint64_t*>(words.begin());
  size_t patched = 0;
  for (size_t i = 0; i < words.size(); i++) {
    if ((raw[i] & 3) == 1 && ((raw[i] >> 32) & 7) == 4 && (raw[i] >> 35) == 3) {
      raw[i] = (raw[i] & ~0xFFFFFFFCull) | (0x1000000ull << 2);  // far past the segment
      patched++;
    }
  }
  ASSERT_EQ(patched, 1u);
  capnp::FlatArrayMessageReader reader(words);
  std::string error;
  auto read = format::read_kmd_call(reader.getRoot<schema::KmdCall>(), &error);
  EXPECT_FALSE(read.has_value());
  EXPECT_NE(error.find("mapMemoryToGpu: malformed record"), std::string::npos) << error;
}

TEST(KmdRecordsHostile, IssuedRecordIgnoresResultFields) {
  // Results in an issued record are not read, whatever they hold.
  capnp::MallocMessageBuilder message;
  auto call = message.initRoot<schema::KmdCall>();
  call.setPhase(schema::KmdCall::Phase::ISSUED);
  auto w = call.initWaitEvents();
  w.initEvents(2);
  w.setWaitResult(static_cast<schema::WaitEventsResult>(77));
  std::string error;
  auto read = format::read_kmd_call(call.asReader(), &error);
  ASSERT_TRUE(read.has_value()) << error;
  EXPECT_FALSE(std::get<format::KmdCallOf<KmdOp::kWaitEvents>>(read->call).result.has_value());
}

}  // namespace
}  // namespace amdrr

#include "lib/kmd/kfd_ioctl_event.h"

#include <cstring>

namespace amdrr::kmd::codec {
namespace {

MemoryExceptionData from_raw(const uapi::KfdMemoryExceptionData& r) {
  return {r.failure.NotPresent,
          r.failure.ReadOnly,
          r.failure.NoExecute,
          r.failure.imprecise,
          r.va,
          r.gpu_id,
          r.ErrorType};
}
uapi::KfdMemoryExceptionData to_raw(const MemoryExceptionData& d) {
  uapi::KfdMemoryExceptionData r{};
  r.failure.NotPresent = d.not_present;
  r.failure.ReadOnly = d.read_only;
  r.failure.NoExecute = d.no_execute;
  r.failure.imprecise = d.imprecise;
  r.va = d.va;
  r.gpu_id = d.gpu_id;
  r.ErrorType = d.error_type;
  return r;
}
HwExceptionData from_raw(const uapi::KfdHwExceptionData& r) {
  return {r.reset_type, r.reset_cause, r.memory_lost, r.gpu_id};
}
uapi::KfdHwExceptionData to_raw(const HwExceptionData& d) {
  uapi::KfdHwExceptionData r{};
  r.reset_type = d.reset_type;
  r.reset_cause = d.reset_cause;
  r.memory_lost = d.memory_lost;
  r.gpu_id = d.gpu_id;
  return r;
}

// The union's views, read through memcpy so no inactive member is read.
template <typename View>
View view_of(const uapi::KfdEventData& raw) {
  View v{};
  std::memcpy(&v, &raw, sizeof v);
  return v;
}

}  // namespace

uapi::KfdCreateEventArgs encode_create_event(const CreateEventArgs& args) {
  uapi::KfdCreateEventArgs raw{};
  raw.event_page_offset = args.event_page_offset;
  raw.event_type = static_cast<uint32_t>(args.event_type);
  raw.auto_reset = args.auto_reset;
  raw.node_id = args.node_id;
  return raw;
}

CreateEventResult decode_create_event(const uapi::KfdCreateEventArgs& raw) {
  return {raw.event_page_offset, raw.event_trigger_data, raw.event_id, raw.event_slot_index};
}

CreateEventArgs decode_create_event_args(const uapi::KfdCreateEventArgs& raw) {
  return {raw.event_page_offset, static_cast<EventType>(raw.event_type), raw.auto_reset,
          raw.node_id};
}

void encode_create_event_result(const CreateEventResult& result, uapi::KfdCreateEventArgs& raw) {
  raw.event_page_offset = result.event_page_offset;
  raw.event_trigger_data = result.event_trigger_data;
  raw.event_id = result.event_id;
  raw.event_slot_index = result.event_slot_index;
}

uapi::KfdEventData encode_event_data(const EventData& data, bool with_age) {
  uapi::KfdEventData raw{};
  if (with_age) raw.signal_event_data.last_event_age = data.last_event_age;
  raw.kfd_event_data_ext = data.kfd_event_data_ext;
  raw.event_id = data.event_id;
  return raw;
}

void decode_event_data(const uapi::KfdEventData& raw, std::optional<EventType> type,
                       EventData& data) {
  data.event_id = raw.event_id;
  data.kfd_event_data_ext = raw.kfd_event_data_ext;
  data.memory_exception_data = {};
  data.hw_exception_data = {};
  data.last_event_age = 0;
  if (!type || *type == EventType::kMemory) {
    data.memory_exception_data = from_raw(view_of<uapi::KfdMemoryExceptionData>(raw));
  }
  if (!type || *type == EventType::kHwException) {
    data.hw_exception_data = from_raw(view_of<uapi::KfdHwExceptionData>(raw));
  }
  if (!type || *type == EventType::kSignal) {
    data.last_event_age = view_of<uapi::KfdSignalEventData>(raw).last_event_age;
  }
}

EventData decode_event_data_args(const uapi::KfdEventData& raw) {
  EventData data;
  data.event_id = raw.event_id;
  data.last_event_age = view_of<uapi::KfdSignalEventData>(raw).last_event_age;
  data.kfd_event_data_ext = raw.kfd_event_data_ext;
  return data;
}

void encode_event_data_result(const EventData& data, std::optional<EventType> type,
                              uapi::KfdEventData& raw) {
  // The kernel writes only the view of the event's type; the rest of the
  // caller's element stays as it was [S-EVT copy_signaled_event_data].
  if (!type) return;
  if (*type == EventType::kMemory) {
    raw.memory_exception_data = to_raw(data.memory_exception_data);
  } else if (*type == EventType::kHwException) {
    raw.hw_exception_data = to_raw(data.hw_exception_data);
  } else if (*type == EventType::kSignal) {
    raw.signal_event_data.last_event_age = data.last_event_age;
  }
}

uapi::KfdWaitEventsArgs encode_wait_events(const WaitEventsArgs& args,
                                           std::span<uapi::KfdEventData> storage) {
  uapi::KfdWaitEventsArgs raw{};
  raw.events_ptr = reinterpret_cast<uintptr_t>(storage.data());
  raw.num_events = static_cast<uint32_t>(storage.size());
  raw.wait_for_all = args.wait_for_all;
  raw.timeout = args.timeout;
  return raw;
}

WaitResult decode_wait_events(const uapi::KfdWaitEventsArgs& raw) {
  return static_cast<WaitResult>(raw.wait_result);
}

RawWaitEvents decode_wait_events_args(const uapi::KfdWaitEventsArgs& raw) {
  RawWaitEvents out;
  auto* p = reinterpret_cast<uapi::KfdEventData*>(static_cast<uintptr_t>(raw.events_ptr));
  if (p) out.events = {p, raw.num_events};
  out.wait_for_all = raw.wait_for_all;
  out.timeout = raw.timeout;
  return out;
}

void encode_wait_events_result(WaitResult result, uapi::KfdWaitEventsArgs& raw) {
  raw.wait_result = static_cast<uint32_t>(result);
}

}  // namespace amdrr::kmd::codec

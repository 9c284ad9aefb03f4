#pragma once
// Codec of the event ioctls: CREATE_EVENT, DESTROY_EVENT, SET_EVENT,
// RESET_EVENT, WAIT_EVENTS. Same four directions as kfd_ioctl_process.h.
//
// kfd_event_data overlays three views in a union; which one the kernel reads
// or writes depends on the event's type, which the struct does not carry. So
// the element conversions take the type when the caller knows it (from the
// CREATE_EVENT it issued or saw) and std::nullopt otherwise.

#include <cstdint>
#include <optional>
#include <span>

#include "lib/kmd/kfd_uapi.h"
#include "lib/kmd/kmd_types.h"

namespace amdrr::kmd::codec {

// CREATE_EVENT. event_page_offset is in (the signal BO's handle) and out
// (the /dev/kfd mmap offset of the event page).
uapi::KfdCreateEventArgs encode_create_event(const CreateEventArgs& args);
CreateEventResult decode_create_event(const uapi::KfdCreateEventArgs& raw);
CreateEventArgs decode_create_event_args(const uapi::KfdCreateEventArgs& raw);
void encode_create_event_result(const CreateEventResult& result, uapi::KfdCreateEventArgs& raw);

// DESTROY_EVENT / SET_EVENT / RESET_EVENT: an event id and a pad.
template <typename Raw>
Raw encode_event_id(uint32_t event_id) {
  Raw raw{};
  raw.event_id = event_id;
  return raw;
}
template <typename Raw>
uint32_t decode_event_id_args(const Raw& raw) {
  return raw.event_id;
}

// One kfd_event_data element. In: event_id, and last_event_age for signal
// events (only when the kernel is >= 1.14: `with_age`). Out: the view of the
// event's type; with an unknown type every view is decoded.
uapi::KfdEventData encode_event_data(const EventData& data, bool with_age);
void decode_event_data(const uapi::KfdEventData& raw, std::optional<EventType> type,
                       EventData& data);
EventData decode_event_data_args(const uapi::KfdEventData& raw);
void encode_event_data_result(const EventData& data, std::optional<EventType> type,
                              uapi::KfdEventData& raw);

// WAIT_EVENTS. The caller owns the raw element array (`storage`).
uapi::KfdWaitEventsArgs encode_wait_events(const WaitEventsArgs& args,
                                           std::span<uapi::KfdEventData> storage);
WaitResult decode_wait_events(const uapi::KfdWaitEventsArgs& raw);
struct RawWaitEvents {
  std::span<uapi::KfdEventData> events;  // the caller's array, in this process
  uint32_t wait_for_all = 0;
  uint32_t timeout = 0;
};
RawWaitEvents decode_wait_events_args(const uapi::KfdWaitEventsArgs& raw);
void encode_wait_events_result(WaitResult result, uapi::KfdWaitEventsArgs& raw);

}  // namespace amdrr::kmd::codec

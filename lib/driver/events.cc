#include "lib/driver/events.h"

#include "lib/driver/device.h"
#include "lib/driver/error.h"
#include "lib/kmd/kmd.h"

namespace amdrr {
namespace {

// KFD_SIGNAL_EVENT_LIMIT slots of 8 bytes [S-EVT].
constexpr uint64_t kEventPageBytes = 4096 * 8;

uint32_t create(kmd::Kmd& k, kmd::EventType type, uint32_t node, uint64_t page_handle,
                uint32_t* slot, const char* what) {
  kmd::CreateEventArgs args;
  args.event_type = type;
  args.node_id = node;
  args.auto_reset = type == kmd::EventType::kSignal ? 1 : 0;
  args.event_page_offset = page_handle;
  auto created = check(k.create_event(args), what);
  if (slot) *slot = created.event_slot_index;
  return created.event_id;
}

}  // namespace

EventSet::EventSet(Device& first) : device_(first) {
  page_ = first.alloc(kEventPageBytes, Memory::kGttCoherent, "event page");
  // Every slot starts unsignaled (all-ones), as KFD initialises its own page.
  page_.fill(0, kEventPageBytes, 0xFF);
  kmd::Kmd& k = first.kmd();
  uint32_t node = first.node().index;
  // The first signal event hands KFD our page, named by its BO handle.
  signal_event_ = create(k, kmd::EventType::kSignal, node, page_.handle(), &signal_slot_,
                         "create_event(SIGNAL) with the event page");
  memory_event_ = create(k, kmd::EventType::kMemory, node, 0, nullptr, "create_event(MEMORY)");
  hw_event_ =
      create(k, kmd::EventType::kHwException, node, 0, nullptr, "create_event(HW_EXCEPTION)");
}

EventSet::~EventSet() {
  kmd::Kmd& k = device_.kmd();
  (void)k.destroy_event(hw_event_);
  (void)k.destroy_event(memory_event_);
  (void)k.destroy_event(signal_event_);
  // KFD refuses to free the page while it is the signal page (EPERM); it
  // goes with the process, or with the device's buffers.
}

EventSet::Outcome EventSet::wait(uint32_t timeout_ms) {
  kmd::EventData events[3];
  events[0].event_id = signal_event_;
  events[1].event_id = memory_event_;
  events[2].event_id = hw_event_;
  kmd::WaitEventsArgs args{events, 0, timeout_ms};
  Outcome out;
  out.result = check(device_.kmd().wait_events(args), "wait_events");
  // A non-zero gpu_id in the exception data means it fired [S-TG].
  if (events[1].memory_exception_data.gpu_id != 0) out.vm_fault = events[1].memory_exception_data;
  if (events[2].hw_exception_data.gpu_id != 0) out.hw_exception = events[2].hw_exception_data;
  return out;
}

}  // namespace amdrr

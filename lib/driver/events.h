#pragma once
// EventSet: the process's KFD events, shared by every signal and queue of a
// System, as tinygrad and libhsakmt set them up: one event page (a coherent
// GTT buffer whose handle goes to the first CREATE_EVENT, so KFD uses it as
// the signal page), one auto-reset signal event whose mailbox every signal
// interrupt writes, and one MEMORY and one HW_EXCEPTION event so a CPU wait
// learns of a VM fault or a GPU reset instead of waiting for ever.

#include <cstdint>
#include <optional>

#include "lib/driver/buffer.h"
#include "lib/kmd/kmd_types.h"

namespace amdrr {

class Device;

class EventSet {
 public:
  /// Creates the page on `first` and the three events.
  explicit EventSet(Device& first);
  ~EventSet();
  EventSet(const EventSet&) = delete;
  EventSet& operator=(const EventSet&) = delete;

  /// Makes the event page reachable from another GPU (its interrupts write
  /// the mailbox too).
  void map_to(const Device& device) { page_.map_to(device); }

  uint32_t signal_event_id() const { return signal_event_; }
  /// GPU VA of the signal event's slot: write any value but all-ones there,
  /// then raise an interrupt carrying signal_event_id().
  uint64_t mailbox_va() const { return page_.va() + 8ull * signal_slot_; }

  struct Outcome {
    kmd::WaitResult result = kmd::WaitResult::kTimeout;
    std::optional<kmd::MemoryExceptionData> vm_fault;
    std::optional<kmd::HwExceptionData> hw_exception;
  };
  /// Sleeps until an interrupt, a fault, or `timeout_ms`.
  Outcome wait(uint32_t timeout_ms);

 private:
  Device& device_;
  Buffer page_;
  uint32_t signal_event_ = 0;
  uint32_t signal_slot_ = 0;
  uint32_t memory_event_ = 0;
  uint32_t hw_event_ = 0;
};

}  // namespace amdrr

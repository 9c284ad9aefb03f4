#pragma once
// SdmaQueue: copies, fills, signals and waits on one SDMA engine. Copies and
// fills longer than the engine's per-packet limit are split here.

#include <memory>

#include "lib/driver/queue.h"
#include "lib/pkt/families.h"

namespace amdrr {

class SdmaQueue : public Queue {
 public:
  /// `xgmi` picks the engines that serve xGMI peers (QueueType SDMA_XGMI).
  static std::unique_ptr<SdmaQueue> create(Device& device, const QueueOptions& options = {},
                                           bool xgmi = false);

  /// COPY_LINEAR of `bytes` from `src` to `dst` (GPU VAs).
  SdmaQueue& copy(uint64_t dst, uint64_t src, uint64_t bytes);
  SdmaQueue& copy(const Buffer& dst, const Buffer& src, uint64_t bytes);
  /// CONSTANT_FILL of `bytes` (a multiple of 4) with the dword `value`.
  SdmaQueue& fill(uint64_t dst, uint32_t value, uint64_t bytes);
  /// Sets `signal` to `value` once everything before it is done, and wakes
  /// CPU waiters (FENCE high half, FENCE low half, mailbox FENCE + TRAP).
  SdmaQueue& signal(const Signal& signal, uint64_t value);
  /// Holds the engine until the low 32 bits of `signal` are >= value's
  /// (POLL_REGMEM; see Signal for the wrap rule).
  SdmaQueue& wait(const Signal& signal, uint64_t value);
  /// Writes the 64-bit GPU timestamp to `va` (8-byte aligned).
  SdmaQueue& timestamp(uint64_t va);

 private:
  SdmaQueue(Device& device, QueueKind kind, const QueueOptions& options);
  pkt::SdmaVersion version_;
};

}  // namespace amdrr

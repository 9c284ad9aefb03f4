#pragma once
// KernargArena: kernel-argument memory for one queue, handed out from a ring
// in host-visible GPU memory. A region is reused only after the GPU has
// signalled past the submission that used it (the queue's progress
// timeline), never while a kernel may still read it.

#include <cstdint>
#include <deque>
#include <span>

#include "lib/driver/buffer.h"
#include "lib/driver/signal.h"

namespace amdrr {

class Device;

class KernargArena {
 public:
  KernargArena(Device& device, uint64_t bytes);

  /// Copies `bytes` in (reported to the seam) and returns their GPU VA,
  /// waiting for the GPU to release space if the ring is full.
  uint64_t push(std::span<const uint8_t> bytes, uint64_t align, const Signal& progress);
  /// Everything pushed since the last seal is free once `progress` reaches
  /// `ticket`.
  void seal(uint64_t ticket);
  bool has_unsealed() const { return unsealed_end_ != sealed_end_; }

 private:
  struct Span {
    uint64_t end;     // monotonic byte position just past the region
    uint64_t ticket;  // progress value that frees it
  };
  Buffer memory_;
  uint64_t size_;
  uint64_t head_ = 0;          // monotonic allocation position
  uint64_t sealed_end_ = 0;    // end of the regions already sealed
  uint64_t unsealed_end_ = 0;  // end of regions pushed but not sealed
  uint64_t free_from_ = 0;     // everything before this is reusable
  std::deque<Span> in_flight_;
};

}  // namespace amdrr

#include "lib/driver/kernarg_arena.h"

#include <cstring>

#include "lib/driver/device.h"
#include "lib/driver/error.h"
#include "lib/kmd/kmd.h"

namespace amdrr {

KernargArena::KernargArena(Device& device, uint64_t bytes)
    : memory_(device.alloc(bytes, Memory::kGtt, "kernargs")), size_(memory_.size()) {}

uint64_t KernargArena::push(std::span<const uint8_t> bytes, uint64_t align,
                            const Signal& progress) {
  if (bytes.size() > size_ / 2) {
    throw Error("kernel arguments of " + std::to_string(bytes.size()) +
                " bytes do not fit the queue's kernarg arena");
  }
  uint64_t start = (head_ + align - 1) & ~(align - 1);
  // A region never wraps: skip to the ring's start when it would.
  if (start % size_ + bytes.size() > size_) start = (start / size_ + 1) * size_;
  uint64_t end = start + bytes.size();
  // Wait until the GPU is done with what was there one lap ago.
  while (end - free_from_ > size_) {
    if (in_flight_.empty()) {
      throw Error("kernarg arena full of arguments never submitted: call submit()");
    }
    progress.wait_at_least(in_flight_.front().ticket);
    free_from_ = in_flight_.front().end;
    in_flight_.pop_front();
  }
  uint8_t* p = memory_.data() + start % size_;
  std::memcpy(p, bytes.data(), bytes.size());
  memory_.device().kmd().note_cpu_write(memory_.va() + start % size_, bytes);
  head_ = end;
  unsealed_end_ = end;
  return memory_.va() + start % size_;
}

void KernargArena::seal(uint64_t ticket) {
  if (!has_unsealed()) return;
  in_flight_.push_back({unsealed_end_, ticket});
  sealed_end_ = unsealed_end_;
}

}  // namespace amdrr

#pragma once
// QueueScratch: a compute queue's scratch (private segment) backing, the
// way ROCR gives each AQL queue one (amd_aql_queue.cpp InitScratchSRD and
// FillComputeTmpRingSize) and a PM4 driver programs it: a VRAM buffer of
// wave slots, one per wave the GPU may have in flight, each slot
// WAVESIZE KiB (64 lanes × the kernel's per-lane bytes, rounded to 1 KiB).
// It grows when a kernel needs more per lane than the slots hold; the
// caller makes the queue idle first, since in-flight work uses the old one.
//
// What a dispatch gets from it:
// - COMPUTE_TMPRING_SIZE: WAVES [11:0] (slots per XCC) | WAVESIZE [24:12].
// - the private segment buffer V# (user SGPRs, amd_queue_t
//   scratch_resource_descriptor): base, SWIZZLE_ENABLE, NUM_RECORDS = bytes
//   per XCC, word 3 as ROCR fills it for GFX9 (INDEX_STRIDE 64,
//   ADD_TID_ENABLE, 32-bit UINT format).
// - flat scratch init (gfx90a) and DISPATCH_SCRATCH_BASE (gfx942's
//   architected flat scratch): the backing's address.

#include <array>
#include <cstdint>

#include "lib/driver/buffer.h"

namespace amdrr {

class Device;

class QueueScratch {
 public:
  /// Whether `lane_bytes` per work-item fits what is allocated now.
  bool fits(uint32_t lane_bytes) const { return lane_bytes <= lane_bytes_; }
  /// Replaces the backing with one for `lane_bytes` per work-item (the
  /// queue must be idle: the old one is freed).
  void grow(Device& device, uint32_t lane_bytes);

  bool empty() const { return lane_bytes_ == 0; }
  uint64_t va() const { return buffer_.va(); }
  /// Per-lane bytes the slots hold (amd_queue_t scratch_wave64_lane_byte_size).
  uint32_t lane_bytes() const { return lane_bytes_; }
  /// Bytes per XCC (amd_queue_t scratch_backing_memory_byte_size, NUM_RECORDS).
  uint64_t bytes_per_xcc() const { return bytes_per_xcc_; }
  uint32_t tmpring_size() const { return tmpring_size_; }
  const std::array<uint32_t, 4>& vsharp() const { return vsharp_; }

 private:
  Buffer buffer_;
  uint32_t lane_bytes_ = 0;
  uint64_t bytes_per_xcc_ = 0;
  uint32_t tmpring_size_ = 0;
  std::array<uint32_t, 4> vsharp_{};
};

}  // namespace amdrr

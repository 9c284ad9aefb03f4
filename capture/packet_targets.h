#pragma once
// The memory ranges a batch of PM4 or SDMA packets writes, from lib/pkt's
// decoder and packet descriptions: WRITE_DATA, COPY_DATA, DMA_DATA and
// RELEASE_MEM destinations; SDMA COPY_LINEAR, CONSTANT_FILL, WRITE_UNTILED,
// FENCE and TIMESTAMP_GET_GLOBAL destinations. GPU clock values are marked
// as timestamps. Kernel dispatches (their outputs are not in the packets),
// atomics (their result depends on the order of other writers) and indirect
// buffers (not followed) yield nothing. Hostile bytes are data: an unknown
// or truncated packet is skipped.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "lib/pkt/desc.h"

namespace amdrr::capture {

struct PacketTarget {
  uint64_t va = 0;
  uint64_t size = 0;       // 0 for a packet that only raises an interrupt
  bool timestamp = false;  // a GPU clock value: recorded, never compared
  bool interrupt = false;  // the packet raises an interrupt (fires KFD events)
  bool has_data = false;   // `data` is what the packet writes (signal-like writes)
  uint64_t data = 0;
  uint64_t end_position = 0;  // unwrapped ring byte position just past the packet
  // Consecutive packets of one queue with the same target (a buffer filled
  // again and again) are folded into one, end_position the last's
  // (CompletionTracker).
  uint32_t copies = 1;
};

/// Appends the targets of the packets in `dwords`, which start
/// at unwrapped ring byte position `position`. A target equal to the last
/// one in `out` (at index `first_foldable` or later; not an interrupt) is
/// folded into it: `copies` counts them, `end_position` is the last's.
void packet_targets(const pkt::PacketTable& table, std::span<const uint32_t> dwords,
                    uint64_t position, std::vector<PacketTarget>& out,
                    size_t first_foldable = SIZE_MAX);

}  // namespace amdrr::capture

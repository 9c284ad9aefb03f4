#pragma once
// memory_diff: what a replay left in GPU-visible memory (the CPU mappings it
// made), hashed in chunks, so two runs of the same prefix (the run under
// test and a reference run) can be compared and the first differing chunk
// named. Timestamp ranges the trace marks are left out: they differ by design.

#include <cstdint>
#include <string>
#include <vector>

#include "format/hash.h"
#include "format/trace_reader.h"
#include "replay/address_space.h"

namespace amdrr::replay {

struct MemoryChunk {
  uint64_t va = 0;
  uint64_t size = 0;
  format::Hash128 hash;
  friend bool operator==(const MemoryChunk&, const MemoryChunk&) = default;
};

using MemorySnapshot = std::vector<MemoryChunk>;

/// Hashes every CPU mapping of `space` in chunks of `chunk_bytes`, with the
/// bytes of `excluded` ranges taken as zero.
MemorySnapshot snapshot_memory(const AddressSpace& space, const std::vector<VaRange>& excluded,
                               uint64_t chunk_bytes = 64 * 1024);

/// "" when equal, else where they first differ ("memory at 0x... (65536
/// bytes) differs", or a mapping only one side has).
std::string first_difference(const MemorySnapshot& test, const MemorySnapshot& reference);

/// Ranges the trace observed as timestamps. Reads `reader` from the start.
std::vector<VaRange> timestamp_ranges(format::TraceReader& reader);

}  // namespace amdrr::replay

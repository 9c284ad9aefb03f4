#pragma once
// What the replay remembers so that, when observed memory differs, the
// report can say where: the last submission (queue, its packets decoded
// through lib/pkt's one description), the buffer holding the address (its
// VA range, kind and label), and the first differing byte with both values.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lib/gpu/gpu_target.h"
#include "lib/kmd/kmd_types.h"

namespace amdrr::replay {

struct Submission {
  uint64_t index = 0;     // submissions numbered from 0 in trace order
  uint64_t record = 0;    // its doorbell record
  uint32_t queue_id = 0;  // as recorded
  kmd::QueueType queue_type = kmd::QueueType::kCompute;
  std::vector<uint8_t> packets;
};

struct BufferInfo {
  uint64_t va = 0;  // GPU VA (== CPU VA for host-visible memory)
  uint64_t size = 0;
  uint32_t flags = 0;  // kmd::alloc_flags
  uint64_t record = 0;
  std::string label;  // the last annotation before it was allocated
};

/// Live buffers by VA, as the trace allocates and frees them.
class BufferMap {
 public:
  void add(uint64_t recorded_handle, BufferInfo info);
  void remove(uint64_t recorded_handle);
  /// The buffer containing `va`, or nullptr.
  const BufferInfo* find(uint64_t va) const;

 private:
  std::map<uint64_t, BufferInfo> by_va_;
  std::map<uint64_t, uint64_t> va_of_handle_;
};

/// "submission 12 on queue 3 (SDMA, record 240):" then one line per packet,
/// at most `max_packets` (then how many more).
std::string describe_submission(const Submission& submission, const gpu::GpuTarget& target,
                                size_t max_packets = 32);
/// "buffer 0x...-0x... (GTT, 4096 bytes, allocated at record 17, after
/// annotation "inputs")" or "no buffer of the trace holds 0x...".
std::string describe_buffer(const BufferInfo* buffer, uint64_t va);
/// Offset of the first byte that differs, or nullopt when equal.
std::optional<size_t> first_difference(std::span<const uint8_t> replayed,
                                       std::span<const uint8_t> recorded);
/// "first difference at offset 0x40 (VA 0x...): replay 0x00000005, recorded
/// 0x00000007" — the aligned little-endian dword holding the byte (fewer
/// bytes at the end of the range).
std::string describe_difference(std::span<const uint8_t> replayed,
                                std::span<const uint8_t> recorded, size_t offset, uint64_t va);

}  // namespace amdrr::replay

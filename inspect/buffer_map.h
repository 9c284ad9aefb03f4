#pragma once
// BufferMap: the GPU buffers of a trace as they come and go, so an address can
// be named (`0x7f1234000040 = buf#3 "kernargs" +0x40`) the way Mesa's IB
// parser's addr_callback does; an address in no live buffer, or in a freed
// one, is flagged: the usual cause of a VM fault.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace amdrr::inspect {

struct BufferInfo {
  uint32_t number = 0;  // buf#N, in order of allocation
  uint64_t va = 0;
  uint64_t size = 0;
  uint64_t handle = 0;
  uint32_t gpu_id = 0;
  uint32_t flags = 0;  // KFD_IOC_ALLOC_MEM_FLAGS_*
  std::string name;    // what the trace says it is: "ring q0", "code vector_add", "vram"
  bool freed = false;
  uint64_t freed_at_record = 0;
};

enum class AddressState : uint8_t { kLive, kFreed, kUnmapped };

struct AddressInfo {
  AddressState state = AddressState::kUnmapped;
  const BufferInfo* buffer = nullptr;  // the live one, or the last freed one holding it
  uint64_t offset = 0;
};

class BufferMap {
 public:
  /// A successful allocation; returns its buf# number.
  uint32_t add(uint64_t va, uint64_t size, uint64_t handle, uint32_t gpu_id, uint32_t flags);
  /// A successful free of `handle`, at trace record `record`.
  void free(uint64_t handle, uint64_t record);
  /// Names the live buffer holding `va` (the first name sticks unless `force`).
  void name(uint64_t va, const std::string& name, bool force = false);

  AddressInfo find(uint64_t va) const;
  /// `buf#3 "kernargs" +0x40`, `FREED buf#3 "kernargs" +0x40 (freed at #120)`,
  /// or `UNMAPPED (no buffer)`.
  std::string describe(uint64_t va) const;
  /// "0x7f12_3400_0040": hex grouped by 16 bits, as the issue writes addresses.
  static std::string hex(uint64_t va);

  const std::vector<BufferInfo>& all() const { return buffers_; }

 private:
  std::vector<BufferInfo> buffers_;    // every buffer ever allocated, by number
  std::map<uint64_t, uint32_t> live_;  // va -> index into buffers_
};

std::string flags_text(uint32_t flags);
/// "0x1f": plain hex, for ids, offsets and dwords.
std::string hex_text(uint64_t value);

}  // namespace amdrr::inspect

#pragma once
// The CPU's recorded writes to GPU memory, replayed into a sparse image so a
// dump can follow an INDIRECT_BUFFER into the packets it points at (as
// Mesa's IB parser and umr do). Bounded: only small writes (rings, IBs,
// kernel arguments) are kept, and the image stops growing at a fixed size.

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace amdrr::inspect {

class MemoryImage {
 public:
  static constexpr uint64_t kMaxWriteBytes = 1u << 20;
  static constexpr size_t kMaxPages = 16384;  // 64 MiB of 4 KiB pages

  /// Records `bytes` written at `va` (ignored when too large or the image is full).
  void write(uint64_t va, std::span<const uint8_t> bytes);
  /// The dwords at [va, va + 4 * count), or nullopt when any byte was never written.
  std::optional<std::vector<uint32_t>> read_dwords(uint64_t va, uint64_t count) const;

 private:
  static constexpr uint64_t kPage = 4096;
  struct Page {
    std::vector<uint8_t> bytes = std::vector<uint8_t>(kPage);
    std::vector<bool> known = std::vector<bool>(kPage);
  };
  std::unordered_map<uint64_t, Page> pages_;
};

}  // namespace amdrr::inspect

#include "inspect/memory_image.h"

#include <cstring>

namespace amdrr::inspect {

void MemoryImage::write(uint64_t va, std::span<const uint8_t> bytes) {
  if (bytes.size() > kMaxWriteBytes || va + bytes.size() < va) return;
  for (size_t i = 0; i < bytes.size();) {
    const uint64_t addr = va + i;
    const uint64_t page = addr / kPage, offset = addr % kPage;
    auto it = pages_.find(page);
    if (it == pages_.end()) {
      if (pages_.size() >= kMaxPages) return;
      it = pages_.emplace(page, Page{}).first;
    }
    const size_t n = std::min<uint64_t>(kPage - offset, bytes.size() - i);
    std::memcpy(it->second.bytes.data() + offset, bytes.data() + i, n);
    for (size_t k = 0; k < n; ++k) it->second.known[offset + k] = true;
    i += n;
  }
}

std::optional<std::vector<uint32_t>> MemoryImage::read_dwords(uint64_t va, uint64_t count) const {
  if (count > kMaxWriteBytes / 4 || va + count * 4 < va) return std::nullopt;
  std::vector<uint8_t> bytes(count * 4);
  for (size_t i = 0; i < bytes.size(); ++i) {
    const uint64_t addr = va + i;
    auto it = pages_.find(addr / kPage);
    if (it == pages_.end() || !it->second.known[addr % kPage]) return std::nullopt;
    bytes[i] = it->second.bytes[addr % kPage];
  }
  std::vector<uint32_t> dwords(count);
  if (count > 0) std::memcpy(dwords.data(), bytes.data(), bytes.size());
  return dwords;
}

}  // namespace amdrr::inspect

#include "replay/memory_diff.h"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace amdrr::replay {

namespace {

std::string hex(uint64_t v) {
  std::ostringstream out;
  out << "0x" << std::hex << v;
  return out.str();
}

}  // namespace

MemorySnapshot snapshot_memory(const AddressSpace& space, const std::vector<VaRange>& excluded,
                               uint64_t chunk_bytes) {
  MemorySnapshot out;
  std::vector<uint8_t> copy;
  for (const auto& [begin, size] : space.mappings()) {
    for (uint64_t offset = 0; offset < size; offset += chunk_bytes) {
      MemoryChunk c;
      c.va = begin + offset;
      c.size = std::min(chunk_bytes, size - offset);
      const auto* bytes = reinterpret_cast<const uint8_t*>(c.va);
      copy.assign(bytes, bytes + c.size);
      for (const VaRange& x : excluded) {
        const uint64_t lo = std::max(x.begin, c.va);
        const uint64_t hi = std::min(x.end(), c.va + c.size);
        if (lo < hi) std::memset(copy.data() + (lo - c.va), 0, hi - lo);
      }
      c.hash = format::hash128(copy);
      out.push_back(c);
    }
  }
  return out;
}

std::string first_difference(const MemorySnapshot& test, const MemorySnapshot& reference) {
  const size_t n = std::min(test.size(), reference.size());
  for (size_t i = 0; i < n; ++i) {
    if (test[i] == reference[i]) continue;
    if (test[i].va != reference[i].va || test[i].size != reference[i].size) {
      return "the mappings differ at " + hex(std::min(test[i].va, reference[i].va));
    }
    return "memory at " + hex(test[i].va) + " (" + std::to_string(test[i].size) + " bytes) differs";
  }
  if (test.size() != reference.size()) return "one run has more mappings than the other";
  return "";
}

std::vector<VaRange> timestamp_ranges(format::TraceReader& reader) {
  std::vector<VaRange> out;
  if (!reader.seek(0)) return out;
  while (auto view = reader.next()) {
    if (view->record.which() != schema::Record::OBSERVED) continue;
    auto o = view->record.getObserved();
    if (o.getIsTimestamp()) out.push_back({o.getVa(), o.getSize()});
  }
  return out;
}

}  // namespace amdrr::replay

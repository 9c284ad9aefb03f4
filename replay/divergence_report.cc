#include "replay/divergence_report.h"

#include <algorithm>
#include <cstring>
#include <iomanip>
#include <sstream>

#include "lib/pkt/decode.h"
#include "lib/pkt/describe.h"
#include "lib/pkt/tables.h"

namespace amdrr::replay {

namespace {

std::string hex(uint64_t v) {
  std::ostringstream out;
  out << "0x" << std::hex << v;
  return out.str();
}

const char* queue_type_name(kmd::QueueType type) {
  switch (type) {
    case kmd::QueueType::kCompute:
      return "PM4 compute";
    case kmd::QueueType::kComputeAql:
      return "AQL";
    case kmd::QueueType::kSdma:
    case kmd::QueueType::kSdmaByEngId:
      return "SDMA";
    case kmd::QueueType::kSdmaXgmi:
      return "SDMA xGMI";
  }
  return "?";
}

const pkt::PacketTable& table_for(kmd::QueueType type, const gpu::GpuTarget& target) {
  switch (type) {
    case kmd::QueueType::kComputeAql:
      return pkt::aql_table(target.aql_family);
    case kmd::QueueType::kCompute:
      return pkt::pm4_table(target.pm4_family);
    default:
      return pkt::sdma_table(target.sdma_version);
  }
}

std::string memory_kind(uint32_t flags) {
  using namespace kmd::alloc_flags;
  if (flags & kVram) return "VRAM";
  if (flags & kGtt) return "GTT";
  if (flags & kUserptr) return "USERPTR";
  if (flags & kDoorbell) return "doorbell";
  if (flags & kMmioRemap) return "MMIO remap";
  return "memory";
}

std::string dword_at(std::span<const uint8_t> bytes, size_t offset) {
  const size_t n = std::min<size_t>(4, bytes.size() - offset);
  uint32_t v = 0;
  std::memcpy(&v, bytes.data() + offset, n);
  std::ostringstream out;
  out << "0x" << std::hex << std::setw(int(2 * n)) << std::setfill('0') << v;
  return out.str();
}

}  // namespace

void BufferMap::add(uint64_t recorded_handle, BufferInfo info) {
  va_of_handle_[recorded_handle] = info.va;
  by_va_[info.va] = std::move(info);
}

void BufferMap::remove(uint64_t recorded_handle) {
  auto it = va_of_handle_.find(recorded_handle);
  if (it == va_of_handle_.end()) return;
  by_va_.erase(it->second);
  va_of_handle_.erase(it);
}

const BufferInfo* BufferMap::find(uint64_t va) const {
  auto it = by_va_.upper_bound(va);
  if (it == by_va_.begin()) return nullptr;
  --it;
  return va - it->second.va < it->second.size ? &it->second : nullptr;
}

std::string describe_submission(const Submission& s, const gpu::GpuTarget& target,
                                size_t max_packets) {
  std::ostringstream out;
  out << "submission " << s.index << " on queue " << s.queue_id << " ("
      << queue_type_name(s.queue_type) << ", record " << s.record << "):";
  std::vector<uint32_t> dwords(s.packets.size() / 4);
  std::memcpy(dwords.data(), s.packets.data(), dwords.size() * 4);
  const pkt::PacketTable& table = table_for(s.queue_type, target);
  auto packets = pkt::decode_all(table, dwords, max_packets + 1);
  for (size_t i = 0; i < packets.size() && i < max_packets; ++i) {
    out << "\n    " << pkt::describe(packets[i], table);
  }
  if (packets.size() > max_packets) out << "\n    ... (more packets)";
  if (packets.empty()) out << " no packets";
  return out.str();
}

std::string describe_buffer(const BufferInfo* buffer, uint64_t va) {
  if (!buffer) return "no buffer of the trace holds " + hex(va);
  std::string text = "buffer " + hex(buffer->va) + "-" + hex(buffer->va + buffer->size) + " (" +
                     memory_kind(buffer->flags) + ", " + std::to_string(buffer->size) +
                     " bytes, allocated at record " + std::to_string(buffer->record);
  if (!buffer->label.empty()) text += ", after annotation \"" + buffer->label + "\"";
  return text + ")";
}

std::optional<size_t> first_difference(std::span<const uint8_t> replayed,
                                       std::span<const uint8_t> recorded) {
  const size_t n = std::min(replayed.size(), recorded.size());
  auto [a, b] = std::mismatch(replayed.begin(), replayed.begin() + n, recorded.begin());
  if (a != replayed.begin() + n) return static_cast<size_t>(a - replayed.begin());
  if (replayed.size() != recorded.size()) return n;
  return std::nullopt;
}

std::string describe_difference(std::span<const uint8_t> replayed,
                                std::span<const uint8_t> recorded, size_t offset, uint64_t va) {
  const size_t aligned = offset & ~size_t{3};
  std::string text = "first difference at offset " + hex(offset) + " (VA " + hex(va + offset) + ")";
  if (aligned >= replayed.size() || aligned >= recorded.size()) {
    return text + ": the recorded content has " + std::to_string(recorded.size()) + " bytes";
  }
  return text + ": replay " + dword_at(replayed, aligned) + ", recorded " +
         dword_at(recorded, aligned) + " (dword at " + hex(aligned) + ")";
}

}  // namespace amdrr::replay

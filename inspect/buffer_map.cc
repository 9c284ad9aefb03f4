#include "inspect/buffer_map.h"

#include <cinttypes>
#include <cstdio>

#include "lib/kmd/kmd_types.h"

namespace amdrr::inspect {

uint32_t BufferMap::add(uint64_t va, uint64_t size, uint64_t handle, uint32_t gpu_id,
                        uint32_t flags) {
  BufferInfo b;
  b.number = static_cast<uint32_t>(buffers_.size());
  b.va = va;
  b.size = size;
  b.handle = handle;
  b.gpu_id = gpu_id;
  b.flags = flags;
  b.name = flags_text(flags);
  buffers_.push_back(b);
  // A VA reused after a free: the new buffer replaces the freed one here.
  live_[va] = b.number;
  return b.number;
}

void BufferMap::free(uint64_t handle, uint64_t record) {
  for (auto it = live_.begin(); it != live_.end(); ++it) {
    BufferInfo& b = buffers_[it->second];
    if (b.handle == handle) {
      b.freed = true;
      b.freed_at_record = record;
      live_.erase(it);
      return;
    }
  }
}

void BufferMap::name(uint64_t va, const std::string& name, bool force) {
  AddressInfo a = find(va);
  if (a.state != AddressState::kLive) return;
  BufferInfo& b = buffers_[a.buffer->number];
  if (force || b.name == flags_text(b.flags)) b.name = name;
}

AddressInfo BufferMap::find(uint64_t va) const {
  AddressInfo out;
  auto it = live_.upper_bound(va);
  if (it != live_.begin()) {
    --it;
    const BufferInfo& b = buffers_[it->second];
    if (va - b.va < b.size) return {AddressState::kLive, &b, va - b.va};
  }
  // Not live: the most recently freed buffer that held it, if any.
  for (auto b = buffers_.rbegin(); b != buffers_.rend(); ++b) {
    if (b->freed && va >= b->va && va - b->va < b->size) {
      return {AddressState::kFreed, &*b, va - b->va};
    }
  }
  return out;
}

std::string BufferMap::hex(uint64_t va) {
  char buf[32];
  if (va <= 0xFFFF) {
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, va);
    return buf;
  }
  std::string digits;
  std::snprintf(buf, sizeof buf, "%" PRIx64, va);
  digits = buf;
  std::string out;
  size_t lead = digits.size() % 4 == 0 ? 4 : digits.size() % 4;
  out = digits.substr(0, lead);
  for (size_t i = lead; i < digits.size(); i += 4) out.append("_").append(digits.substr(i, 4));
  return std::string("0x").append(out);
}

std::string BufferMap::describe(uint64_t va) const {
  AddressInfo a = find(va);
  if (a.state == AddressState::kUnmapped) return "UNMAPPED (no buffer)";
  char off[32];
  std::snprintf(off, sizeof off, "+0x%" PRIx64, a.offset);
  std::string s = a.state == AddressState::kFreed ? "FREED " : "";
  s.append("buf#").append(std::to_string(a.buffer->number)).append(" \"");
  s.append(a.buffer->name).append("\" ").append(off);
  if (a.state == AddressState::kFreed) {
    s.append(" (freed at #").append(std::to_string(a.buffer->freed_at_record)).append(")");
  }
  return s;
}

std::string hex_text(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, value);
  return buf;
}

std::string flags_text(uint32_t flags) {
  namespace f = kmd::alloc_flags;
  if (flags & f::kDoorbell) return "doorbell";
  if (flags & f::kMmioRemap) return "mmio";
  if (flags & f::kUserptr) return "userptr";
  if (flags & f::kVram) return "vram";
  if (flags & f::kGtt) return "gtt";
  return "memory";
}

}  // namespace amdrr::inspect

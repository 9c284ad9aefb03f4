#include "lib/driver/buffer.h"

#include <cstring>

#include "lib/driver/device.h"
#include "lib/driver/error.h"
#include "lib/driver/staging.h"
#include "lib/driver/system.h"
#include "lib/kmd/kmd.h"

namespace amdrr {

detail::BufferState::~BufferState() {
  if (!freed && device != nullptr) device->release(*this);
}

detail::BufferState& Buffer::live(const char* what) const {
  if (!state_) throw Error(std::string(what) + " of an empty Buffer");
  if (state_->freed) throw Error(std::string(what) + " of " + name() + " after it was freed");
  return *state_;
}

uint64_t Buffer::va() const {
  return live("va").va;
}
uint64_t Buffer::size() const {
  return live("size").size;
}
Memory Buffer::memory() const {
  return live("memory").memory;
}
const std::string& Buffer::label() const {
  return live("label").label;
}
Device& Buffer::device() const {
  return *live("device").device;
}
uint64_t Buffer::handle() const {
  return live("handle").handle;
}
bool Buffer::freed() const {
  return state_ && state_->freed;
}

std::string Buffer::name() const {
  if (!state_) return "an empty Buffer";
  std::string n = "buf#" + std::to_string(state_->id);
  if (!state_->label.empty()) n += " \"" + state_->label + "\"";
  return n;
}

uint8_t* Buffer::data() const {
  auto& s = live("data");
  if (s.cpu.size == 0) {
    throw Error(name() + " is " + memory_name(s.memory) +
                ", which the CPU cannot reach: allocate host-visible memory to use data()");
  }
  return static_cast<uint8_t*>(s.cpu.ptr());
}

namespace {
void check_range(const Buffer& b, const char* what, uint64_t offset, uint64_t size,
                 uint64_t buffer_size) {
  if (offset > buffer_size || size > buffer_size - offset) {
    throw Error(std::string(what) + " of " + std::to_string(size) + " bytes at offset " +
                std::to_string(offset) + " runs past the end of " + b.name() + " (" +
                std::to_string(buffer_size) + " bytes)");
  }
}
}  // namespace

void Buffer::write(uint64_t offset, std::span<const uint8_t> bytes) const {
  auto& s = live("write");
  check_range(*this, "write", offset, bytes.size(), s.size);
  if (s.cpu.size == 0) return s.device->staging().write(*this, offset, bytes);
  uint8_t* p = data();
  state_->device->kmd().prepare_cpu_write(state_->va + offset, bytes.size());
  std::memcpy(p + offset, bytes.data(), bytes.size());
  state_->device->kmd().note_cpu_write(state_->va + offset, bytes);
}

void Buffer::read(uint64_t offset, std::span<uint8_t> out) const {
  auto& s = live("read");
  check_range(*this, "read", offset, out.size(), s.size);
  if (s.cpu.size == 0) return s.device->staging().read(*this, offset, out);
  const uint8_t* p = data();
  std::memcpy(out.data(), p + offset, out.size());
  state_->device->kmd().note_cpu_read(state_->va + offset, out);
}

void Buffer::fill(uint64_t offset, uint64_t size, uint8_t value) const {
  auto& s = live("fill");
  check_range(*this, "fill", offset, size, s.size);
  if (s.cpu.size == 0) return s.device->staging().fill(*this, offset, size, value);
  uint8_t* p = data();
  state_->device->kmd().prepare_cpu_write(state_->va + offset, size);
  std::memset(p + offset, value, size);
  state_->device->kmd().note_cpu_write(state_->va + offset, {p + offset, size});
}

void Buffer::map_to(const Device& peer) const {
  auto& s = live("map_to");
  if (&peer.system() != &s.device->system()) {
    throw Error("map_to: " + name() + " and GPU " + std::to_string(peer.index()) +
                " belong to different systems");
  }
  for (uint32_t id : s.gpus) {
    if (id == peer.gpu_id()) return;  // already there
  }
  uint32_t ids[] = {peer.gpu_id()};
  kmd::MapMemoryArgs map{s.handle, ids, 0};
  check(s.device->kmd().map_memory_to_gpu(map),
        "map of " + name() + " to GPU " + std::to_string(peer.index()));
  s.gpus.push_back(peer.gpu_id());
}

void Buffer::free() const {
  if (!state_) throw Error("free of an empty Buffer");
  if (state_->freed) throw Error("double free of " + name());
  state_->device->release(*state_);
}

}  // namespace amdrr

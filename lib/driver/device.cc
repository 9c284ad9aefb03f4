#include "lib/driver/device.h"

#include <sys/mman.h>

#include "lib/driver/error.h"
#include "lib/driver/staging.h"
#include "lib/driver/system.h"
#include "lib/kmd/kmd.h"

namespace amdrr {
namespace {

constexpr uint64_t kPage = 4096;
// Large buffers are 2 MiB aligned so the GPU can use big pages for them.
constexpr uint64_t kLargeAlign = 2u << 20;

uint64_t page_align(uint64_t size) {
  return (size + kPage - 1) & ~(kPage - 1);
}

}  // namespace

Device::Device(System& system, size_t index, const gpu::Node& node, gpu::GpuTarget target,
               VaWindow window)
    : system_(&system),
      index_(index),
      gpu_id_(node.gpu_id),
      node_(&node),
      target_(std::move(target)),
      window_(std::move(window)) {}

Device::~Device() {
  // The staging queue goes before the memory it runs from.
  staging_.reset();
  // Buffers still alive lose their memory with the device; later use of
  // them is an Error, not a dangling access.
  while (!buffers_.empty()) {
    auto state = buffers_.begin()->second.lock();
    if (state) {
      release(*state);
    } else {
      buffers_.erase(buffers_.begin());
    }
  }
}

kmd::Kmd& Device::kmd() const {
  return system_->kmd();
}

std::string Device::name() const {
  return node_->name.empty() ? target_.name : target_.name + " (" + node_->name + ")";
}

uint64_t Device::vram_bytes() const {
  return node_->vram_size();
}

bool Device::large_bar() const {
  for (const auto& bank : node_->mem_banks) {
    if (bank.heap_type() == gpu::HeapType::kFbPrivate && bank.size_in_bytes() > 0) return false;
  }
  return true;
}

uint32_t Device::sdma_engines() const {
  return static_cast<uint32_t>(node_->properties.get("num_sdma_engines"));
}

uint32_t Device::xgmi_sdma_engines() const {
  return static_cast<uint32_t>(node_->properties.get("num_sdma_xgmi_engines"));
}

Buffer Device::alloc(uint64_t size, Memory memory, std::string label) {
  if (size == 0) throw Error("alloc of 0 bytes of " + std::string(memory_name(memory)));
  if (memory == Memory::kUserptr) {
    throw Error("USERPTR buffers wrap host memory: use Device::wrap_host(ptr, size)");
  }
  if (memory == Memory::kVramHostVisible && !large_bar()) {
    throw Error("host-visible VRAM needs a large BAR, and GPU " + std::to_string(index_) +
                " has none: allocate Memory::kVram and copy through GTT");
  }
  uint64_t bytes = page_align(size);
  if (bytes < size) throw Error("alloc of " + std::to_string(size) + " bytes: size overflows");
  auto va = window_.allocate(bytes, bytes >= kLargeAlign ? kLargeAlign : kPage);
  if (!va) {
    throw Error("no room for " + std::to_string(bytes) + " more bytes in GPU " +
                std::to_string(index_) + "'s VA window (" + std::to_string(window_.size()) +
                " bytes)");
  }
  auto state = std::make_shared<detail::BufferState>();
  state->device = this;
  state->id = system_->next_buffer_id();
  state->label = std::move(label);
  state->memory = memory;
  state->va = *va;
  state->size = bytes;
  state->in_window = true;
  auto result = kmd().alloc_memory_of_gpu({*va, bytes, 0, gpu_id_, alloc_flags_for(memory)});
  if (!result.ok()) {
    window_.release(*va);
    check(result, "alloc of " + std::to_string(bytes) + " bytes of " + memory_name(memory) +
                      " on GPU " + std::to_string(index_));
  }
  state->handle = result->handle;
  return finish_alloc(std::move(state), result->mmap_offset);
}

Buffer Device::wrap_host(void* host, uint64_t size, std::string label) {
  auto addr = reinterpret_cast<uint64_t>(host);
  if (host == nullptr || addr % kPage != 0 || size == 0 || size % kPage != 0) {
    throw Error("wrap_host needs page-aligned memory and a whole number of pages (got " +
                std::to_string(addr) + ", " + std::to_string(size) + " bytes)");
  }
  auto state = std::make_shared<detail::BufferState>();
  state->device = this;
  state->id = system_->next_buffer_id();
  state->label = std::move(label);
  state->memory = Memory::kUserptr;
  state->va = addr;
  state->size = size;
  auto result =
      kmd().alloc_memory_of_gpu({addr, size, addr, gpu_id_, alloc_flags_for(Memory::kUserptr)});
  state->handle = check(result, "wrap_host of " + std::to_string(size) + " bytes").handle;
  state->cpu = {addr, size};
  return finish_alloc(std::move(state), 0);
}

Buffer Device::finish_alloc(std::shared_ptr<detail::BufferState> state, uint64_t mmap_offset) {
  Buffer buffer(state);
  // From here the state owns the BO: a failure below releases it.
  buffers_[state->va] = state;
  uint32_t ids[] = {gpu_id_};
  kmd::MapMemoryArgs map{state->handle, ids, 0};
  check(kmd().map_memory_to_gpu(map),
        "map of " + buffer.name() + " to GPU " + std::to_string(index_));
  state->gpus.push_back(gpu_id_);
  if (is_host_visible(state->memory) && state->memory != Memory::kUserptr) {
    kmd::MmapArgs args{kmd::MmapDevice::kRenderNode, gpu_id_, mmap_offset, state->size, state->va,
                       PROT_READ | PROT_WRITE};
    state->cpu = check(kmd().mmap(args), "CPU mapping of " + buffer.name());
  }
  return buffer;
}

void Device::release(detail::BufferState& state) {
  if (state.freed) return;
  state.freed = true;
  buffers_.erase(state.va);
  kmd::Kmd& k = kmd();
  // Best effort in this order; each step's failure is a bug in amdrr or the
  // backend, and a destructor must not throw.
  if (state.cpu.size != 0 && state.memory != Memory::kUserptr) (void)k.munmap(state.cpu);
  if (!state.gpus.empty()) {
    kmd::MapMemoryArgs unmap{state.handle, state.gpus, 0};
    (void)k.unmap_memory_from_gpu(unmap);
  }
  (void)k.free_memory_of_gpu(state.handle);
  if (state.in_window) window_.release(state.va);
}

Staging& Device::staging() {
  if (!staging_) staging_ = std::make_unique<Staging>(*this);
  return *staging_;
}

Buffer Device::find(uint64_t va, uint64_t size) const {
  auto it = buffers_.upper_bound(va);
  if (it == buffers_.begin()) return {};
  --it;
  auto state = it->second.lock();
  if (!state || va - state->va >= state->size || size > state->size - (va - state->va)) return {};
  return Buffer(state);
}

}  // namespace amdrr

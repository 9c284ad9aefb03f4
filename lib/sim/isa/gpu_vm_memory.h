#pragma once
// Adapter from the interpreter's GpuMemory to the emulated GPU's page table.

#include <span>

#include "lib/sim/gpu_vm.h"
#include "lib/sim/isa/gpu_memory.h"

namespace amdrr::sim::isa {

class GpuVmMemory : public GpuMemory {
 public:
  explicit GpuVmMemory(const GpuVm& vm) : vm_(vm) {}
  MemResult read(uint64_t va, void* dst, size_t n) override {
    auto f = vm_.read(va, std::span<uint8_t>(static_cast<uint8_t*>(dst), n));
    return f ? MemResult::fault(f->va) : MemResult{};
  }
  MemResult write(uint64_t va, const void* src, size_t n) override {
    auto f = vm_.write(va, std::span<const uint8_t>(static_cast<const uint8_t*>(src), n));
    return f ? MemResult::fault(f->va) : MemResult{};
  }

 private:
  const GpuVm& vm_;
};

}  // namespace amdrr::sim::isa

#pragma once
// Adapter from the engines' window on GPU memory (sim::GpuMemory: the
// queue's page table, write log and fault plan) to the interpreter's memory
// interface. A fault keeps its KFD failure bits for the dispatch result.

#include <optional>
#include <span>

#include "lib/sim/engines/gpu_memory.h"
#include "lib/sim/isa/gpu_memory.h"

namespace amdrr::sim::isa {

class EngineMemory final : public GpuMemory {
 public:
  explicit EngineMemory(sim::GpuMemory& mem) : mem_(mem) {}

  MemResult read(uint64_t va, void* dst, size_t n) override {
    return note(mem_.read(va, std::span<uint8_t>(static_cast<uint8_t*>(dst), n)));
  }
  MemResult write(uint64_t va, const void* src, size_t n) override {
    return note(mem_.write(va, std::span<const uint8_t>(static_cast<const uint8_t*>(src), n)));
  }

  /// The fault at `va` as the page table reported it (not-present,
  /// read-only bits), or a not-present fault when the last one was elsewhere.
  GpuFault fault_at(uint64_t va) const {
    if (last_fault_ && last_fault_->va == va) return *last_fault_;
    GpuFault f;
    f.va = va;
    f.not_present = true;
    return f;
  }

 private:
  MemResult note(std::optional<GpuFault> f) {
    if (!f) return {};
    last_fault_ = f;
    return MemResult::fault(f->va);
  }

  sim::GpuMemory& mem_;
  std::optional<GpuFault> last_fault_;
};

}  // namespace amdrr::sim::isa

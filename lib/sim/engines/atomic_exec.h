#pragma once
// One TC_OP atomic against GPU memory, shared by PM4 ATOMIC_MEM and SDMA
// ATOMIC: load, apply, store the new value (a compare-swap that did not
// match stores nothing), every access through the page table.

#include <cstdint>
#include <optional>

#include "lib/sim/engines/gpu_memory.h"
#include "lib/sim/engines/gpu_ops.h"

namespace amdrr::sim {

struct AtomicExec {
  std::optional<GpuFault> fault;
  bool cmpswap_missed = false;  // a compare-swap whose compare failed
  uint64_t old = 0;             // the pre-op value
};

/// `addr` already aligned to the operation's size. When `retry_cmpswap` is
/// set a missed compare-swap stores nothing, so the caller can retry it (a
/// wait, as far as scheduling goes).
inline AtomicExec execute_atomic(GpuMemory& mem, const AtomicOp& op, uint64_t addr, uint64_t src,
                                 uint64_t cmp, bool retry_cmpswap) {
  AtomicExec out;
  if (op.is_64) {
    out.fault = mem.load(addr, out.old);
  } else {
    uint32_t v = 0;
    out.fault = mem.load(addr, v);
    out.old = v;
  }
  if (out.fault) return out;
  bool swapped = false;
  const uint64_t r = apply_atomic(op, out.old, src, cmp, &swapped);
  out.cmpswap_missed = op.op == kAtomicCmpSwap && !swapped;
  if (out.cmpswap_missed && retry_cmpswap) return out;
  if (!out.cmpswap_missed) {
    out.fault = op.is_64 ? mem.store(addr, r) : mem.store(addr, static_cast<uint32_t>(r));
  }
  return out;
}

}  // namespace amdrr::sim

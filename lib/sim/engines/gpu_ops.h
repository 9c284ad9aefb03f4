#pragma once
// Semantics shared by the PM4 and SDMA engines: wait compare functions and
// TC_OP atomics (one encoding for PM4 ATOMIC_MEM and SDMA ATOMIC).

#include <cstdint>
#include <optional>

namespace amdrr::sim {

/// `(value & mask) FUNCTION reference` for WAIT_REG_MEM / POLL_REGMEM
/// functions 0..6 (always, <, <=, ==, !=, >=, >); nullopt for the reserved 7.
std::optional<bool> compare(uint32_t function, uint32_t value, uint32_t mask, uint32_t reference);

struct AtomicOp {
  bool is_64 = false;
  bool returns = false;  // *_RTN_*: the pre-op value is returned
  uint32_t op = 0;       // the operation, TC_OP & 0x1F
};
/// Splits a TC_OP atomic opcode (RTN_32 base; +0x20 for 64-bit, +0x40 for
/// no-return); nullopt for an opcode that is not an integer atomic we
/// emulate (FCMPSWAP is a float compare: unsupported).
std::optional<AtomicOp> decode_atomic(uint32_t tc_op);

inline constexpr uint32_t kAtomicCmpSwap = 0x08;

/// The new memory value of `op` applied to `old` with `src` (and `cmp` for
/// CMPSWAP); `swapped` tells whether a CMPSWAP matched. 32-bit ops use the
/// low halves.
uint64_t apply_atomic(const AtomicOp& op, uint64_t old, uint64_t src, uint64_t cmp, bool* swapped);

}  // namespace amdrr::sim

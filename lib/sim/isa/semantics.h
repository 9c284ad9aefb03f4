#pragma once
// Binding of semantics to table entries: each execution-unit file adds its
// instructions by mnemonic; the interpreter resolves them once per entry of
// the opcode table.

#include <bit>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "lib/sim/isa/wave.h"

namespace amdrr::sim::isa {

using ExecFnAux = Step (*)(Wave&, const Instruction&, ExecContext&, const void* aux);

struct Semantics {
  ExecFnAux fn = nullptr;
  const void* aux = nullptr;
};

using SemanticsMap = std::unordered_map<std::string, Semantics>;

// VALU: per-lane functions with a common operand driver. Each op is written
// as a per-lane lambda; fn() instantiates run_batch with it, so the driver
// makes one call per instruction and the lambda is inlined into the lane loop
// (no indirect call per lane).
struct LaneArgs {
  uint64_t s[3];
  bool carry;  // carry-in / condition bit (vcc or the SGPR-pair source)
  uint32_t lane;
  uint32_t mode;
  uint64_t k;  // the literal (v_fmamk / v_fmaak)
};

/// One instruction's lanes: sources after every input modifier, results out.
struct LaneBatch {
  const uint64_t* s[3];   // kLanes values each, or one (a scalar: lane_mask 0)
  uint32_t lane_mask[3];  // 63 for per-lane sources, 0 for scalars
  uint64_t cond;          // carry-in / condition bits
  uint64_t mask;          // lanes to compute
  uint32_t mode;
  uint64_t k;
  uint64_t* out;       // kLanes results
  uint64_t carry_out;  // LaneArgs::carry after each computed lane (when want_carry)
  bool want_carry;     // the op's kind reads carry_out (carry / flag results)
};
using BatchFn = void (*)(LaneBatch&);

template <typename F>
void run_batch(LaneBatch& b) {
  LaneArgs a{};
  a.mode = b.mode;
  a.k = b.k;
  uint64_t carry_out = 0;
  if (b.mask == ~0ull && !b.want_carry) {  // every lane, no carry out: the plainest loop
    for (int l = 0; l < 64; ++l) {
      a.s[0] = b.s[0][l & b.lane_mask[0]];
      a.s[1] = b.s[1][l & b.lane_mask[1]];
      a.s[2] = b.s[2][l & b.lane_mask[2]];
      a.carry = b.cond >> l & 1;
      a.lane = static_cast<uint32_t>(l);
      b.out[l] = F{}(a);
    }
    b.carry_out = 0;
    return;
  }
  if (b.mask == ~0ull) {  // every lane: a plain loop the compiler can unroll
    for (int l = 0; l < 64; ++l) {
      a.s[0] = b.s[0][l & b.lane_mask[0]];
      a.s[1] = b.s[1][l & b.lane_mask[1]];
      a.s[2] = b.s[2][l & b.lane_mask[2]];
      a.carry = b.cond >> l & 1;
      a.lane = static_cast<uint32_t>(l);
      b.out[l] = F{}(a);
      carry_out |= uint64_t{a.carry} << l;
    }
    b.carry_out = carry_out;
    return;
  }
  for (uint64_t m = b.mask; m; m &= m - 1) {
    int l = std::countr_zero(m);
    a.s[0] = b.s[0][l & b.lane_mask[0]];
    a.s[1] = b.s[1][l & b.lane_mask[1]];
    a.s[2] = b.s[2][l & b.lane_mask[2]];
    a.carry = b.cond >> l & 1;
    a.lane = static_cast<uint32_t>(l);
    b.out[l] = F{}(a);
    carry_out |= uint64_t{a.carry} << l;
  }
  b.carry_out = carry_out;
}

/// The common case without a carry-out, modifiers or inactive lanes:
/// sources read straight from VGPR rows (lo and, for 64-bit ones, hi;
/// scalars broadcast into rows), the result written straight into the
/// destination rows — or, for a compare, its bits returned in `bits`. The
/// lane loop is plain enough for the compiler to vectorise simple ops.
struct NarrowBatch {
  const uint32_t* lo[3];  // kLanes values each (scalars broadcast)
  const uint32_t* hi[3];  // the high halves of 64-bit sources
  uint64_t cond;
  uint32_t mode;
  uint64_t k;
  uint32_t* out_lo;
  uint32_t* out_hi;  // nullptr: a 32-bit result
  uint64_t bits;     // compare results, one per lane
};
using NarrowFn = void (*)(NarrowBatch&);

template <typename F, bool kWide, bool kCompare>
void run_narrow(NarrowBatch& b) {
  LaneArgs a{};
  a.mode = b.mode;
  a.k = b.k;
  // Locals, so the stores into the destination row (which may be a source
  // row) do not make the compiler reload the batch's fields every lane.
  const uint32_t *lo0 = b.lo[0], *lo1 = b.lo[1], *lo2 = b.lo[2];
  const uint32_t *hi0 = b.hi[0], *hi1 = b.hi[1], *hi2 = b.hi[2];
  const uint64_t cond = b.cond;
  uint32_t *out_lo = b.out_lo, *out_hi = b.out_hi;
  uint64_t bits = 0;
  for (uint32_t l = 0; l < 64; ++l) {
    a.s[0] = lo0[l];
    a.s[1] = lo1[l];
    a.s[2] = lo2[l];
    if constexpr (kWide) {
      a.s[0] |= uint64_t{hi0[l]} << 32;
      a.s[1] |= uint64_t{hi1[l]} << 32;
      a.s[2] |= uint64_t{hi2[l]} << 32;
    }
    a.carry = cond >> l & 1;
    a.lane = l;
    const uint64_t r = F{}(a);
    if constexpr (kCompare) {
      bits |= (r & 1) << l;
    } else {
      out_lo[l] = static_cast<uint32_t>(r);
      if constexpr (kWide) {
        if (out_hi) out_hi[l] = static_cast<uint32_t>(r >> 32);
      }
    }
  }
  b.bits = bits;
}

/// A per-lane operation's two drivers.
struct LaneFns {
  BatchFn wide = nullptr;
  NarrowFn narrow32 = nullptr;   // 32-bit sources and result
  NarrowFn narrow64 = nullptr;   // some source or the result 64-bit
  NarrowFn compare32 = nullptr;  // 32-bit sources, result bits
  NarrowFn compare64 = nullptr;  // 64-bit sources, result bits
  explicit operator bool() const { return wide != nullptr; }
};

/// The batch functions of a capture-less per-lane lambda.
template <typename F>
constexpr LaneFns fn(F) {
  return {run_batch<F>, run_narrow<F, false, false>, run_narrow<F, true, false>,
          run_narrow<F, false, true>, run_narrow<F, true, true>};
}

enum class ValuKind : uint8_t {
  kWrite,      // VGPR result
  kCarryOut,   // VGPR result and a carry bit (LaneArgs::carry on return)
  kCompare,    // bit result to vcc / sdst
  kCompareX,   // ... and to exec
  kCarryOnly,  // v_div_scale: VGPR result and a flag bit
};

struct ValuOp {
  LaneFns fn;
  ValuKind kind;
  LaneFns clamped{};  // the integer op with VOP3 clamp (saturation)
};

Step exec_valu(Wave& w, const Instruction& in, ExecContext& ctx, const void* aux);

void add_salu_ops(SemanticsMap& m);
void add_valu_int_ops(SemanticsMap& m);
void add_valu_fp_ops(SemanticsMap& m);
void add_valu_special_ops(SemanticsMap& m);
void add_mem_ops(SemanticsMap& m);
void add_ds_ops(SemanticsMap& m);
void add_sopp_ops(SemanticsMap& m);

}  // namespace amdrr::sim::isa

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

/// The common case without a carry-out, modifiers or inactive lanes: 32-bit
/// sources read straight from VGPR rows (or a scalar: lane_mask 0), the
/// 32-bit result written straight into the destination row.
struct NarrowBatch {
  const uint32_t* s[3];
  uint32_t lane_mask[3];
  uint64_t cond;
  uint32_t mode;
  uint64_t k;
  uint32_t* out;
};
using NarrowFn = void (*)(NarrowBatch&);

template <typename F>
void run_narrow(NarrowBatch& b) {
  LaneArgs a{};
  a.mode = b.mode;
  a.k = b.k;
  for (int l = 0; l < 64; ++l) {
    a.s[0] = b.s[0][l & b.lane_mask[0]];
    a.s[1] = b.s[1][l & b.lane_mask[1]];
    a.s[2] = b.s[2][l & b.lane_mask[2]];
    a.carry = b.cond >> l & 1;
    a.lane = static_cast<uint32_t>(l);
    b.out[l] = static_cast<uint32_t>(F{}(a));
  }
}

/// A per-lane operation's two drivers.
struct LaneFns {
  BatchFn wide = nullptr;
  NarrowFn narrow = nullptr;
  explicit operator bool() const { return wide != nullptr; }
};

/// The batch functions of a capture-less per-lane lambda.
template <typename F>
constexpr LaneFns fn(F) {
  return {run_batch<F>, run_narrow<F>};
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

#pragma once
// Binding of semantics to table entries: each execution-unit file adds its
// instructions by mnemonic; the interpreter resolves them once per entry of
// the opcode table.

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

// VALU: per-lane functions with a common operand driver.
struct LaneArgs {
  uint64_t s[3];
  bool carry;  // carry-in / condition bit (vcc or the SGPR-pair source)
  uint32_t lane;
  uint32_t mode;
  uint64_t k;  // the literal (v_fmamk / v_fmaak)
};
using LaneFn = uint64_t (*)(LaneArgs&);

enum class ValuKind : uint8_t {
  kWrite,      // VGPR result
  kCarryOut,   // VGPR result and a carry bit (LaneArgs::carry on return)
  kCompare,    // bit result to vcc / sdst
  kCompareX,   // ... and to exec
  kCarryOnly,  // v_div_scale: VGPR result and a flag bit
};

struct ValuOp {
  LaneFn fn;
  ValuKind kind;
};

Step exec_valu(Wave& w, const Instruction& in, ExecContext& ctx, const void* aux);

void add_salu_ops(SemanticsMap& m);
void add_valu_int_ops(SemanticsMap& m);
void add_valu_fp_ops(SemanticsMap& m);
void add_valu_special_ops(SemanticsMap& m);
void add_mem_ops(SemanticsMap& m);
void add_ds_ops(SemanticsMap& m);

}  // namespace amdrr::sim::isa

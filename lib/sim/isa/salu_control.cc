// Program control: SOPP (branches, s_endpgm, s_barrier, waits and cache
// hints), s_getpc / s_setpc / s_swappc, and s_getreg / s_setreg on MODE.

#include <string>
#include <string_view>

#include "lib/sim/isa/operands.h"
#include "lib/sim/isa/semantics.h"

namespace amdrr::sim::isa {
namespace {

using u32 = uint32_t;
using u64 = uint64_t;

u64 src64(Wave& w, const Instruction& in, ExecContext& ctx) {
  return scalar_src(w, in, in.src[0], 2, 0, ctx.setup);
}

Step exec_getpc(Wave& w, const Instruction& in, ExecContext&, const void*) {
  w.set_sgpr64(in.dst, w.pc + in.size);
  return Step::kNext;
}
Step exec_setpc(Wave& w, const Instruction& in, ExecContext& ctx, const void*) {
  w.pc = src64(w, in, ctx);
  return Step::kJumped;
}
Step exec_swappc(Wave& w, const Instruction& in, ExecContext& ctx, const void*) {
  u64 target = src64(w, in, ctx);
  w.set_sgpr64(in.dst, w.pc + in.size);
  w.pc = target;
  return Step::kJumped;
}

// hwreg(id, offset, size): only MODE (id 1) is writable state here.
Step exec_getreg(Wave& w, const Instruction& in, ExecContext& ctx, const void*) {
  u32 id = in.simm16 & 0x3f, off = in.simm16 >> 6 & 0x1f, size = (in.simm16 >> 11 & 0x1f) + 1;
  u32 v;
  if (id == 1)
    v = w.mode;
  else if (id == 6)
    v = 0;  // LDS_ALLOC: UNVERIFIED, reads as 0
  else {
    ctx.message = "s_getreg of hwreg " + std::to_string(id);
    return Step::kUnsupported;
  }
  u32 mask = size >= 32 ? ~0u : (1u << size) - 1;
  w.sreg[in.dst & 127] = (v >> off) & mask;
  return Step::kNext;
}
Step exec_setreg(Wave& w, const Instruction& in, ExecContext& ctx, const void*) {
  u32 id = in.simm16 & 0x3f, off = in.simm16 >> 6 & 0x1f, size = (in.simm16 >> 11 & 0x1f) + 1;
  if (id != 1) {
    ctx.message = "s_setreg of hwreg " + std::to_string(id);
    return Step::kUnsupported;
  }
  u32 v = std::string_view(in.op->name) == "s_setreg_imm32_b32" ? in.literal : w.sreg[in.dst & 127];
  u32 mask = (size >= 32 ? ~0u : (1u << size) - 1) << off;
  w.mode = (w.mode & ~mask) | ((v << off) & mask);
  return Step::kNext;
}

Step branch_if(Wave& w, const Instruction& in, bool taken) {
  if (!taken) return Step::kNext;
  w.pc = w.pc + 4 + static_cast<int64_t>(static_cast<int16_t>(in.simm16)) * 4;
  return Step::kJumped;
}

}  // namespace

void add_sopp_ops(SemanticsMap& m) {
  m["s_getpc_b64"] = {exec_getpc, nullptr};
  m["s_setpc_b64"] = {exec_setpc, nullptr};
  m["s_swappc_b64"] = {exec_swappc, nullptr};
  m["s_getreg_b32"] = {exec_getreg, nullptr};
  m["s_setreg_b32"] = {exec_setreg, nullptr};
  m["s_setreg_imm32_b32"] = {exec_setreg, nullptr};
  // SOPP.
  auto next = [](Wave&, const Instruction&, ExecContext&, const void*) { return Step::kNext; };
  for (const char* n : {"s_nop", "s_waitcnt", "s_sleep", "s_setprio", "s_icache_inv",
                        "s_incperflevel", "s_decperflevel", "s_ttracedata", "s_dcache_wb",
                        "s_dcache_inv", "s_dcache_wb_vol", "s_dcache_inv_vol", "buffer_wbl2",
                        "buffer_inv", "buffer_invl2", "buffer_wbinvl1", "buffer_wbinvl1_vol"})
    m[n] = {next, nullptr};
  m["s_endpgm"] = {[](Wave&, const Instruction&, ExecContext&, const void*) { return Step::kEnd; },
                   nullptr};
  m["s_barrier"] = {
      [](Wave&, const Instruction&, ExecContext&, const void*) { return Step::kBarrier; }, nullptr};
  m["s_branch"] = {[](Wave& w, const Instruction& in, ExecContext&, const void*) {
                     return branch_if(w, in, true);
                   },
                   nullptr};
  m["s_cbranch_scc0"] = {[](Wave& w, const Instruction& in, ExecContext&, const void*) {
                           return branch_if(w, in, !w.scc);
                         },
                         nullptr};
  m["s_cbranch_scc1"] = {[](Wave& w, const Instruction& in, ExecContext&, const void*) {
                           return branch_if(w, in, w.scc);
                         },
                         nullptr};
  m["s_cbranch_vccz"] = {[](Wave& w, const Instruction& in, ExecContext&, const void*) {
                           return branch_if(w, in, w.vcc() == 0);
                         },
                         nullptr};
  m["s_cbranch_vccnz"] = {[](Wave& w, const Instruction& in, ExecContext&, const void*) {
                            return branch_if(w, in, w.vcc() != 0);
                          },
                          nullptr};
  m["s_cbranch_execz"] = {[](Wave& w, const Instruction& in, ExecContext&, const void*) {
                            return branch_if(w, in, w.exec() == 0);
                          },
                          nullptr};
  m["s_cbranch_execnz"] = {[](Wave& w, const Instruction& in, ExecContext&, const void*) {
                             return branch_if(w, in, w.exec() != 0);
                           },
                           nullptr};
}

}  // namespace amdrr::sim::isa

// Scalar ALU: SOP1, SOP2, SOPK, SOPC arithmetic, logic, compares, and the
// exec-mask save/restore ops. Program control (SOPP, s_getpc / s_setpc /
// s_swappc, s_getreg / s_setreg) is in salu_control.cc.

#include <bit>
#include <string_view>

#include "lib/sim/isa/operands.h"
#include "lib/sim/isa/semantics.h"

namespace amdrr::sim::isa {
namespace {

using u32 = uint32_t;
using i32 = int32_t;
using u64 = uint64_t;
using i64 = int64_t;

// A scalar op: result from (a, b); `scc` is read (carry in) and written when
// the op defines SCC.
struct SaluOp {
  u64 (*fn)(u64 a, u64 b, bool& scc);
  bool writes_scc;
};

u64 src(Wave& w, const Instruction& in, int i, u32 dwords, ExecContext& ctx) {
  u32 code = in.src[i];
  return scalar_src(w, in, code, dwords, 0, ctx.setup);
}

void write_sdst(Wave& w, u32 r, u64 v, u32 dwords) {
  if (dwords >= 2)
    w.set_sgpr64(r, v);
  else
    w.sreg[r & 127] = static_cast<u32>(v);
}

Step exec_salu(Wave& w, const Instruction& in, ExecContext& ctx, const void* aux) {
  const SaluOp& s = *static_cast<const SaluOp*>(aux);
  const OpInfo& op = *in.op;
  u64 a = 0, b = 0;
  if (op.format == Format::kSopk) {
    a = op.dst ? (op.dst >= 2 ? w.sgpr64(in.dst) : w.sreg[in.dst & 127]) : 0;
    b = in.simm16;
  } else {
    if (op.src0) a = src(w, in, 0, op.src0, ctx);
    if (op.src1) b = src(w, in, 1, op.src1, ctx);
  }
  bool scc = w.scc;
  u64 r = s.fn(a, b, scc);
  if (s.writes_scc) w.scc = scc;
  if (op.dst && op.format != Format::kSopc) write_sdst(w, in.dst, r, op.dst);
  return Step::kNext;
}

template <typename F>
constexpr auto sf(F f) {
  return +f;
}

const struct {
  const char* name;
  SaluOp op;
} kOps[] = {
    {"s_mov_b32", {sf([](u64 a, u64, bool&) -> u64 { return a; }), false}},
    {"s_mov_b64", {sf([](u64 a, u64, bool&) -> u64 { return a; }), false}},
    {"s_movk_i32",
     {sf([](u64, u64 b, bool&) -> u64 { return static_cast<u32>(static_cast<int16_t>(b)); }),
      false}},
    {"s_cmovk_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        return c ? static_cast<u32>(static_cast<int16_t>(b)) : a;
      }),
      false}},
    {"s_cmov_b32", {nullptr, false}},  // needs the old destination: handled below
    {"s_not_b32",
     {sf([](u64 a, u64, bool& c) -> u64 {
        u32 r = ~static_cast<u32>(a);
        c = r;
        return r;
      }),
      true}},
    {"s_not_b64",
     {sf([](u64 a, u64, bool& c) -> u64 {
        u64 r = ~a;
        c = r;
        return r;
      }),
      true}},
    {"s_brev_b32",
     {sf([](u64 a, u64, bool&) -> u64 {
        u32 v = static_cast<u32>(a), r = 0;
        for (int i = 0; i < 32; ++i) r |= ((v >> i) & 1) << (31 - i);
        return r;
      }),
      false}},
    {"s_bcnt1_i32_b32",
     {sf([](u64 a, u64, bool& c) -> u64 {
        u32 r = std::popcount(static_cast<u32>(a));
        c = r;
        return r;
      }),
      true}},
    {"s_bcnt1_i32_b64",
     {sf([](u64 a, u64, bool& c) -> u64 {
        u32 r = std::popcount(a);
        c = r;
        return r;
      }),
      true}},
    {"s_ff1_i32_b32",
     {sf([](u64 a, u64, bool&) -> u64 {
        return static_cast<u32>(a) ? std::countr_zero(static_cast<u32>(a)) : 0xffffffffu;
      }),
      false}},
    {"s_ff1_i32_b64",
     {sf([](u64 a, u64, bool&) -> u64 { return a ? std::countr_zero(a) : 0xffffffffu; }), false}},
    {"s_flbit_i32_b32",
     {sf([](u64 a, u64, bool&) -> u64 {
        return static_cast<u32>(a) ? std::countl_zero(static_cast<u32>(a)) : 0xffffffffu;
      }),
      false}},
    {"s_flbit_i32_b64",
     {sf([](u64 a, u64, bool&) -> u64 { return a ? std::countl_zero(a) : 0xffffffffu; }), false}},
    {"s_sext_i32_i8",
     {sf([](u64 a, u64, bool&) -> u64 {
        return static_cast<u32>(static_cast<i32>(static_cast<int8_t>(a)));
      }),
      false}},
    {"s_sext_i32_i16",
     {sf([](u64 a, u64, bool&) -> u64 {
        return static_cast<u32>(static_cast<i32>(static_cast<int16_t>(a)));
      }),
      false}},
    {"s_abs_i32",
     {sf([](u64 a, u64, bool& c) -> u64 {
        i32 v = static_cast<i32>(a);
        u32 r = v < 0 ? 0u - static_cast<u32>(v) : static_cast<u32>(v);
        c = r;
        return r;
      }),
      true}},
    {"s_add_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = (a & 0xffffffff) + (b & 0xffffffff);
        c = r >> 32;
        return static_cast<u32>(r);
      }),
      true}},
    {"s_sub_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(b) > static_cast<u32>(a);
        return static_cast<u32>(a - b);
      }),
      true}},
    {"s_addc_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = (a & 0xffffffff) + (b & 0xffffffff) + c;
        c = r >> 32;
        return static_cast<u32>(r);
      }),
      true}},
    {"s_subb_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 sub = (b & 0xffffffff) + c;
        u32 r = static_cast<u32>((a & 0xffffffff) - sub);
        c = sub > (a & 0xffffffff);
        return r;
      }),
      true}},
    {"s_add_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        i64 r = i64{static_cast<i32>(a)} + static_cast<i32>(b);
        c = r != static_cast<i32>(r);
        return static_cast<u32>(r);
      }),
      true}},
    {"s_sub_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        i64 r = i64{static_cast<i32>(a)} - static_cast<i32>(b);
        c = r != static_cast<i32>(r);
        return static_cast<u32>(r);
      }),
      true}},
    {"s_addk_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        i64 r = i64{static_cast<i32>(a)} + static_cast<int16_t>(b);
        c = r != static_cast<i32>(r);
        return static_cast<u32>(r);
      }),
      true}},
    {"s_mulk_i32",
     {sf([](u64 a, u64 b, bool&) -> u64 {
        return static_cast<u32>(static_cast<i32>(a) * static_cast<int16_t>(b));
      }),
      false}},
    {"s_mul_i32",
     {sf([](u64 a, u64 b, bool&) -> u64 {
        return static_cast<u32>(static_cast<u32>(a) * static_cast<u32>(b));
      }),
      false}},
    {"s_mul_hi_u32",
     {sf([](u64 a, u64 b, bool&) -> u64 { return ((a & 0xffffffff) * (b & 0xffffffff)) >> 32; }),
      false}},
    {"s_mul_hi_i32",
     {sf([](u64 a, u64 b, bool&) -> u64 {
        return static_cast<u32>(static_cast<u64>(i64{static_cast<i32>(a)} * static_cast<i32>(b)) >>
                                32);
      }),
      false}},
    {"s_min_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<i32>(a) < static_cast<i32>(b);
        return c ? a : b;
      }),
      true}},
    {"s_min_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(a) < static_cast<u32>(b);
        return c ? a : b;
      }),
      true}},
    {"s_max_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<i32>(a) > static_cast<i32>(b);
        return c ? a : b;
      }),
      true}},
    {"s_max_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(a) > static_cast<u32>(b);
        return c ? a : b;
      }),
      true}},
    {"s_cselect_b32", {sf([](u64 a, u64 b, bool& c) -> u64 { return c ? a : b; }), false}},
    {"s_cselect_b64", {sf([](u64 a, u64 b, bool& c) -> u64 { return c ? a : b; }), false}},
    {"s_and_b32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u32 r = static_cast<u32>(a & b);
        c = r;
        return r;
      }),
      true}},
    {"s_and_b64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = a & b;
        c = r;
        return r;
      }),
      true}},
    {"s_or_b32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u32 r = static_cast<u32>(a | b);
        c = r;
        return r;
      }),
      true}},
    {"s_or_b64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = a | b;
        c = r;
        return r;
      }),
      true}},
    {"s_xor_b32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u32 r = static_cast<u32>(a ^ b);
        c = r;
        return r;
      }),
      true}},
    {"s_xor_b64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = a ^ b;
        c = r;
        return r;
      }),
      true}},
    {"s_andn2_b32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u32 r = static_cast<u32>(a & ~b);
        c = r;
        return r;
      }),
      true}},
    {"s_andn2_b64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = a & ~b;
        c = r;
        return r;
      }),
      true}},
    {"s_orn2_b32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u32 r = static_cast<u32>(a | ~b);
        c = r;
        return r;
      }),
      true}},
    {"s_orn2_b64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = a | ~b;
        c = r;
        return r;
      }),
      true}},
    {"s_nand_b64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = ~(a & b);
        c = r;
        return r;
      }),
      true}},
    {"s_nor_b64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = ~(a | b);
        c = r;
        return r;
      }),
      true}},
    {"s_xnor_b64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = ~(a ^ b);
        c = r;
        return r;
      }),
      true}},
    {"s_lshl_b32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u32 r = static_cast<u32>(a << (b & 31));
        c = r;
        return r;
      }),
      true}},
    {"s_lshl_b64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = a << (b & 63);
        c = r;
        return r;
      }),
      true}},
    {"s_lshr_b32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u32 r = static_cast<u32>(a) >> (b & 31);
        c = r;
        return r;
      }),
      true}},
    {"s_lshr_b64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = a >> (b & 63);
        c = r;
        return r;
      }),
      true}},
    {"s_ashr_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u32 r = static_cast<u32>(static_cast<i32>(a) >> (b & 31));
        c = r;
        return r;
      }),
      true}},
    {"s_ashr_i64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = static_cast<u64>(static_cast<i64>(a) >> (b & 63));
        c = r;
        return r;
      }),
      true}},
    {"s_lshl1_add_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = ((a & 0xffffffff) << 1) + (b & 0xffffffff);
        c = r >> 32;
        return static_cast<u32>(r);
      }),
      true}},
    {"s_lshl2_add_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = ((a & 0xffffffff) << 2) + (b & 0xffffffff);
        c = r >> 32;
        return static_cast<u32>(r);
      }),
      true}},
    {"s_lshl3_add_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = ((a & 0xffffffff) << 3) + (b & 0xffffffff);
        c = r >> 32;
        return static_cast<u32>(r);
      }),
      true}},
    {"s_lshl4_add_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u64 r = ((a & 0xffffffff) << 4) + (b & 0xffffffff);
        c = r >> 32;
        return static_cast<u32>(r);
      }),
      true}},
    {"s_bfm_b32",
     {sf([](u64 a, u64 b, bool&) -> u64 {
        return static_cast<u32>(((1ull << (a & 31)) - 1) << (b & 31));
      }),
      false}},
    {"s_bfm_b64",
     {sf([](u64 a, u64 b, bool&) -> u64 {
        return ((a & 63) == 0 ? 0 : (~0ull >> (64 - (a & 63)))) << (b & 63);
      }),
      false}},
    {"s_bfe_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u32 off = b & 31, w = (b >> 16) & 0x7f;
        u32 r = w ? static_cast<u32>((a & 0xffffffff) >> off) & (w >= 32 ? ~0u : (1u << w) - 1) : 0;
        c = r;
        return r;
      }),
      true}},
    {"s_bfe_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u32 off = b & 31, w = (b >> 16) & 0x7f;
        if (!w) {
          c = false;
          return 0;
        }
        if (w > 32) w = 32;
        i32 r = static_cast<i32>(static_cast<u32>(a) >> off << (32 - w)) >> (32 - w);
        c = r;
        return static_cast<u32>(r);
      }),
      true}},
    {"s_bfe_u64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u32 off = b & 63, w = (b >> 16) & 0x7f;
        u64 r = w ? (a >> off) & (w >= 64 ? ~0ull : (1ull << w) - 1) : 0;
        c = r;
        return r;
      }),
      true}},
    {"s_bfe_i64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        u32 off = b & 63, w = (b >> 16) & 0x7f;
        if (!w) {
          c = false;
          return 0;
        }
        if (w > 64) w = 64;
        i64 r = static_cast<i64>(a >> off << (64 - w)) >> (64 - w);
        c = r;
        return static_cast<u64>(r);
      }),
      true}},
    {"s_absdiff_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        i64 d = i64{static_cast<i32>(a)} - static_cast<i32>(b);
        u32 r = static_cast<u32>(d < 0 ? -d : d);
        c = r;
        return r;
      }),
      true}},
    {"s_pack_ll_b32_b16",
     {sf([](u64 a, u64 b, bool&) -> u64 { return (a & 0xffff) | (b & 0xffff) << 16; }), false}},
    {"s_pack_lh_b32_b16",
     {sf([](u64 a, u64 b, bool&) -> u64 { return (a & 0xffff) | (b & 0xffff0000); }), false}},
    {"s_pack_hh_b32_b16",
     {sf([](u64 a, u64 b, bool&) -> u64 { return (a >> 16 & 0xffff) | (b & 0xffff0000); }), false}},
    {"s_bitset0_b32", {nullptr, false}},
    // SOPC and SOPK compares: result in SCC.
    {"s_cmp_eq_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(a) == static_cast<u32>(b);
        return 0;
      }),
      true}},
    {"s_cmp_lg_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(a) != static_cast<u32>(b);
        return 0;
      }),
      true}},
    {"s_cmp_gt_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<i32>(a) > static_cast<i32>(b);
        return 0;
      }),
      true}},
    {"s_cmp_ge_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<i32>(a) >= static_cast<i32>(b);
        return 0;
      }),
      true}},
    {"s_cmp_lt_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<i32>(a) < static_cast<i32>(b);
        return 0;
      }),
      true}},
    {"s_cmp_le_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<i32>(a) <= static_cast<i32>(b);
        return 0;
      }),
      true}},
    {"s_cmp_eq_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(a) == static_cast<u32>(b);
        return 0;
      }),
      true}},
    {"s_cmp_lg_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(a) != static_cast<u32>(b);
        return 0;
      }),
      true}},
    {"s_cmp_gt_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(a) > static_cast<u32>(b);
        return 0;
      }),
      true}},
    {"s_cmp_ge_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(a) >= static_cast<u32>(b);
        return 0;
      }),
      true}},
    {"s_cmp_lt_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(a) < static_cast<u32>(b);
        return 0;
      }),
      true}},
    {"s_cmp_le_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(a) <= static_cast<u32>(b);
        return 0;
      }),
      true}},
    {"s_cmp_eq_u64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = a == b;
        return 0;
      }),
      true}},
    {"s_cmp_lg_u64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = a != b;
        return 0;
      }),
      true}},
    {"s_bitcmp0_b32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = !((a >> (b & 31)) & 1);
        return 0;
      }),
      true}},
    {"s_bitcmp1_b32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = (a >> (b & 31)) & 1;
        return 0;
      }),
      true}},
    {"s_bitcmp0_b64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = !((a >> (b & 63)) & 1);
        return 0;
      }),
      true}},
    {"s_bitcmp1_b64",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = (a >> (b & 63)) & 1;
        return 0;
      }),
      true}},
};

// SOPK compares take the register and a 16-bit immediate (sign- or zero-extended).
const struct {
  const char* name;
  SaluOp op;
} kSopkCmp[] = {
    {"s_cmpk_eq_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<i32>(a) == static_cast<int16_t>(b);
        return 0;
      }),
      true}},
    {"s_cmpk_lg_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<i32>(a) != static_cast<int16_t>(b);
        return 0;
      }),
      true}},
    {"s_cmpk_gt_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<i32>(a) > static_cast<int16_t>(b);
        return 0;
      }),
      true}},
    {"s_cmpk_ge_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<i32>(a) >= static_cast<int16_t>(b);
        return 0;
      }),
      true}},
    {"s_cmpk_lt_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<i32>(a) < static_cast<int16_t>(b);
        return 0;
      }),
      true}},
    {"s_cmpk_le_i32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<i32>(a) <= static_cast<int16_t>(b);
        return 0;
      }),
      true}},
    {"s_cmpk_eq_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(a) == b;
        return 0;
      }),
      true}},
    {"s_cmpk_lg_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(a) != b;
        return 0;
      }),
      true}},
    {"s_cmpk_gt_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(a) > b;
        return 0;
      }),
      true}},
    {"s_cmpk_ge_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(a) >= b;
        return 0;
      }),
      true}},
    {"s_cmpk_lt_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(a) < b;
        return 0;
      }),
      true}},
    {"s_cmpk_le_u32",
     {sf([](u64 a, u64 b, bool& c) -> u64 {
        c = static_cast<u32>(a) <= b;
        return 0;
      }),
      true}},
};

Step exec_cmov(Wave& w, const Instruction& in, ExecContext& ctx, const void*) {
  if (w.scc) write_sdst(w, in.dst, src(w, in, 0, in.op->src0, ctx), in.op->dst);
  return Step::kNext;
}

Step exec_bitset(Wave& w, const Instruction& in, ExecContext& ctx, const void* aux) {
  u32 bit = static_cast<u32>(src(w, in, 0, 1, ctx)) & 31;
  if (aux)
    w.sreg[in.dst & 127] |= 1u << bit;
  else
    w.sreg[in.dst & 127] &= ~(1u << bit);
  return Step::kNext;
}

// s_*_saveexec_b64: sdst = exec; exec = f(src, exec); scc = exec != 0.
u64 se_and(u64 s, u64 e) {
  return s & e;
}
u64 se_or(u64 s, u64 e) {
  return s | e;
}
u64 se_xor(u64 s, u64 e) {
  return s ^ e;
}
u64 se_andn2(u64 s, u64 e) {
  return s & ~e;
}
u64 se_orn2(u64 s, u64 e) {
  return s | ~e;
}
u64 se_andn1(u64 s, u64 e) {
  return ~s & e;
}

template <u64 (*F)(u64 s, u64 e)>
Step exec_saveexec(Wave& w, const Instruction& in, ExecContext& ctx, const void*) {
  u64 s = src(w, in, 0, 2, ctx);
  u64 e = w.exec();
  w.set_sgpr64(in.dst, e);
  u64 ne = F(s, e);
  w.set_exec(ne);
  w.scc = ne != 0;
  return Step::kNext;
}

}  // namespace

void add_salu_ops(SemanticsMap& m) {
  for (const auto& o : kOps)
    if (o.op.fn) m[o.name] = {exec_salu, &o.op};
  for (const auto& o : kSopkCmp) m[o.name] = {exec_salu, &o.op};
  m["s_cmov_b32"] = {exec_cmov, nullptr};
  m["s_cmov_b64"] = {exec_cmov, nullptr};
  m["s_bitset0_b32"] = {exec_bitset, nullptr};
  static const int kOne = 1;
  m["s_bitset1_b32"] = {exec_bitset, &kOne};
  m["s_and_saveexec_b64"] = {exec_saveexec<se_and>, nullptr};
  m["s_or_saveexec_b64"] = {exec_saveexec<se_or>, nullptr};
  m["s_xor_saveexec_b64"] = {exec_saveexec<se_xor>, nullptr};
  m["s_andn2_saveexec_b64"] = {exec_saveexec<se_andn2>, nullptr};
  m["s_orn2_saveexec_b64"] = {exec_saveexec<se_orn2>, nullptr};
  m["s_andn1_saveexec_b64"] = {exec_saveexec<se_andn1>, nullptr};
}

}  // namespace amdrr::sim::isa

// Integer VALU instructions as per-lane functions (VOP1/VOP2/VOP3/VOPC).

#include <algorithm>
#include <bit>
#include <climits>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "lib/sim/isa/semantics.h"

namespace amdrr::sim::isa {
namespace {

using u32 = uint32_t;
using i32 = int32_t;
using u64 = uint64_t;
using i64 = int64_t;
constexpr u32 lo(u64 v) {
  return static_cast<u32>(v);
}
constexpr i32 slo(u64 v) {
  return static_cast<i32>(static_cast<u32>(v));
}
constexpr u64 z(i32 v) {
  return static_cast<u32>(v);
}
constexpr i64 sext24(u64 v) {
  return static_cast<i32>(static_cast<u32>(v) << 8) >> 8;
}

struct Named {
  const char* name;
  ValuOp op;
};
using K = ValuKind;

u32 med3(u32 a, u32 b, u32 c) {
  return std::max(std::min(a, b), std::min(std::max(a, b), c));
}
i32 med3s(i32 a, i32 b, i32 c) {
  return std::max(std::min(a, b), std::min(std::max(a, b), c));
}

const Named kOps[] = {
    {"v_mov_b32", {fn([](LaneArgs& a) -> u64 { return lo(a.s[0]); }), K::kWrite}},
    {"v_mov_b64", {fn([](LaneArgs& a) -> u64 { return a.s[0]; }), K::kWrite}},
    {"v_accvgpr_read_b32", {fn([](LaneArgs& a) -> u64 { return lo(a.s[0]); }), K::kWrite}},
    {"v_accvgpr_write_b32", {fn([](LaneArgs& a) -> u64 { return lo(a.s[0]); }), K::kWrite}},
    {"v_accvgpr_mov_b32", {fn([](LaneArgs& a) -> u64 { return lo(a.s[0]); }), K::kWrite}},
    {"v_cndmask_b32",
     {fn([](LaneArgs& a) -> u64 { return a.carry ? lo(a.s[1]) : lo(a.s[0]); }), K::kWrite}},
    {"v_add_u32", {fn([](LaneArgs& a) -> u64 { return lo(a.s[0] + a.s[1]); }), K::kWrite}},
    {"v_sub_u32", {fn([](LaneArgs& a) -> u64 { return lo(a.s[0] - a.s[1]); }), K::kWrite}},
    {"v_subrev_u32", {fn([](LaneArgs& a) -> u64 { return lo(a.s[1] - a.s[0]); }), K::kWrite}},
    {"v_add_co_u32",
     {fn([](LaneArgs& a) -> u64 {
        u64 r = u64{lo(a.s[0])} + lo(a.s[1]);
        a.carry = r >> 32;
        return lo(r);
      }),
      K::kCarryOut}},
    {"v_sub_co_u32",
     {fn([](LaneArgs& a) -> u64 {
        a.carry = lo(a.s[1]) > lo(a.s[0]);
        return lo(a.s[0] - a.s[1]);
      }),
      K::kCarryOut}},
    {"v_subrev_co_u32",
     {fn([](LaneArgs& a) -> u64 {
        a.carry = lo(a.s[0]) > lo(a.s[1]);
        return lo(a.s[1] - a.s[0]);
      }),
      K::kCarryOut}},
    {"v_addc_co_u32",
     {fn([](LaneArgs& a) -> u64 {
        u64 r = u64{lo(a.s[0])} + lo(a.s[1]) + a.carry;
        a.carry = r >> 32;
        return lo(r);
      }),
      K::kCarryOut}},
    {"v_subb_co_u32",
     {fn([](LaneArgs& a) -> u64 {
        u64 sub = u64{lo(a.s[1])} + a.carry;
        u32 r = lo(u64{lo(a.s[0])} - sub);
        a.carry = sub > lo(a.s[0]);
        return r;
      }),
      K::kCarryOut}},
    {"v_subbrev_co_u32",
     {fn([](LaneArgs& a) -> u64 {
        u64 sub = u64{lo(a.s[0])} + a.carry;
        u32 r = lo(u64{lo(a.s[1])} - sub);
        a.carry = sub > lo(a.s[1]);
        return r;
      }),
      K::kCarryOut}},
    {"v_mul_lo_u32",
     {fn([](LaneArgs& a) -> u64 { return lo(u64{lo(a.s[0])} * lo(a.s[1])); }), K::kWrite}},
    {"v_mul_hi_u32",
     {fn([](LaneArgs& a) -> u64 { return (u64{lo(a.s[0])} * lo(a.s[1])) >> 32; }), K::kWrite}},
    {"v_mul_hi_i32",
     {fn([](LaneArgs& a) -> u64 {
        return lo(static_cast<u64>(i64{slo(a.s[0])} * slo(a.s[1])) >> 32);
      }),
      K::kWrite}},
    {"v_mul_u32_u24",
     {fn([](LaneArgs& a) -> u64 { return lo((a.s[0] & 0xffffff) * (a.s[1] & 0xffffff)); }),
      K::kWrite}},
    {"v_mul_hi_u32_u24",
     {fn([](LaneArgs& a) -> u64 { return lo(((a.s[0] & 0xffffff) * (a.s[1] & 0xffffff)) >> 32); }),
      K::kWrite}},
    {"v_mul_i32_i24",
     {fn([](LaneArgs& a) -> u64 { return lo(static_cast<u64>(sext24(a.s[0]) * sext24(a.s[1]))); }),
      K::kWrite}},
    {"v_mul_hi_i32_i24",
     {fn([](LaneArgs& a) -> u64 {
        return lo(static_cast<u64>(sext24(a.s[0]) * sext24(a.s[1])) >> 32);
      }),
      K::kWrite}},
    {"v_mad_u32_u24",
     {fn([](LaneArgs& a) -> u64 { return lo((a.s[0] & 0xffffff) * (a.s[1] & 0xffffff) + a.s[2]); }),
      K::kWrite}},
    {"v_mad_i32_i24",
     {fn([](LaneArgs& a) -> u64 {
        return lo(static_cast<u64>(sext24(a.s[0]) * sext24(a.s[1])) + a.s[2]);
      }),
      K::kWrite}},
    {"v_mad_u64_u32",
     {fn([](LaneArgs& a) -> u64 {
        u64 p = u64{lo(a.s[0])} * lo(a.s[1]), r = p + a.s[2];
        a.carry = r < p;
        return r;
      }),
      K::kCarryOut}},
    {"v_mad_i64_i32",
     {fn([](LaneArgs& a) -> u64 {
        i64 r;
        a.carry =
            __builtin_add_overflow(i64{slo(a.s[0])} * slo(a.s[1]), static_cast<i64>(a.s[2]), &r);
        return static_cast<u64>(r);
      }),
      K::kCarryOut}},
    {"v_min_i32",
     {fn([](LaneArgs& a) -> u64 { return z(std::min(slo(a.s[0]), slo(a.s[1]))); }), K::kWrite}},
    {"v_max_i32",
     {fn([](LaneArgs& a) -> u64 { return z(std::max(slo(a.s[0]), slo(a.s[1]))); }), K::kWrite}},
    {"v_min_u32",
     {fn([](LaneArgs& a) -> u64 { return std::min(lo(a.s[0]), lo(a.s[1])); }), K::kWrite}},
    {"v_max_u32",
     {fn([](LaneArgs& a) -> u64 { return std::max(lo(a.s[0]), lo(a.s[1])); }), K::kWrite}},
    {"v_min3_i32",
     {fn([](LaneArgs& a) -> u64 {
        return z(std::min({slo(a.s[0]), slo(a.s[1]), slo(a.s[2])}));
      }),
      K::kWrite}},
    {"v_max3_i32",
     {fn([](LaneArgs& a) -> u64 {
        return z(std::max({slo(a.s[0]), slo(a.s[1]), slo(a.s[2])}));
      }),
      K::kWrite}},
    {"v_min3_u32",
     {fn([](LaneArgs& a) -> u64 {
        return std::min({lo(a.s[0]), lo(a.s[1]), lo(a.s[2])});
      }),
      K::kWrite}},
    {"v_max3_u32",
     {fn([](LaneArgs& a) -> u64 {
        return std::max({lo(a.s[0]), lo(a.s[1]), lo(a.s[2])});
      }),
      K::kWrite}},
    {"v_med3_u32",
     {fn([](LaneArgs& a) -> u64 { return med3(lo(a.s[0]), lo(a.s[1]), lo(a.s[2])); }), K::kWrite}},
    {"v_med3_i32",
     {fn([](LaneArgs& a) -> u64 { return z(med3s(slo(a.s[0]), slo(a.s[1]), slo(a.s[2]))); }),
      K::kWrite}},
    {"v_and_b32", {fn([](LaneArgs& a) -> u64 { return lo(a.s[0] & a.s[1]); }), K::kWrite}},
    {"v_or_b32", {fn([](LaneArgs& a) -> u64 { return lo(a.s[0] | a.s[1]); }), K::kWrite}},
    {"v_xor_b32", {fn([](LaneArgs& a) -> u64 { return lo(a.s[0] ^ a.s[1]); }), K::kWrite}},
    {"v_xnor_b32", {fn([](LaneArgs& a) -> u64 { return lo(~(a.s[0] ^ a.s[1])); }), K::kWrite}},
    {"v_not_b32", {fn([](LaneArgs& a) -> u64 { return lo(~a.s[0]); }), K::kWrite}},
    {"v_lshlrev_b32",
     {fn([](LaneArgs& a) -> u64 { return lo(a.s[1] << (a.s[0] & 31)); }), K::kWrite}},
    {"v_lshrrev_b32",
     {fn([](LaneArgs& a) -> u64 { return lo(a.s[1]) >> (a.s[0] & 31); }), K::kWrite}},
    {"v_ashrrev_i32",
     {fn([](LaneArgs& a) -> u64 { return z(slo(a.s[1]) >> (a.s[0] & 31)); }), K::kWrite}},
    {"v_lshlrev_b64", {fn([](LaneArgs& a) -> u64 { return a.s[1] << (a.s[0] & 63); }), K::kWrite}},
    {"v_lshrrev_b64", {fn([](LaneArgs& a) -> u64 { return a.s[1] >> (a.s[0] & 63); }), K::kWrite}},
    {"v_ashrrev_i64",
     {fn([](LaneArgs& a) -> u64 {
        return static_cast<u64>(static_cast<i64>(a.s[1]) >> (a.s[0] & 63));
      }),
      K::kWrite}},
    {"v_lshl_add_u64",
     {fn([](LaneArgs& a) -> u64 { return (a.s[0] << (a.s[1] & 63)) + a.s[2]; }), K::kWrite}},
    {"v_lshl_add_u32",
     {fn([](LaneArgs& a) -> u64 { return lo((a.s[0] << (a.s[1] & 31)) + a.s[2]); }), K::kWrite}},
    {"v_add_lshl_u32",
     {fn([](LaneArgs& a) -> u64 { return lo((a.s[0] + a.s[1]) << (a.s[2] & 31)); }), K::kWrite}},
    {"v_lshl_or_b32",
     {fn([](LaneArgs& a) -> u64 { return lo((a.s[0] << (a.s[1] & 31)) | a.s[2]); }), K::kWrite}},
    {"v_and_or_b32",
     {fn([](LaneArgs& a) -> u64 { return lo((a.s[0] & a.s[1]) | a.s[2]); }), K::kWrite}},
    {"v_or3_b32", {fn([](LaneArgs& a) -> u64 { return lo(a.s[0] | a.s[1] | a.s[2]); }), K::kWrite}},
    {"v_xad_u32",
     {fn([](LaneArgs& a) -> u64 { return lo((a.s[0] ^ a.s[1]) + a.s[2]); }), K::kWrite}},
    {"v_add3_u32",
     {fn([](LaneArgs& a) -> u64 { return lo(a.s[0] + a.s[1] + a.s[2]); }), K::kWrite}},
    {"v_bfe_u32",
     {fn([](LaneArgs& a) -> u64 {
        u32 w = lo(a.s[2]) & 31;
        return w ? (lo(a.s[0]) >> (a.s[1] & 31)) & ((1u << w) - 1) : 0;
      }),
      K::kWrite}},
    {"v_bfe_i32",
     {fn([](LaneArgs& a) -> u64 {
        u32 w = lo(a.s[2]) & 31;
        if (!w) return 0;
        u32 v = (lo(a.s[0]) >> (a.s[1] & 31)) << (32 - w);
        return z(static_cast<i32>(v) >> (32 - w));
      }),
      K::kWrite}},
    {"v_bfi_b32",
     {fn([](LaneArgs& a) -> u64 { return lo((a.s[0] & a.s[1]) | (~a.s[0] & a.s[2])); }),
      K::kWrite}},
    {"v_bfm_b32",
     {fn([](LaneArgs& a) -> u64 { return lo(((1ull << (a.s[0] & 31)) - 1) << (a.s[1] & 31)); }),
      K::kWrite}},
    {"v_alignbit_b32",
     {fn([](LaneArgs& a) -> u64 { return lo(((a.s[0] << 32) | lo(a.s[1])) >> (a.s[2] & 31)); }),
      K::kWrite}},
    {"v_alignbyte_b32",
     {fn([](LaneArgs& a) -> u64 {
        return lo(((a.s[0] << 32) | lo(a.s[1])) >> (8 * (a.s[2] & 3)));
      }),
      K::kWrite}},
    {"v_bcnt_u32_b32",
     {fn([](LaneArgs& a) -> u64 { return lo(std::popcount(lo(a.s[0])) + a.s[1]); }), K::kWrite}},
    {"v_mbcnt_lo_u32_b32",
     {fn([](LaneArgs& a) -> u64 {
        u64 below = (1ull << a.lane) - 1;
        return lo(std::popcount(lo(a.s[0]) & lo(below)) + a.s[1]);
      }),
      K::kWrite}},
    {"v_mbcnt_hi_u32_b32",
     {fn([](LaneArgs& a) -> u64 {
        u64 below = (1ull << a.lane) - 1;
        return lo(std::popcount(lo(a.s[0]) & static_cast<u32>(below >> 32)) + a.s[1]);
      }),
      K::kWrite}},
    {"v_ffbh_u32",
     {fn([](LaneArgs& a) -> u64 {
        return lo(a.s[0]) ? std::countl_zero(lo(a.s[0])) : 0xffffffffu;
      }),
      K::kWrite}},
    {"v_ffbl_b32",
     {fn([](LaneArgs& a) -> u64 {
        return lo(a.s[0]) ? std::countr_zero(lo(a.s[0])) : 0xffffffffu;
      }),
      K::kWrite}},
    {"v_ffbh_i32",
     {fn([](LaneArgs& a) -> u64 {
        u32 v = lo(a.s[0]);
        if (v == 0 || v == 0xffffffffu) return 0xffffffffu;
        return std::countl_zero(static_cast<i32>(v) < 0 ? ~v : v);
      }),
      K::kWrite}},
    {"v_bfrev_b32",
     {fn([](LaneArgs& a) -> u64 {
        u32 v = lo(a.s[0]), r = 0;
        for (int i = 0; i < 32; ++i) r |= ((v >> i) & 1) << (31 - i);
        return r;
      }),
      K::kWrite}},
    // 16-bit integer ops write the low half; UNVERIFIED: the high half is zeroed.
    {"v_add_u16", {fn([](LaneArgs& a) -> u64 { return (a.s[0] + a.s[1]) & 0xffff; }), K::kWrite}},
    {"v_sub_u16", {fn([](LaneArgs& a) -> u64 { return (a.s[0] - a.s[1]) & 0xffff; }), K::kWrite}},
    {"v_subrev_u16",
     {fn([](LaneArgs& a) -> u64 { return (a.s[1] - a.s[0]) & 0xffff; }), K::kWrite}},
    {"v_mul_lo_u16",
     {fn([](LaneArgs& a) -> u64 { return (a.s[0] * a.s[1]) & 0xffff; }), K::kWrite}},
    {"v_mad_u16",
     {fn([](LaneArgs& a) -> u64 {
        return ((a.s[0] & 0xffff) * (a.s[1] & 0xffff) + a.s[2]) & 0xffff;
      }),
      K::kWrite}},
    {"v_lshlrev_b16",
     {fn([](LaneArgs& a) -> u64 { return ((a.s[1] & 0xffff) << (a.s[0] & 15)) & 0xffff; }),
      K::kWrite}},
    {"v_lshrrev_b16",
     {fn([](LaneArgs& a) -> u64 { return (a.s[1] & 0xffff) >> (a.s[0] & 15); }), K::kWrite}},
    {"v_ashrrev_i16",
     {fn([](LaneArgs& a) -> u64 {
        return static_cast<uint16_t>(static_cast<int16_t>(a.s[1]) >> (a.s[0] & 15));
      }),
      K::kWrite}},
    {"v_max_u16",
     {fn([](LaneArgs& a) -> u64 { return std::max(a.s[0] & 0xffff, a.s[1] & 0xffff); }),
      K::kWrite}},
    {"v_min_u16",
     {fn([](LaneArgs& a) -> u64 { return std::min(a.s[0] & 0xffff, a.s[1] & 0xffff); }),
      K::kWrite}},
    {"v_max_i16",
     {fn([](LaneArgs& a) -> u64 {
        return static_cast<uint16_t>(
            std::max(static_cast<int16_t>(a.s[0]), static_cast<int16_t>(a.s[1])));
      }),
      K::kWrite}},
    {"v_min_i16",
     {fn([](LaneArgs& a) -> u64 {
        return static_cast<uint16_t>(
            std::min(static_cast<int16_t>(a.s[0]), static_cast<int16_t>(a.s[1])));
      }),
      K::kWrite}},
    // VOP3-only signed add/sub (GFX9) and 16-bit multiply-adds.
    {"v_add_i32", {fn([](LaneArgs& a) -> u64 { return lo(a.s[0] + a.s[1]); }), K::kWrite}},
    {"v_sub_i32", {fn([](LaneArgs& a) -> u64 { return lo(a.s[0] - a.s[1]); }), K::kWrite}},
    {"v_add_i16", {fn([](LaneArgs& a) -> u64 { return (a.s[0] + a.s[1]) & 0xffff; }), K::kWrite}},
    {"v_sub_i16", {fn([](LaneArgs& a) -> u64 { return (a.s[0] - a.s[1]) & 0xffff; }), K::kWrite}},
    {"v_mad_i16",
     {fn([](LaneArgs& a) -> u64 {
        return ((a.s[0] & 0xffff) * (a.s[1] & 0xffff) + a.s[2]) & 0xffff;
      }),
      K::kWrite}},
    {"v_mad_u32_u16",
     {fn([](LaneArgs& a) -> u64 { return lo((a.s[0] & 0xffff) * (a.s[1] & 0xffff) + a.s[2]); }),
      K::kWrite}},
    {"v_mad_i32_i16",
     {fn([](LaneArgs& a) -> u64 {
        return lo(static_cast<u64>(
            i64{static_cast<int16_t>(a.s[0])} * static_cast<int16_t>(a.s[1]) + slo(a.s[2])));
      }),
      K::kWrite}},
};

// VOP3 clamp on integer ops: the result saturates to the range of its type
// instead of wrapping; carry-outs are still written. UNVERIFIED: the CDNA3
// ISA names clamp for these ops without pseudo-code; this follows LLVM's use
// of it for llvm.{u,s}{add,sub}.sat (saturation at the type's bounds).
constexpr u64 sat_u(u64 v, u64 max) {
  return v > max ? max : v;
}
constexpr i64 sat_s(i64 v, i64 min, i64 max) {
  return v < min ? min : v > max ? max : v;
}
constexpr u64 s16(u64 v) {
  return static_cast<u64>(static_cast<i64>(static_cast<int16_t>(v)));
}

const struct {
  const char* name;
  LaneFns sat;
} kSaturating[] = {
    {"v_add_u32", fn([](LaneArgs& a) -> u64 { return sat_u(u64{lo(a.s[0])} + lo(a.s[1]), ~0u); })},
    {"v_sub_u32",
     fn([](LaneArgs& a) -> u64 { return lo(a.s[0]) < lo(a.s[1]) ? 0 : lo(a.s[0] - a.s[1]); })},
    {"v_subrev_u32",
     fn([](LaneArgs& a) -> u64 { return lo(a.s[1]) < lo(a.s[0]) ? 0 : lo(a.s[1] - a.s[0]); })},
    {"v_add_co_u32", fn([](LaneArgs& a) -> u64 {
       u64 r = u64{lo(a.s[0])} + lo(a.s[1]);
       a.carry = r >> 32;
       return sat_u(r, ~0u);
     })},
    {"v_sub_co_u32", fn([](LaneArgs& a) -> u64 {
       a.carry = lo(a.s[1]) > lo(a.s[0]);
       return a.carry ? 0 : lo(a.s[0] - a.s[1]);
     })},
    {"v_subrev_co_u32", fn([](LaneArgs& a) -> u64 {
       a.carry = lo(a.s[0]) > lo(a.s[1]);
       return a.carry ? 0 : lo(a.s[1] - a.s[0]);
     })},
    {"v_addc_co_u32", fn([](LaneArgs& a) -> u64 {
       u64 r = u64{lo(a.s[0])} + lo(a.s[1]) + a.carry;
       a.carry = r >> 32;
       return sat_u(r, ~0u);
     })},
    {"v_subb_co_u32", fn([](LaneArgs& a) -> u64 {
       u64 sub = u64{lo(a.s[1])} + a.carry;
       a.carry = sub > lo(a.s[0]);
       return a.carry ? 0 : lo(lo(a.s[0]) - sub);
     })},
    {"v_subbrev_co_u32", fn([](LaneArgs& a) -> u64 {
       u64 sub = u64{lo(a.s[0])} + a.carry;
       a.carry = sub > lo(a.s[1]);
       return a.carry ? 0 : lo(lo(a.s[1]) - sub);
     })},
    {"v_add_i32", fn([](LaneArgs& a) -> u64 {
       return lo(static_cast<u64>(sat_s(i64{slo(a.s[0])} + slo(a.s[1]), INT32_MIN, INT32_MAX)));
     })},
    {"v_sub_i32", fn([](LaneArgs& a) -> u64 {
       return lo(static_cast<u64>(sat_s(i64{slo(a.s[0])} - slo(a.s[1]), INT32_MIN, INT32_MAX)));
     })},
    {"v_add_u16",
     fn([](LaneArgs& a) -> u64 { return sat_u((a.s[0] & 0xffff) + (a.s[1] & 0xffff), 0xffff); })},
    {"v_sub_u16", fn([](LaneArgs& a) -> u64 {
       return (a.s[0] & 0xffff) < (a.s[1] & 0xffff) ? 0 : (a.s[0] - a.s[1]) & 0xffff;
     })},
    {"v_subrev_u16", fn([](LaneArgs& a) -> u64 {
       return (a.s[1] & 0xffff) < (a.s[0] & 0xffff) ? 0 : (a.s[1] - a.s[0]) & 0xffff;
     })},
    {"v_add_i16", fn([](LaneArgs& a) -> u64 {
       i64 r = static_cast<i64>(s16(a.s[0])) + static_cast<i64>(s16(a.s[1]));
       return static_cast<u64>(sat_s(r, INT16_MIN, INT16_MAX)) & 0xffff;
     })},
    {"v_sub_i16", fn([](LaneArgs& a) -> u64 {
       i64 r = static_cast<i64>(s16(a.s[0])) - static_cast<i64>(s16(a.s[1]));
       return static_cast<u64>(sat_s(r, INT16_MIN, INT16_MAX)) & 0xffff;
     })},
    {"v_mad_u16", fn([](LaneArgs& a) -> u64 {
       return sat_u((a.s[0] & 0xffff) * (a.s[1] & 0xffff) + (a.s[2] & 0xffff), 0xffff);
     })},
    {"v_mad_i16", fn([](LaneArgs& a) -> u64 {
       i64 r = static_cast<i64>(s16(a.s[0])) * static_cast<i64>(s16(a.s[1])) +
               static_cast<i64>(s16(a.s[2]));
       return static_cast<u64>(sat_s(r, INT16_MIN, INT16_MAX)) & 0xffff;
     })},
    {"v_mad_u32_u24", fn([](LaneArgs& a) -> u64 {
       return sat_u((a.s[0] & 0xffffff) * (a.s[1] & 0xffffff) + lo(a.s[2]), ~0u);
     })},
    {"v_mad_i32_i24", fn([](LaneArgs& a) -> u64 {
       return lo(static_cast<u64>(
           sat_s(sext24(a.s[0]) * sext24(a.s[1]) + slo(a.s[2]), INT32_MIN, INT32_MAX)));
     })},
    {"v_mad_u32_u16", fn([](LaneArgs& a) -> u64 {
       return sat_u((a.s[0] & 0xffff) * (a.s[1] & 0xffff) + lo(a.s[2]), ~0u);
     })},
    {"v_mad_i32_i16", fn([](LaneArgs& a) -> u64 {
       i64 r = static_cast<i64>(s16(a.s[0])) * static_cast<i64>(s16(a.s[1])) + slo(a.s[2]);
       return lo(static_cast<u64>(sat_s(r, INT32_MIN, INT32_MAX)));
     })},
};

// Integer compares: v_cmp{,x}_<cond>_<type>.
template <typename T>
T cast(u64 v) {
  return static_cast<T>(v);
}

template <typename T>
void add_compares(SemanticsMap& m, const char* type) {
  static const ValuOp kCmp[8] = {
      {fn([](LaneArgs&) -> u64 { return 0; }), K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return cast<T>(a.s[0]) < cast<T>(a.s[1]); }), K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return cast<T>(a.s[0]) == cast<T>(a.s[1]); }), K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return cast<T>(a.s[0]) <= cast<T>(a.s[1]); }), K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return cast<T>(a.s[0]) > cast<T>(a.s[1]); }), K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return cast<T>(a.s[0]) != cast<T>(a.s[1]); }), K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return cast<T>(a.s[0]) >= cast<T>(a.s[1]); }), K::kCompare},
      {fn([](LaneArgs&) -> u64 { return 1; }), K::kCompare},
  };
  static ValuOp kCmpx[8];
  static const char* kCond[8] = {"f", "lt", "eq", "le", "gt", "ne", "ge", "t"};
  for (int i = 0; i < 8; ++i) {
    kCmpx[i] = {kCmp[i].fn, K::kCompareX};
    m[std::string("v_cmp_") + kCond[i] + "_" + type] = {exec_valu, &kCmp[i]};
    m[std::string("v_cmpx_") + kCond[i] + "_" + type] = {exec_valu, &kCmpx[i]};
  }
}

}  // namespace

void add_valu_int_ops(SemanticsMap& m) {
  for (const Named& n : kOps) m[n.name] = {exec_valu, &n.op};
  static std::deque<ValuOp> with_clamp;  // stable addresses for the aux pointers
  for (const auto& s : kSaturating) {
    const ValuOp& plain = *static_cast<const ValuOp*>(m.at(s.name).aux);
    with_clamp.push_back({plain.fn, plain.kind, s.sat});
    m[s.name] = {exec_valu, &with_clamp.back()};
  }
  add_compares<i32>(m, "i32");
  add_compares<u32>(m, "u32");
  add_compares<i64>(m, "i64");
  add_compares<u64>(m, "u64");
  add_compares<int16_t>(m, "i16");
  add_compares<uint16_t>(m, "u16");
}

}  // namespace amdrr::sim::isa

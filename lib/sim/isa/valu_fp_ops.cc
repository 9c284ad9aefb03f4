// Floating-point VALU instructions (fp32, fp64, fp16) as per-lane functions.
// Arithmetic is the host's IEEE arithmetic in the wave's rounding mode
// (set by the driver); denormal flushing is applied by the driver from MODE.
// Transcendentals (v_exp, v_log, v_rcp, v_rsq, v_sqrt, v_sin, v_cos) are
// computed in double and rounded once: within 0.5 ulp of the true value,
// so within 1.5 ulp of hardware, whose documented bound is 1 ulp.
// UNVERIFIED: NaN results are not canonicalised to the hardware's quiet NaN.

#include <algorithm>
#include <bit>
#include <cfenv>
#include <cmath>
#include <limits>
#include <string>

#include "lib/sim/isa/operands.h"
#include "lib/sim/isa/semantics.h"

namespace amdrr::sim::isa {
namespace {

using u64 = uint64_t;
using K = ValuKind;
using h16 = _Float16;

float f0(const LaneArgs& a) {
  return as_f32(a.s[0]);
}
float f1(const LaneArgs& a) {
  return as_f32(a.s[1]);
}
float f2(const LaneArgs& a) {
  return as_f32(a.s[2]);
}
double d0(const LaneArgs& a) {
  return as_f64(a.s[0]);
}
double d1(const LaneArgs& a) {
  return as_f64(a.s[1]);
}
double d2(const LaneArgs& a) {
  return as_f64(a.s[2]);
}
float h0(const LaneArgs& a) {
  return static_cast<float>(as_f16(a.s[0]));
}
float h1(const LaneArgs& a) {
  return static_cast<float>(as_f16(a.s[1]));
}
float h2(const LaneArgs& a) {
  return static_cast<float>(as_f16(a.s[2]));
}
u64 hb(double v) {
  return bits_of(static_cast<h16>(v));
}

// IEEE-mode min/max: a NaN operand yields the other operand.
template <typename T>
T minnum(T a, T b) {
  return std::fmin(a, b);
}
template <typename T>
T maxnum(T a, T b) {
  return std::fmax(a, b);
}
template <typename T>
T med3(T a, T b, T c) {
  return maxnum(minnum(a, b), minnum(maxnum(a, b), c));
}

// v_cmp_class mask bits: 0 sNaN, 1 qNaN, 2 -inf, 3 -normal, 4 -denorm, 5 -0,
// 6 +0, 7 +denorm, 8 +normal, 9 +inf.
template <typename T>
bool fp_class(T v, uint32_t mask, bool is_snan) {
  int bit;
  if (std::isnan(v))
    bit = is_snan ? 0 : 1;
  else if (std::isinf(v))
    bit = std::signbit(v) ? 2 : 9;
  else if (v == 0)
    bit = std::signbit(v) ? 5 : 6;
  else if (std::fpclassify(v) == FP_SUBNORMAL)
    bit = std::signbit(v) ? 4 : 7;
  else
    bit = std::signbit(v) ? 3 : 8;
  return mask >> bit & 1;
}

template <typename T>
T div_fixup(T q, T den, T num) {
  bool sign = std::signbit(den) != std::signbit(num);
  if (std::isnan(den)) return den;
  if (std::isnan(num)) return num;
  if ((den == 0 && num == 0) || (std::isinf(den) && std::isinf(num)))
    return std::numeric_limits<T>::quiet_NaN();
  if (den == 0 || std::isinf(num))
    return sign ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
  if (std::isinf(den) || num == 0) return sign ? T(-0.0) : T(0.0);
  if (std::isnan(q))
    return sign ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
  return sign ? -std::fabs(q) : std::fabs(q);
}

// Biased exponent field of an fp32 / fp64 value.
inline int exponent_of(float v) {
  return static_cast<int>(std::bit_cast<uint32_t>(v) >> 23 & 0xff);
}
inline int exponent_of(double v) {
  return static_cast<int>(std::bit_cast<uint64_t>(v) >> 52 & 0x7ff);
}
// "== DENORM" of the ISA's div_scale pseudo-code: below the smallest normal
// magnitude, including a quotient that underflows to zero (1e-300 / 1e300
// must take the numerator-scaling branch, or the "tiny numerator" branch
// would scale a huge denominator into infinity).
template <typename T>
bool is_denormal(T v) {
  return std::fabs(v) < std::numeric_limits<T>::min();
}

// Parameters of the division scaling: how far apart the exponents may be,
// the scale 2^kScale, and the exponent below which a numerator is "tiny".
template <typename T>
struct DivScaleParams;
template <>
struct DivScaleParams<float> {
  static constexpr int kExpDiff = 96, kScale = 64, kTinyNum = 23, kBias = 127;
};
template <>
struct DivScaleParams<double> {
  static constexpr int kExpDiff = 768, kScale = 128, kTinyNum = 53, kBias = 1023;
};

// v_div_scale (CDNA3 ISA pseudo-code): s0 is the value to scale (the
// denominator or the numerator; LLVM's fdiv expansion calls it once with
// each), den = S1, num = S2. Where both operands are scaled alike, the
// quotient is unchanged and VCC stays clear; where only one is, VCC tells
// v_div_fmas to undo the scale on the quotient.
// UNVERIFIED: for "1/den and num/den both denormal" the ISA text scales the
// denominator by 2^+N; den > 2^(bias-1) there, so that would overflow, and
// this scales it by 2^-N (what makes v_div_fmas' rescale exact).
template <typename T>
T div_scale(T s0, T den, T num, bool* vcc) {
  using P = DivScaleParams<T>;
  *vcc = false;
  if (den == 0 || num == 0) return std::numeric_limits<T>::quiet_NaN();
  if (exponent_of(num) - exponent_of(den) >= P::kExpDiff) {  // num / den near the largest value
    *vcc = true;
    return s0 == den ? std::ldexp(s0, P::kScale) : s0;
  }
  if (is_denormal(den)) return std::ldexp(s0, P::kScale);  // den != 0 here
  bool rcp_denorm = is_denormal(T(1) / den), quot_denorm = is_denormal(num / den);
  if (rcp_denorm && quot_denorm) {
    *vcc = true;
    return s0 == den ? std::ldexp(s0, -P::kScale) : s0;
  }
  if (rcp_denorm) return std::ldexp(s0, -P::kScale);
  if (quot_denorm) {
    *vcc = true;
    return s0 == num ? std::ldexp(s0, P::kScale) : s0;
  }
  if (exponent_of(num) <= P::kTinyNum) return std::ldexp(s0, P::kScale);
  return s0;
}

// v_div_fmas: fma(s0, s1, s2), and with VCC the quotient's scale undone:
// s2 is the scaled quotient estimate, large when the denominator was scaled
// up (x 2^+N back) and small when the numerator was (x 2^-N back).
// The fma is rounded, then scaled: a quotient that lands in the denormal
// range may be rounded twice (at most 1 ulp from the correctly rounded one).
template <typename T>
T div_fmas(T s0, T s1, T s2, bool vcc) {
  using P = DivScaleParams<T>;
  T r = std::fma(s0, s1, s2);
  if (!vcc) return r;
  return std::ldexp(r, exponent_of(s2) > P::kBias ? P::kScale : -P::kScale);
}

int frexp_exp(double v) {
  if (std::isnan(v) || std::isinf(v) || v == 0) return 0;
  int e;
  std::frexp(v, &e);
  return e;
}

const struct Named {
  const char* name;
  ValuOp op;
} kOps[] = {
    // fp32
    {"v_add_f32", {fn([](LaneArgs& a) -> u64 { return bits_of(f0(a) + f1(a)); }), K::kWrite}},
    {"v_sub_f32", {fn([](LaneArgs& a) -> u64 { return bits_of(f0(a) - f1(a)); }), K::kWrite}},
    {"v_subrev_f32", {fn([](LaneArgs& a) -> u64 { return bits_of(f1(a) - f0(a)); }), K::kWrite}},
    {"v_mul_f32", {fn([](LaneArgs& a) -> u64 { return bits_of(f0(a) * f1(a)); }), K::kWrite}},
    {"v_min_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(minnum(f0(a), f1(a))); }), K::kWrite}},
    {"v_max_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(maxnum(f0(a), f1(a))); }), K::kWrite}},
    {"v_min3_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(minnum(minnum(f0(a), f1(a)), f2(a))); }),
      K::kWrite}},
    {"v_max3_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(maxnum(maxnum(f0(a), f1(a)), f2(a))); }),
      K::kWrite}},
    {"v_med3_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(med3(f0(a), f1(a), f2(a))); }), K::kWrite}},
    {"v_fma_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(std::fma(f0(a), f1(a), f2(a))); }), K::kWrite}},
    {"v_fmac_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(std::fma(f0(a), f1(a), f2(a))); }), K::kWrite}},
    {"v_fmamk_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(std::fma(f0(a), as_f32(a.k), f1(a))); }),
      K::kWrite}},
    {"v_fmaak_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(std::fma(f0(a), f1(a), as_f32(a.k))); }),
      K::kWrite}},
    // v_mad / v_mac (gfx90a): the product is rounded before the add.
    {"v_mad_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(f0(a) * f1(a) + f2(a)); }), K::kWrite}},
    {"v_mac_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(f0(a) * f1(a) + f2(a)); }), K::kWrite}},
    {"v_madmk_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(f0(a) * as_f32(a.k) + f1(a)); }), K::kWrite}},
    {"v_madak_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(f0(a) * f1(a) + as_f32(a.k)); }), K::kWrite}},
    {"v_ldexp_f32",
     {fn([](LaneArgs& a) -> u64 {
        return bits_of(std::ldexp(f0(a), static_cast<int32_t>(a.s[1])));
      }),
      K::kWrite}},
    {"v_frexp_mant_f32",
     {fn([](LaneArgs& a) -> u64 {
        float v = f0(a);
        if (std::isnan(v) || std::isinf(v)) return bits_of(v);
        int e;
        return bits_of(std::frexp(v, &e));
      }),
      K::kWrite}},
    {"v_frexp_exp_i32_f32",
     {fn([](LaneArgs& a) -> u64 { return static_cast<uint32_t>(frexp_exp(f0(a))); }), K::kWrite}},
    {"v_fract_f32",
     {fn([](LaneArgs& a) -> u64 {
        float v = f0(a);
        if (std::isinf(v)) return bits_of(std::numeric_limits<float>::quiet_NaN());
        return bits_of(std::fmin(v - std::floor(v), 0x1.fffffep-1f));
      }),
      K::kWrite}},
    {"v_trunc_f32", {fn([](LaneArgs& a) -> u64 { return bits_of(std::trunc(f0(a))); }), K::kWrite}},
    {"v_ceil_f32", {fn([](LaneArgs& a) -> u64 { return bits_of(std::ceil(f0(a))); }), K::kWrite}},
    {"v_floor_f32", {fn([](LaneArgs& a) -> u64 { return bits_of(std::floor(f0(a))); }), K::kWrite}},
    {"v_rndne_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(std::nearbyint(f0(a))); }), K::kWrite}},
    {"v_exp_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(static_cast<float>(std::exp2(double{f0(a)}))); }),
      K::kWrite}},
    {"v_log_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(static_cast<float>(std::log2(double{f0(a)}))); }),
      K::kWrite}},
    {"v_rcp_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(static_cast<float>(1.0 / double{f0(a)})); }),
      K::kWrite}},
    {"v_rcp_iflag_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(static_cast<float>(1.0 / double{f0(a)})); }),
      K::kWrite}},
    {"v_rsq_f32",
     {fn([](LaneArgs& a) -> u64 {
        return bits_of(static_cast<float>(1.0 / std::sqrt(double{f0(a)})));
      }),
      K::kWrite}},
    {"v_sqrt_f32", {fn([](LaneArgs& a) -> u64 { return bits_of(std::sqrt(f0(a))); }), K::kWrite}},
    {"v_sin_f32",
     {fn([](LaneArgs& a) -> u64 {
        return bits_of(static_cast<float>(std::sin(2 * M_PI * double{f0(a)})));
      }),
      K::kWrite}},
    {"v_cos_f32",
     {fn([](LaneArgs& a) -> u64 {
        return bits_of(static_cast<float>(std::cos(2 * M_PI * double{f0(a)})));
      }),
      K::kWrite}},
    {"v_div_fixup_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(div_fixup(f0(a), f1(a), f2(a))); }), K::kWrite}},
    {"v_div_fmas_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(div_fmas(f0(a), f1(a), f2(a), a.carry)); }),
      K::kWrite}},
    {"v_div_scale_f32",
     {fn([](LaneArgs& a) -> u64 {
        bool vcc;
        float r = div_scale(f0(a), f1(a), f2(a), &vcc);
        a.carry = vcc;
        return bits_of(r);
      }),
      K::kCarryOnly}},
    {"v_cvt_f32_i32",
     {fn([](LaneArgs& a) -> u64 {
        return bits_of(static_cast<float>(static_cast<int32_t>(a.s[0])));
      }),
      K::kWrite}},
    {"v_cvt_f32_u32",
     {fn([](LaneArgs& a) -> u64 {
        return bits_of(static_cast<float>(static_cast<uint32_t>(a.s[0])));
      }),
      K::kWrite}},
    // Float to integer: truncation with saturation; NaN gives 0.
    {"v_cvt_i32_f32",
     {fn([](LaneArgs& a) -> u64 {
        float v = f0(a);
        if (std::isnan(v)) return 0;
        return static_cast<uint32_t>(
            static_cast<int32_t>(std::clamp(std::trunc(double{v}), -2147483648.0, 2147483647.0)));
      }),
      K::kWrite}},
    {"v_cvt_u32_f32",
     {fn([](LaneArgs& a) -> u64 {
        float v = f0(a);
        if (std::isnan(v)) return 0;
        return static_cast<uint32_t>(std::clamp(std::trunc(double{v}), 0.0, 4294967295.0));
      }),
      K::kWrite}},
    {"v_cvt_f32_ubyte0",
     {fn([](LaneArgs& a) -> u64 { return bits_of(static_cast<float>(a.s[0] & 0xff)); }),
      K::kWrite}},
    {"v_cvt_f32_ubyte1",
     {fn([](LaneArgs& a) -> u64 { return bits_of(static_cast<float>(a.s[0] >> 8 & 0xff)); }),
      K::kWrite}},
    {"v_cvt_f32_ubyte2",
     {fn([](LaneArgs& a) -> u64 { return bits_of(static_cast<float>(a.s[0] >> 16 & 0xff)); }),
      K::kWrite}},
    {"v_cvt_f32_ubyte3",
     {fn([](LaneArgs& a) -> u64 { return bits_of(static_cast<float>(a.s[0] >> 24 & 0xff)); }),
      K::kWrite}},
    {"v_cvt_f16_f32",
     {fn([](LaneArgs& a) -> u64 { return bits_of(static_cast<h16>(f0(a))); }), K::kWrite}},
    {"v_cvt_f32_f16", {fn([](LaneArgs& a) -> u64 { return bits_of(h0(a)); }), K::kWrite}},
    {"v_cvt_f64_f32", {fn([](LaneArgs& a) -> u64 { return bits_of(double{f0(a)}); }), K::kWrite}},
    {"v_cvt_f32_f64",
     {fn([](LaneArgs& a) -> u64 { return bits_of(static_cast<float>(d0(a))); }), K::kWrite}},
    {"v_cvt_pkrtz_f16_f32",
     {fn([](LaneArgs& a) -> u64 {
        auto rtz = [](float f) -> u64 {
          int old = std::fegetround();
          std::fesetround(FE_TOWARDZERO);
          h16 h = static_cast<h16>(f);
          std::fesetround(old);
          return bits_of(h);
        };
        return rtz(f0(a)) | rtz(f1(a)) << 16;
      }),
      K::kWrite}},
    {"v_pack_b32_f16",
     {fn([](LaneArgs& a) -> u64 { return (a.s[0] & 0xffff) | (a.s[1] & 0xffff) << 16; }),
      K::kWrite}},
    // fp64
    {"v_add_f64", {fn([](LaneArgs& a) -> u64 { return bits_of(d0(a) + d1(a)); }), K::kWrite}},
    {"v_mul_f64", {fn([](LaneArgs& a) -> u64 { return bits_of(d0(a) * d1(a)); }), K::kWrite}},
    {"v_min_f64",
     {fn([](LaneArgs& a) -> u64 { return bits_of(minnum(d0(a), d1(a))); }), K::kWrite}},
    {"v_max_f64",
     {fn([](LaneArgs& a) -> u64 { return bits_of(maxnum(d0(a), d1(a))); }), K::kWrite}},
    {"v_fma_f64",
     {fn([](LaneArgs& a) -> u64 { return bits_of(std::fma(d0(a), d1(a), d2(a))); }), K::kWrite}},
    {"v_fmac_f64",
     {fn([](LaneArgs& a) -> u64 { return bits_of(std::fma(d0(a), d1(a), d2(a))); }), K::kWrite}},
    {"v_ldexp_f64",
     {fn([](LaneArgs& a) -> u64 {
        return bits_of(std::ldexp(d0(a), static_cast<int32_t>(a.s[1])));
      }),
      K::kWrite}},
    {"v_div_fixup_f64",
     {fn([](LaneArgs& a) -> u64 { return bits_of(div_fixup(d0(a), d1(a), d2(a))); }), K::kWrite}},
    {"v_div_fmas_f64",
     {fn([](LaneArgs& a) -> u64 { return bits_of(div_fmas(d0(a), d1(a), d2(a), a.carry)); }),
      K::kWrite}},
    {"v_div_scale_f64",
     {fn([](LaneArgs& a) -> u64 {
        bool vcc;
        double r = div_scale(d0(a), d1(a), d2(a), &vcc);
        a.carry = vcc;
        return bits_of(r);
      }),
      K::kCarryOnly}},
    {"v_rcp_f64", {fn([](LaneArgs& a) -> u64 { return bits_of(1.0 / d0(a)); }), K::kWrite}},
    {"v_rsq_f64",
     {fn([](LaneArgs& a) -> u64 { return bits_of(1.0 / std::sqrt(d0(a))); }), K::kWrite}},
    {"v_sqrt_f64", {fn([](LaneArgs& a) -> u64 { return bits_of(std::sqrt(d0(a))); }), K::kWrite}},
    {"v_trunc_f64", {fn([](LaneArgs& a) -> u64 { return bits_of(std::trunc(d0(a))); }), K::kWrite}},
    {"v_ceil_f64", {fn([](LaneArgs& a) -> u64 { return bits_of(std::ceil(d0(a))); }), K::kWrite}},
    {"v_floor_f64", {fn([](LaneArgs& a) -> u64 { return bits_of(std::floor(d0(a))); }), K::kWrite}},
    {"v_rndne_f64",
     {fn([](LaneArgs& a) -> u64 { return bits_of(std::nearbyint(d0(a))); }), K::kWrite}},
    {"v_fract_f64",
     {fn([](LaneArgs& a) -> u64 {
        double v = d0(a);
        if (std::isinf(v)) return bits_of(std::numeric_limits<double>::quiet_NaN());
        return bits_of(std::fmin(v - std::floor(v), 0x1.fffffffffffffp-1));
      }),
      K::kWrite}},
    {"v_frexp_mant_f64",
     {fn([](LaneArgs& a) -> u64 {
        double v = d0(a);
        if (std::isnan(v) || std::isinf(v)) return bits_of(v);
        int e;
        return bits_of(std::frexp(v, &e));
      }),
      K::kWrite}},
    {"v_frexp_exp_i32_f64",
     {fn([](LaneArgs& a) -> u64 { return static_cast<uint32_t>(frexp_exp(d0(a))); }), K::kWrite}},
    {"v_cvt_f64_i32",
     {fn([](LaneArgs& a) -> u64 {
        return bits_of(static_cast<double>(static_cast<int32_t>(a.s[0])));
      }),
      K::kWrite}},
    {"v_cvt_f64_u32",
     {fn([](LaneArgs& a) -> u64 {
        return bits_of(static_cast<double>(static_cast<uint32_t>(a.s[0])));
      }),
      K::kWrite}},
    {"v_cvt_i32_f64",
     {fn([](LaneArgs& a) -> u64 {
        double v = d0(a);
        if (std::isnan(v)) return 0;
        return static_cast<uint32_t>(
            static_cast<int32_t>(std::clamp(std::trunc(v), -2147483648.0, 2147483647.0)));
      }),
      K::kWrite}},
    {"v_cvt_u32_f64",
     {fn([](LaneArgs& a) -> u64 {
        double v = d0(a);
        if (std::isnan(v)) return 0;
        return static_cast<uint32_t>(std::clamp(std::trunc(v), 0.0, 4294967295.0));
      }),
      K::kWrite}},
    // fp16 (computed in float: exact for one +, -, *, then one rounding to half).
    {"v_add_f16", {fn([](LaneArgs& a) -> u64 { return hb(h0(a) + h1(a)); }), K::kWrite}},
    {"v_sub_f16", {fn([](LaneArgs& a) -> u64 { return hb(h0(a) - h1(a)); }), K::kWrite}},
    {"v_subrev_f16", {fn([](LaneArgs& a) -> u64 { return hb(h1(a) - h0(a)); }), K::kWrite}},
    {"v_mul_f16", {fn([](LaneArgs& a) -> u64 { return hb(h0(a) * h1(a)); }), K::kWrite}},
    {"v_min_f16", {fn([](LaneArgs& a) -> u64 { return hb(minnum(h0(a), h1(a))); }), K::kWrite}},
    {"v_max_f16", {fn([](LaneArgs& a) -> u64 { return hb(maxnum(h0(a), h1(a))); }), K::kWrite}},
    // UNVERIFIED rounding: fma in double then one rounding to half.
    {"v_fma_f16",
     {fn([](LaneArgs& a) -> u64 {
        return hb(std::fma(double{h0(a)}, double{h1(a)}, double{h2(a)}));
      }),
      K::kWrite}},
    {"v_fmac_f16",
     {fn([](LaneArgs& a) -> u64 {
        return hb(std::fma(double{h0(a)}, double{h1(a)}, double{h2(a)}));
      }),
      K::kWrite}},
    {"v_mac_f16",
     {fn([](LaneArgs& a) -> u64 {
        return hb(static_cast<float>(as_f16(hb(h0(a) * h1(a)))) + h2(a));
      }),
      K::kWrite}},
    {"v_mad_f16",
     {fn([](LaneArgs& a) -> u64 {
        return hb(static_cast<float>(as_f16(hb(h0(a) * h1(a)))) + h2(a));
      }),
      K::kWrite}},
    {"v_ldexp_f16",
     {fn([](LaneArgs& a) -> u64 {
        return hb(std::ldexp(double{h0(a)}, static_cast<int16_t>(a.s[1])));
      }),
      K::kWrite}},
    {"v_sqrt_f16",
     {fn([](LaneArgs& a) -> u64 { return hb(std::sqrt(double{h0(a)})); }), K::kWrite}},
    {"v_rcp_f16", {fn([](LaneArgs& a) -> u64 { return hb(1.0 / double{h0(a)}); }), K::kWrite}},
    {"v_rsq_f16",
     {fn([](LaneArgs& a) -> u64 { return hb(1.0 / std::sqrt(double{h0(a)})); }), K::kWrite}},
    {"v_trunc_f16", {fn([](LaneArgs& a) -> u64 { return hb(std::trunc(h0(a))); }), K::kWrite}},
    {"v_floor_f16", {fn([](LaneArgs& a) -> u64 { return hb(std::floor(h0(a))); }), K::kWrite}},
    {"v_ceil_f16", {fn([](LaneArgs& a) -> u64 { return hb(std::ceil(h0(a))); }), K::kWrite}},
    {"v_rndne_f16", {fn([](LaneArgs& a) -> u64 { return hb(std::nearbyint(h0(a))); }), K::kWrite}},
    {"v_div_fixup_f16",
     {fn([](LaneArgs& a) -> u64 { return hb(div_fixup(h0(a), h1(a), h2(a))); }), K::kWrite}},
    {"v_cvt_f16_u16",
     {fn([](LaneArgs& a) -> u64 { return hb(static_cast<double>(a.s[0] & 0xffff)); }), K::kWrite}},
    {"v_cvt_f16_i16",
     {fn([](LaneArgs& a) -> u64 { return hb(static_cast<double>(static_cast<int16_t>(a.s[0]))); }),
      K::kWrite}},
    {"v_cvt_u16_f16",
     {fn([](LaneArgs& a) -> u64 {
        float v = h0(a);
        return std::isnan(v) ? 0 : static_cast<uint16_t>(std::clamp(std::trunc(v), 0.0f, 65535.0f));
      }),
      K::kWrite}},
    {"v_cvt_i16_f16",
     {fn([](LaneArgs& a) -> u64 {
        float v = h0(a);
        return std::isnan(v) ? 0
                             : static_cast<uint16_t>(static_cast<int16_t>(
                                   std::clamp(std::trunc(v), -32768.0f, 32767.0f)));
      }),
      K::kWrite}},
};

// Float compares: v_cmp{,x}_<cond>_<type>, the 16 GFX9 conditions.
template <typename T, T (*Get)(uint64_t)>
void add_float_compares(SemanticsMap& m, const char* type) {
  static const char* kCond[16] = {"f", "lt",  "eq",  "le",  "gt",  "lg",  "ge",  "o",
                                  "u", "nge", "nlg", "ngt", "nle", "neq", "nlt", "tru"};
  static const ValuOp kCmp[16] = {
      {fn([](LaneArgs&) -> u64 { return 0; }), K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return Get(a.s[0]) < Get(a.s[1]); }), K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return Get(a.s[0]) == Get(a.s[1]); }), K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return Get(a.s[0]) <= Get(a.s[1]); }), K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return Get(a.s[0]) > Get(a.s[1]); }), K::kCompare},
      {fn([](LaneArgs& a) -> u64 {
         return Get(a.s[0]) < Get(a.s[1]) || Get(a.s[0]) > Get(a.s[1]);
       }),
       K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return Get(a.s[0]) >= Get(a.s[1]); }), K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return !std::isnan(Get(a.s[0])) && !std::isnan(Get(a.s[1])); }),
       K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return std::isnan(Get(a.s[0])) || std::isnan(Get(a.s[1])); }),
       K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return !(Get(a.s[0]) >= Get(a.s[1])); }), K::kCompare},
      {fn([](LaneArgs& a) -> u64 {
         return !(Get(a.s[0]) < Get(a.s[1]) || Get(a.s[0]) > Get(a.s[1]));
       }),
       K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return !(Get(a.s[0]) > Get(a.s[1])); }), K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return !(Get(a.s[0]) <= Get(a.s[1])); }), K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return !(Get(a.s[0]) == Get(a.s[1])); }), K::kCompare},
      {fn([](LaneArgs& a) -> u64 { return !(Get(a.s[0]) < Get(a.s[1])); }), K::kCompare},
      {fn([](LaneArgs&) -> u64 { return 1; }), K::kCompare},
  };
  static ValuOp kCmpx[16];
  for (int i = 0; i < 16; ++i) {
    kCmpx[i] = {kCmp[i].fn, K::kCompareX};
    m[std::string("v_cmp_") + kCond[i] + "_" + type] = {exec_valu, &kCmp[i]};
    m[std::string("v_cmpx_") + kCond[i] + "_" + type] = {exec_valu, &kCmpx[i]};
  }
}

float get_f32(uint64_t v) {
  return as_f32(v);
}
double get_f64(uint64_t v) {
  return as_f64(v);
}
float get_f16(uint64_t v) {
  return static_cast<float>(as_f16(v));
}

const ValuOp kClass[] = {
    {fn([](LaneArgs& a) -> u64 {
       return fp_class(f0(a), static_cast<uint32_t>(a.s[1]), !(a.s[0] & 0x400000));
     }),
     K::kCompare},
    {fn([](LaneArgs& a) -> u64 {
       return fp_class(d0(a), static_cast<uint32_t>(a.s[1]), !(a.s[0] & (1ull << 51)));
     }),
     K::kCompare},
    {fn([](LaneArgs& a) -> u64 {
       return fp_class(h0(a), static_cast<uint32_t>(a.s[1]), !(a.s[0] & 0x200));
     }),
     K::kCompare},
};

}  // namespace

void add_valu_fp_ops(SemanticsMap& m) {
  for (const Named& n : kOps) m[n.name] = {exec_valu, &n.op};
  add_float_compares<float, get_f32>(m, "f32");
  add_float_compares<double, get_f64>(m, "f64");
  add_float_compares<float, get_f16>(m, "f16");
  m["v_cmp_class_f32"] = {exec_valu, &kClass[0]};
  m["v_cmp_class_f64"] = {exec_valu, &kClass[1]};
  m["v_cmp_class_f16"] = {exec_valu, &kClass[2]};
}

}  // namespace amdrr::sim::isa

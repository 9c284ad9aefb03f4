#pragma once
// Reading scalar operands (SGPRs, inline constants, literals, apertures) and
// the floating-point helpers the execution units share.

#include <bit>
#include <cmath>
#include <cstdint>

#include "lib/sim/isa/wave.h"

namespace amdrr::sim::isa {

inline float as_f32(uint64_t v) {
  return std::bit_cast<float>(static_cast<uint32_t>(v));
}
inline double as_f64(uint64_t v) {
  return std::bit_cast<double>(v);
}
inline _Float16 as_f16(uint64_t v) {
  return std::bit_cast<_Float16>(static_cast<uint16_t>(v));
}
inline uint64_t bits_of(float f) {
  return std::bit_cast<uint32_t>(f);
}
inline uint64_t bits_of(double d) {
  return std::bit_cast<uint64_t>(d);
}
inline uint64_t bits_of(_Float16 h) {
  return std::bit_cast<uint16_t>(h);
}

/// Value of a non-VGPR source operand of `dwords` dwords; `fp` is the
/// floating-point width of the operation (inline float constants follow it).
inline uint64_t scalar_src(const Wave& w, const Instruction& in, uint32_t code, uint32_t dwords,
                           uint32_t fp, const DispatchSetup& setup) {
  bool wide = dwords >= 2;
  if (code < 128) return wide ? w.sgpr64(code) : w.sreg[code];
  if (code <= 192) return code - 128;
  if (code <= 208) {
    int64_t v = 192 - static_cast<int64_t>(code);
    return wide ? static_cast<uint64_t>(v) : static_cast<uint32_t>(v);
  }
  if (code >= kSrcHalf && code <= kSrcInvTwoPi) {
    static constexpr double kVals[] = {
        0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 4.0, -4.0, 0.15915494309189532};
    double d = kVals[code - kSrcHalf];
    if (code == kSrcInvTwoPi) {  // the hardware constants are 1/(2*pi) rounded per width
      if (wide) return 0x3fc45f306dc9c882ull;
      if (fp == 16) return 0x3118;
      return 0x3e22f983;
    }
    if (wide) return bits_of(d);
    if (fp == 16) return bits_of(static_cast<_Float16>(d));
    return bits_of(static_cast<float>(d));
  }
  switch (code) {
    case kSrcSharedBase:
      return wide ? setup.shared_aperture_base : setup.shared_aperture_base >> 32;
    case kSrcSharedLimit:
      return wide ? setup.shared_aperture_base + 0xffffffffull : (setup.shared_aperture_base >> 32);
    case kSrcPrivateBase:
      return wide ? setup.private_aperture_base : setup.private_aperture_base >> 32;
    case kSrcPrivateLimit:
      return wide ? setup.private_aperture_base + 0xffffffffull
                  : (setup.private_aperture_base >> 32);
    case kSrcVccz:
      return w.vcc() == 0;
    case kSrcExecz:
      return w.exec() == 0;
    case kSrcScc:
      return w.scc;
    case kSrcLiteral:
      // UNVERIFIED: a 32-bit literal feeding a 64-bit operand is the high half
      // for fp64 and zero-extended for integers (LLVM encodes it this way).
      if (wide) return fp == 64 ? uint64_t{in.literal} << 32 : in.literal;
      return in.literal;
    default:
      return 0;
  }
}

}  // namespace amdrr::sim::isa

// VALU instructions that cross lanes or write SGPRs: v_readlane,
// v_readfirstlane, v_writelane; and VOP3P packed math.

#include <algorithm>
#include <cmath>
#include <string>

#include "lib/sim/isa/operands.h"
#include "lib/sim/isa/semantics.h"

namespace amdrr::sim::isa {
namespace {

uint32_t vsrc(const Wave& w, const Instruction& in, int i, uint32_t lane, ExecContext& ctx) {
  uint32_t code = in.src[i];
  if (code >= kSrcVgpr0) return w.vgpr[(code - kSrcVgpr0) % w.vgpr.size()][lane];
  return static_cast<uint32_t>(scalar_src(w, in, code, 1, 0, ctx.setup));
}

Step readlane(Wave& w, const Instruction& in, ExecContext& ctx, const void*) {
  uint32_t lane = static_cast<uint32_t>(scalar_src(w, in, in.src[1], 1, 0, ctx.setup)) & 63;
  w.sreg[in.dst & 127] = vsrc(w, in, 0, lane, ctx);
  return Step::kNext;
}

Step readfirstlane(Wave& w, const Instruction& in, ExecContext& ctx, const void*) {
  uint64_t exec = w.exec();
  uint32_t lane = exec ? static_cast<uint32_t>(std::countr_zero(exec)) : 0;
  w.sreg[in.dst & 127] = vsrc(w, in, 0, lane, ctx);
  return Step::kNext;
}

Step writelane(Wave& w, const Instruction& in, ExecContext& ctx, const void*) {
  uint32_t lane = static_cast<uint32_t>(scalar_src(w, in, in.src[1], 1, 0, ctx.setup)) & 63;
  uint32_t v = static_cast<uint32_t>(scalar_src(w, in, in.src[0], 1, 0, ctx.setup));
  if (in.dst >= w.vgpr.size()) return Step::kUnsupported;
  w.vgpr[in.dst][lane] = v;  // ignores EXEC, as the hardware does
  return Step::kNext;
}

// VOP3P: each source's low or high half (op_sel / op_sel_hi) per result half.
using PackedFn = uint64_t (*)(uint64_t, uint64_t, uint64_t);
// What VOP3P clamp does to an op's result half: fp results clamp to
// [0.0, 1.0] (NaN to 0, as the VOP3 output modifier here); integer add /
// sub / mad saturate to the half's unsigned or signed range, computed on
// zero- or sign-extended halves. UNVERIFIED: clamp on the other integer
// ops (mul_lo, shifts, min/max) — they stop as unsupported.
enum class PackedClamp : uint8_t { kNone, kFloat, kUnsigned, kSigned };
struct PackedOp {
  PackedFn fn;
  uint32_t half_bits;  // 16 or 32
  uint32_t fp;
  PackedClamp clamp = PackedClamp::kNone;
  bool signed_halves = false;  // integer halves are sign-extended (i16 ops)
};

uint64_t hsign(uint32_t bits) {
  return 1ull << (bits - 1);
}

uint64_t clamp_half(uint64_t r, const PackedOp& p) {
  const int64_t v = static_cast<int64_t>(r);
  switch (p.clamp) {
    case PackedClamp::kFloat:
      if (p.half_bits == 16) {
        float f = static_cast<float>(as_f16(r));
        f = std::isnan(f) ? 0.0f : std::fmin(std::fmax(f, 0.0f), 1.0f);
        return bits_of(static_cast<_Float16>(f));
      } else {
        float f = as_f32(r);
        f = std::isnan(f) ? 0.0f : std::fmin(std::fmax(f, 0.0f), 1.0f);
        return bits_of(f);
      }
    case PackedClamp::kUnsigned:
      return static_cast<uint64_t>(std::clamp<int64_t>(v, 0, (int64_t{1} << p.half_bits) - 1));
    case PackedClamp::kSigned: {
      const int64_t lim = int64_t{1} << (p.half_bits - 1);
      return static_cast<uint64_t>(std::clamp<int64_t>(v, -lim, lim - 1));
    }
    case PackedClamp::kNone:
      break;
  }
  return r;
}

Step exec_vop3p(Wave& w, const Instruction& in, ExecContext& ctx, const void* aux) {
  const PackedOp& p = *static_cast<const PackedOp*>(aux);
  const OpInfo& op = *in.op;
  const uint8_t widths[3] = {op.src0, op.src1, op.src2};
  if (in.clamp && p.clamp == PackedClamp::kNone) {
    ctx.message = std::string("VOP3P clamp of ") + op.name;
    return Step::kUnsupported;
  }
  const bool sext = p.signed_halves;
  uint64_t exec = w.exec();
  uint64_t mask = p.half_bits == 32 ? 0xffffffffull : 0xffff;
  for (int l = 0; l < kLanes; ++l) {
    if (!(exec >> l & 1)) continue;
    uint64_t full[3] = {};
    for (int i = 0; i < 3; ++i) {
      if (!widths[i]) continue;
      uint32_t code = in.src[i];
      if (code >= kSrcVgpr0) {
        uint32_t r = code - kSrcVgpr0;
        full[i] = w.vgpr[r % w.vgpr.size()][l];
        if (widths[i] >= 2) full[i] |= uint64_t{w.vgpr[(r + 1) % w.vgpr.size()][l]} << 32;
      } else {
        // UNVERIFIED: a scalar / constant source feeds both halves with its low half for 16-bit
        // ops.
        full[i] = scalar_src(w, in, code, widths[i], p.fp, ctx.setup);
        if (p.half_bits == 16)
          full[i] = (full[i] & 0xffff) | (full[i] & 0xffff) << 16;
        else if (widths[i] < 2 || code >= 128)
          full[i] = (full[i] & mask) | (full[i] & mask) << 32;
      }
    }
    uint64_t result = 0;
    for (int h = 0; h < 2; ++h) {
      uint64_t s[3];
      for (int i = 0; i < 3; ++i) {
        bool hi = h == 0 ? (in.op_sel >> i & 1) : (in.op_sel_hi >> i & 1);
        s[i] = (full[i] >> (hi ? p.half_bits : 0)) & mask;
        bool neg = h == 0 ? (in.neg >> i & 1) : (in.neg_hi >> i & 1);
        if (neg && p.fp) s[i] ^= hsign(p.half_bits);
        if (sext && (s[i] & hsign(p.half_bits))) s[i] |= ~mask;
      }
      uint64_t r = p.fn(s[0], s[1], s[2]);
      if (in.clamp) r = clamp_half(r, p);
      result |= (r & mask) << (h * p.half_bits);
    }
    uint32_t d = in.dst;
    w.vgpr[d % w.vgpr.size()][l] = static_cast<uint32_t>(result);
    if (op.dst >= 2) w.vgpr[(d + 1) % w.vgpr.size()][l] = static_cast<uint32_t>(result >> 32);
  }
  return Step::kNext;
}

// v_pk_mov_b32 (gfx90a, gfx942): D[31:0] = op_sel[0] ? S0[63:32] : S0[31:0]
// and D[63:32] = op_sel[1] ? S1[63:32] : S1[31:0] (CDNA3 ISA). Sources are
// 64-bit VGPR or SGPR pairs; an inline constant is its 32-bit value in both
// halves (UNVERIFIED, as for the other packed 32-bit ops).
Step exec_pk_mov(Wave& w, const Instruction& in, ExecContext& ctx, const void*) {
  uint64_t k[2] = {};
  const uint32_t* v[2][2] = {};
  for (int i = 0; i < 2; ++i) {
    uint32_t code = in.src[i];
    if (code >= kSrcVgpr0) {
      uint32_t r = code - kSrcVgpr0;
      if (r + 2 > w.vgpr.size()) {
        ctx.message = "VGPR beyond the allocation";
        return Step::kUnsupported;
      }
      v[i][0] = w.vgpr[r].data();
      v[i][1] = w.vgpr[r + 1].data();
    } else if (code < 128) {
      k[i] = w.sgpr64(code);
    } else {
      uint64_t c = scalar_src(w, in, code, 1, 32, ctx.setup) & 0xffffffff;
      k[i] = c | c << 32;
    }
  }
  if (in.dst + 2u > w.vgpr.size()) {
    ctx.message = "VGPR beyond the allocation";
    return Step::kUnsupported;
  }
  int half0 = in.op_sel & 1, half1 = in.op_sel >> 1 & 1;
  uint32_t* d0 = w.vgpr[in.dst].data();
  uint32_t* d1 = w.vgpr[in.dst + 1].data();
  for (uint64_t m = w.exec(); m; m &= m - 1) {
    int l = std::countr_zero(m);
    uint32_t lo = v[0][0] ? v[0][half0][l] : static_cast<uint32_t>(k[0] >> (32 * half0));
    uint32_t hi = v[1][0] ? v[1][half1][l] : static_cast<uint32_t>(k[1] >> (32 * half1));
    d0[l] = lo;  // both halves are read before either is written: the
    d1[l] = hi;  // sources may overlap the destination
  }
  return Step::kNext;
}

uint64_t hb(float v) {
  return bits_of(static_cast<_Float16>(v));
}
float h(uint64_t v) {
  return static_cast<float>(as_f16(v));
}

constexpr PackedClamp kNone = PackedClamp::kNone, kFloat = PackedClamp::kFloat,
                      kUnsigned = PackedClamp::kUnsigned, kSigned = PackedClamp::kSigned;

const struct {
  const char* name;
  PackedOp op;
} kPacked[] = {
    {"v_pk_add_f16",
     {[](uint64_t a, uint64_t b, uint64_t) { return hb(h(a) + h(b)); }, 16, 16, kFloat}},
    {"v_pk_mul_f16",
     {[](uint64_t a, uint64_t b, uint64_t) { return hb(h(a) * h(b)); }, 16, 16, kFloat}},
    {"v_pk_fma_f16",
     {[](uint64_t a, uint64_t b, uint64_t c) {
        return bits_of(static_cast<_Float16>(std::fma(double{h(a)}, double{h(b)}, double{h(c)})));
      },
      16, 16, kFloat}},
    {"v_pk_min_f16",
     {[](uint64_t a, uint64_t b, uint64_t) { return hb(std::fmin(h(a), h(b))); }, 16, 16, kFloat}},
    {"v_pk_max_f16",
     {[](uint64_t a, uint64_t b, uint64_t) { return hb(std::fmax(h(a), h(b))); }, 16, 16, kFloat}},
    {"v_pk_add_u16", {[](uint64_t a, uint64_t b, uint64_t) { return a + b; }, 16, 0, kUnsigned}},
    {"v_pk_sub_u16", {[](uint64_t a, uint64_t b, uint64_t) { return a - b; }, 16, 0, kUnsigned}},
    {"v_pk_add_i16",
     {[](uint64_t a, uint64_t b, uint64_t) { return a + b; }, 16, 0, kSigned, true}},
    {"v_pk_sub_i16",
     {[](uint64_t a, uint64_t b, uint64_t) { return a - b; }, 16, 0, kSigned, true}},
    {"v_pk_mad_u16",
     {[](uint64_t a, uint64_t b, uint64_t c) { return a * b + c; }, 16, 0, kUnsigned}},
    {"v_pk_mad_i16",
     {[](uint64_t a, uint64_t b, uint64_t c) { return a * b + c; }, 16, 0, kSigned, true}},
    {"v_pk_max_u16", {[](uint64_t a, uint64_t b, uint64_t) { return std::max(a, b); }, 16, 0}},
    {"v_pk_min_u16", {[](uint64_t a, uint64_t b, uint64_t) { return std::min(a, b); }, 16, 0}},
    {"v_pk_max_i16",
     {[](uint64_t a, uint64_t b, uint64_t) -> uint64_t {
        return std::max(static_cast<int64_t>(a), static_cast<int64_t>(b));
      },
      16, 0, kNone, true}},
    {"v_pk_min_i16",
     {[](uint64_t a, uint64_t b, uint64_t) -> uint64_t {
        return std::min(static_cast<int64_t>(a), static_cast<int64_t>(b));
      },
      16, 0, kNone, true}},
    {"v_pk_mul_lo_u16", {[](uint64_t a, uint64_t b, uint64_t) { return a * b; }, 16, 0}},
    {"v_pk_lshlrev_b16", {[](uint64_t a, uint64_t b, uint64_t) { return b << (a & 15); }, 16, 0}},
    {"v_pk_lshrrev_b16", {[](uint64_t a, uint64_t b, uint64_t) { return b >> (a & 15); }, 16, 0}},
    // The shift count is the low 4 bits of a (zero-extended); b sign-extended.
    {"v_pk_ashrrev_i16",
     {[](uint64_t a, uint64_t b, uint64_t) -> uint64_t {
        return static_cast<uint64_t>(static_cast<int64_t>(b) >> (a & 15));
      },
      16, 0, kNone, true}},
    {"v_pk_add_f32",
     {[](uint64_t a, uint64_t b, uint64_t) { return bits_of(as_f32(a) + as_f32(b)); }, 32, 32,
      kFloat}},
    {"v_pk_mul_f32",
     {[](uint64_t a, uint64_t b, uint64_t) { return bits_of(as_f32(a) * as_f32(b)); }, 32, 32,
      kFloat}},
    {"v_pk_fma_f32",
     {[](uint64_t a, uint64_t b, uint64_t c) {
        return bits_of(std::fma(as_f32(a), as_f32(b), as_f32(c)));
      },
      32, 32, kFloat}},
};

}  // namespace

void add_valu_special_ops(SemanticsMap& m) {
  m["v_readlane_b32"] = {readlane, nullptr};
  m["v_readfirstlane_b32"] = {readfirstlane, nullptr};
  m["v_writelane_b32"] = {writelane, nullptr};
  m["v_nop"] = {[](Wave&, const Instruction&, ExecContext&, const void*) { return Step::kNext; },
                nullptr};
  for (const auto& p : kPacked) m[p.name] = {exec_vop3p, &p.op};
  m["v_pk_mov_b32"] = {exec_pk_mov, nullptr};
}

}  // namespace amdrr::sim::isa

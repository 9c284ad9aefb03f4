// The VALU operand driver: gathers each lane's sources (VGPRs, scalars,
// inline constants, literals) with DPP lane moves, SDWA selects and VOP3
// abs/neg, runs the per-lane function for active lanes, and writes results
// with SDWA dst_sel, omod and clamp.

#include <algorithm>
#include <cfenv>
#include <cstring>
#include <string>

#include "lib/sim/isa/operands.h"
#include "lib/sim/isa/semantics.h"

namespace amdrr::sim::isa {
namespace {

// DPP source lane for `lane`, or -1 when the source lane is invalid.
int dpp_lane(uint32_t ctrl, int lane) {
  int row_base = lane & ~15, in_row = lane & 15;
  if (ctrl <= 0xff) return (lane & ~3) + static_cast<int>((ctrl >> (2 * (lane & 3))) & 3);
  if (ctrl >= 0x101 && ctrl <= 0x10f) {
    int s = in_row + static_cast<int>(ctrl & 0xf);
    return s < 16 ? row_base + s : -1;
  }
  if (ctrl >= 0x111 && ctrl <= 0x11f) {
    int s = in_row - static_cast<int>(ctrl & 0xf);
    return s >= 0 ? row_base + s : -1;
  }
  if (ctrl >= 0x121 && ctrl <= 0x12f)
    return row_base + ((in_row - static_cast<int>(ctrl & 0xf)) & 15);
  switch (ctrl) {
    case 0x130:
      return lane + 1 < 64 ? lane + 1 : -1;  // wave_shl
    case 0x134:
      return (lane + 1) & 63;  // wave_rol
    case 0x138:
      return lane >= 1 ? lane - 1 : -1;  // wave_shr
    case 0x13c:
      return (lane - 1) & 63;  // wave_ror
    case 0x140:
      return row_base + 15 - in_row;  // row_mirror
    case 0x141:
      return (lane & ~7) + 7 - (lane & 7);  // row_half_mirror
    case 0x142:
      return in_row == 15 ? -1 : -2;  // row_bcast:15 handled by caller
    case 0x143:
      return -2;  // row_bcast:31
    default:
      break;
  }
  if (ctrl >= 0x150 && ctrl <= 0x15f)
    return row_base + static_cast<int>(ctrl & 0xf);  // row_newbcast (gfx90a+)
  return -3;
}

uint64_t sdwa_select(uint64_t v, uint8_t sel, bool sext) {
  uint32_t x = static_cast<uint32_t>(v);
  switch (sel) {
    case 0:
    case 1:
    case 2:
    case 3: {
      uint32_t b = x >> (8 * sel) & 0xff;
      return sext ? static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(b))) : b;
    }
    case 4:
    case 5: {
      uint32_t h = x >> (16 * (sel - 4)) & 0xffff;
      return sext ? static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(h))) : h;
    }
    default:
      return x;
  }
}

uint32_t sdwa_dst(uint32_t old, uint32_t v, uint8_t sel, uint8_t unused) {
  if (sel >= 6) return v;
  uint32_t shift = sel < 4 ? 8 * sel : 16 * (sel - 4), width = sel < 4 ? 8 : 16;
  uint32_t mask = ((1u << width) - 1) << shift;
  uint32_t placed = (v << shift) & mask;
  if (unused == 2) return (old & ~mask) | placed;  // UNUSED_PRESERVE
  if (unused == 1 && (placed >> (shift + width - 1) & 1))
    return placed | ~((1u << (shift + width)) - 1);
  return placed;
}

uint64_t sign_mask(uint32_t dwords, uint32_t fp) {
  return fp == 16 ? 0x8000 : dwords >= 2 ? 1ull << 63 : 1ull << 31;
}

bool is_denorm(uint64_t v, uint32_t fp) {
  if (fp == 32) return (v & 0x7f800000) == 0 && (v & 0x7fffff);
  if (fp == 64) return (v & 0x7ff0000000000000ull) == 0 && (v & 0xfffffffffffffull);
  return (v & 0x7c00) == 0 && (v & 0x3ff);
}

uint64_t flush(uint64_t v, uint32_t fp, uint32_t dwords) {
  return is_denorm(v, fp) ? v & sign_mask(dwords, fp) : v;
}

uint64_t output_mods(uint64_t v, const Instruction& in, uint32_t fp, uint32_t dwords) {
  if (fp == 32 && dwords == 1) {
    float f = as_f32(v);
    if (in.omod == 1) f *= 2.0f;
    if (in.omod == 2) f *= 4.0f;
    if (in.omod == 3) f *= 0.5f;
    if (in.clamp) f = std::isnan(f) ? 0.0f : std::fmin(std::fmax(f, 0.0f), 1.0f);
    return bits_of(f);
  }
  if (fp == 64 && dwords == 2) {
    double f = as_f64(v);
    if (in.omod == 1) f *= 2.0;
    if (in.omod == 2) f *= 4.0;
    if (in.omod == 3) f *= 0.5;
    if (in.clamp) f = std::isnan(f) ? 0.0 : std::fmin(std::fmax(f, 0.0), 1.0);
    return bits_of(f);
  }
  if (fp == 16) {
    float f = static_cast<float>(as_f16(v));
    if (in.omod == 1) f *= 2.0f;
    if (in.omod == 2) f *= 4.0f;
    if (in.omod == 3) f *= 0.5f;
    if (in.clamp) f = std::isnan(f) ? 0.0f : std::fmin(std::fmax(f, 0.0f), 1.0f);
    return (v & ~0xffffull) | bits_of(static_cast<_Float16>(f));
  }
  return v;
}

// The narrow path (NarrowBatch) when the instruction is the plain case:
// every lane active, no DPP / SDWA / input or output modifiers, no
// denormal flushing or rounding-mode change, a VGPR result (32 or 64 bits)
// or a compare's bits. Returns false when the general driver must run.
bool try_narrow(Wave& w, const Instruction& in, ExecContext& ctx, const ValuOp& vop) {
  const OpInfo& op = *in.op;
  const bool compare = vop.kind == ValuKind::kCompare || vop.kind == ValuKind::kCompareX;
  if ((vop.kind != ValuKind::kWrite && !compare) || w.exec() != ~0ull) return false;
  if (!compare && (op.dst < 1 || op.dst > 2)) return false;
  if (in.encoding != Encoding::kNative && in.encoding != Encoding::kVop3) return false;
  if (op.format == Format::kVop3p || in.abs || in.neg || in.clamp || in.omod || in.op_sel)
    return false;
  if (in.traits & (kTraitAccSrc0 | kTraitAccDst | kTraitKeepHi16)) return false;
  if (op.src0 > 2 || op.src1 > 2 || op.src2 > 2) return false;
  if (op.fp) {
    const uint32_t mode = w.mode;
    const uint32_t denorm = op.fp == 32 ? mode >> 4 & 3 : mode >> 6 & 3;
    const uint32_t round = op.fp == 32 ? mode & 3 : mode >> 2 & 3;
    if (denorm != 3 || round != 0) return false;
  }
  const uint32_t nvgpr = static_cast<uint32_t>(w.vgpr.size());
  const uint8_t widths[3] = {op.src0, op.src1, op.src2};
  bool wide = !compare && op.dst == 2;
  // Absent sources and the high half of 32-bit ones read zeros.
  static constexpr uint32_t kZeroRow[kLanes] = {};
  alignas(64) uint32_t broadcast[3][2][kLanes];
  NarrowBatch b{};
  for (int i = 0; i < 3; ++i) {
    b.lo[i] = b.hi[i] = kZeroRow;
    if (!widths[i]) continue;
    wide |= widths[i] == 2;
    const uint32_t code = in.src[i];
    if (code >= kSrcVgpr0) {
      const uint32_t r = code - kSrcVgpr0;
      if (r + widths[i] > nvgpr) return false;
      b.lo[i] = w.vgpr[r].data();
      if (widths[i] == 2) b.hi[i] = w.vgpr[r + 1].data();
    } else {
      const uint64_t v = scalar_src(w, in, code, widths[i], op.fp, ctx.setup);
      std::fill_n(broadcast[i][0], kLanes, static_cast<uint32_t>(v));
      b.lo[i] = broadcast[i][0];
      if (widths[i] == 2) {
        std::fill_n(broadcast[i][1], kLanes, static_cast<uint32_t>(v >> 32));
        b.hi[i] = broadcast[i][1];
      }
    }
  }
  // v_fmac / v_mac accumulate into their destination: it is source 2.
  if ((in.traits & kTraitMac) && !widths[2]) {
    if (compare || in.dst + op.dst > nvgpr) return false;
    b.lo[2] = w.vgpr[in.dst].data();
    if (op.dst == 2) b.hi[2] = w.vgpr[in.dst + 1].data();
  }
  b.cond = (in.encoding == Encoding::kVop3 && (in.traits & kTraitCondSgpr)) ? w.sgpr64(in.src[2])
                                                                            : w.vcc();
  b.mode = w.mode;
  b.k = in.literal;
  if (compare) {
    (wide ? vop.fn.compare64 : vop.fn.compare32)(b);
    const uint32_t sd = in.encoding == Encoding::kNative ? uint32_t{kSrcVccLo} : uint32_t{in.sdst};
    w.set_sgpr64(sd, b.bits);
    if (vop.kind == ValuKind::kCompareX) w.set_exec(b.bits);
    return true;
  }
  if (in.dst + op.dst > nvgpr) return false;
  b.out_lo = w.vgpr[in.dst].data();
  b.out_hi = op.dst == 2 ? w.vgpr[in.dst + 1].data() : nullptr;
  (wide ? vop.fn.narrow64 : vop.fn.narrow32)(b);
  return true;
}

}  // namespace

Step exec_valu(Wave& w, const Instruction& in, ExecContext& ctx, const void* aux) {
  const ValuOp& vop = *static_cast<const ValuOp*>(aux);
  const OpInfo& op = *in.op;
  const uint8_t widths[3] = {op.src0, op.src1, op.src2};
  bool fp_op = op.fp != 0;
  bool has_mods = in.abs || in.neg;
  if (try_narrow(w, in, ctx, vop)) return Step::kNext;
  BatchFn compute = vop.fn.wide;
  if (in.clamp && !fp_op) {
    if (!vop.clamped) {
      ctx.message = std::string("integer clamp (saturation) of ") + op.name;
      return Step::kUnsupported;
    }
    compute = vop.clamped.wide;
  }
  // VOP3 op_sel (GFX9 16-bit VOP3 ops): bits 0-2 pick the high half of a
  // 16-bit source, bit 3 writes the high half of the destination.
  uint8_t op_sel = op.format != Format::kVop3p ? in.op_sel : 0;

  // Gather each VGPR source for every lane (inactive lanes are computed
  // over but never written); a scalar or absent source is one value
  // (lane_mask 0), not a broadcast. Input modifiers apply source by source.
  alignas(64) uint64_t vals[3][kLanes];
  uint32_t lane_mask[3] = {0, 0, 0};
  int lanes_of[3] = {1, 1, 1};
  int nsrc = 0;
  for (int i = 0; i < 3; ++i) {
    vals[i][0] = 0;
    if (!widths[i]) continue;
    nsrc = i + 1;
    uint32_t code = in.src[i];
    if (code >= kSrcVgpr0) {
      uint32_t r = code - kSrcVgpr0;
      if (i == 0 && (in.traits & kTraitAccSrc0)) r += w.accum_offset;
      if (r + widths[i] > w.vgpr.size()) {
        ctx.message = "VGPR beyond the allocation";
        return Step::kUnsupported;
      }
      lane_mask[i] = kLanes - 1;
      lanes_of[i] = kLanes;
      const uint32_t* lo = w.vgpr[r].data();
      if (widths[i] >= 2) {
        const uint32_t* hi = w.vgpr[r + 1].data();
        for (int l = 0; l < kLanes; ++l) vals[i][l] = lo[l] | uint64_t{hi[l]} << 32;
      } else {
        for (int l = 0; l < kLanes; ++l) vals[i][l] = lo[l];
      }
    } else {
      vals[i][0] = scalar_src(w, in, code, widths[i], op.fp, ctx.setup);
    }
  }
  // Carry-in / condition source: vcc in the 32-bit encodings, an SGPR pair in VOP3.
  uint64_t cond = w.vcc();
  if (in.encoding == Encoding::kVop3 && (in.traits & kTraitCondSgpr)) cond = w.sgpr64(in.src[2]);

  uint32_t mode = w.mode;
  uint32_t denorm = fp_op ? (op.fp == 32 ? mode >> 4 & 3 : mode >> 6 & 3) : 3;
  uint32_t round = fp_op ? (op.fp == 32 ? mode & 3 : mode >> 2 & 3) : 0;
  bool flush_in = denorm == 0 || denorm == 2;
  bool flush_out = denorm == 0 || denorm == 1;

  uint64_t exec = w.exec();
  uint64_t write_mask = exec;
  bool dpp = in.encoding == Encoding::kDpp, sdwa = in.encoding == Encoding::kSdwa;
  uint32_t dst_dwords = op.dst;
  uint32_t dst = in.dst;
  if (in.traits & kTraitAccDst) dst += w.accum_offset;
  bool writes_vgpr =
      vop.kind != ValuKind::kCompare && vop.kind != ValuKind::kCompareX && dst_dwords;
  if (writes_vgpr && dst + dst_dwords > w.vgpr.size()) {
    ctx.message = "VGPR beyond the allocation";
    return Step::kUnsupported;
  }
  // v_fmac / v_mac accumulate into their destination: it is source 2.
  if ((in.traits & kTraitMac) && !widths[2]) {
    const uint32_t* lo = w.vgpr[dst].data();
    const uint32_t* hi = dst_dwords >= 2 ? w.vgpr[dst + 1].data() : nullptr;
    for (int l = 0; l < kLanes; ++l) vals[2][l] = lo[l] | (hi ? uint64_t{hi[l]} << 32 : 0);
    lane_mask[2] = kLanes - 1;
    lanes_of[2] = kLanes;
    nsrc = 3;
  }
  if (dpp) {
    uint64_t moved[kLanes];
    for (int l = 0; l < kLanes; ++l) {
      moved[l] = 0;
      if (!(in.row_mask >> (l >> 4) & 1) || !(in.bank_mask >> ((l >> 2) & 3) & 1)) {
        write_mask &= ~(1ull << l);
        continue;
      }
      int s = dpp_lane(in.dpp_ctrl, l);
      if (s == -2) {  // row_bcast: lane 15 of the previous row / lane 31 into rows 2-3
        bool b15 = in.dpp_ctrl == 0x142;
        int row = l >> 4;
        s = b15 ? (row >= 1 ? row * 16 - 1 : -1) : (row >= 2 ? 31 : -1);
      }
      if (s < 0 || !(exec >> s & 1)) {
        if (!in.bound_ctrl) write_mask &= ~(1ull << l);
      } else {
        moved[l] = vals[0][s & lane_mask[0]];
      }
    }
    std::memcpy(vals[0], moved, sizeof moved);
    lane_mask[0] = kLanes - 1;
    lanes_of[0] = kLanes;
  }
  for (int i = 0; i < nsrc; ++i) {
    uint64_t* v = vals[i];
    const int n = lanes_of[i];
    uint32_t width_i = widths[i] ? widths[i] : dst_dwords;
    if (sdwa && i < 2)
      for (int l = 0; l < n; ++l) v[l] = sdwa_select(v[l], in.src_sel[i], in.src_sext[i]);
    if ((op_sel >> i & 1) && width_i == 1)
      for (int l = 0; l < n; ++l) v[l] = v[l] >> 16 & 0xffff;
    if (has_mods && fp_op) {
      uint64_t sm = sign_mask(width_i, op.fp);
      uint64_t clear = (in.abs >> i & 1) ? ~sm : ~0ull, flip = (in.neg >> i & 1) ? sm : 0;
      for (int l = 0; l < n; ++l) v[l] = (v[l] & clear) ^ flip;
    }
    if (fp_op && flush_in)
      for (int l = 0; l < n; ++l) v[l] = flush(v[l], op.fp, width_i);
  }

  alignas(64) uint64_t results[kLanes];
  LaneBatch b{{vals[0], vals[1], vals[2]},
              {lane_mask[0], lane_mask[1], lane_mask[2]},
              cond,
              write_mask,
              mode,
              in.literal,
              results,
              0,
              vop.kind == ValuKind::kCarryOut || vop.kind == ValuKind::kCarryOnly};
  if (round) {
    static constexpr int kRound[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
    int old_round = std::fegetround();
    std::fesetround(kRound[round]);
    compute(b);
    std::fesetround(old_round);
  } else {
    compute(b);
  }

  uint64_t result_bits = 0;
  if (writes_vgpr) {
    if (vop.kind == ValuKind::kCarryOut || vop.kind == ValuKind::kCarryOnly)
      result_bits = b.carry_out & b.mask;
    bool post = fp_op && (in.omod || in.clamp || (flush_out && vop.kind == ValuKind::kWrite));
    // 16-bit results: op_sel[3] puts the result in the high half (the low
    // half kept); the GFX9 mad/fma/div_fixup f16/u16/i16 keep the high half.
    // UNVERIFIED: op_sel[3] keeps the other half for every 16-bit op.
    bool hi16 = op_sel >> 3 & 1, keep16 = hi16 || (in.traits & kTraitKeepHi16);
    uint32_t* d0 = w.vgpr[dst].data();
    if (!post && !keep16 && !sdwa && dst_dwords <= 2) {  // the common case, without per-lane tests
      uint32_t* d1 = dst_dwords == 2 ? w.vgpr[dst + 1].data() : nullptr;
      if (write_mask == ~0ull) {
        for (int l = 0; l < kLanes; ++l) d0[l] = static_cast<uint32_t>(results[l]);
        if (d1)
          for (int l = 0; l < kLanes; ++l) d1[l] = static_cast<uint32_t>(results[l] >> 32);
      } else {
        for (uint64_t m = write_mask; m; m &= m - 1) {
          int l = std::countr_zero(m);
          d0[l] = static_cast<uint32_t>(results[l]);
          if (d1) d1[l] = static_cast<uint32_t>(results[l] >> 32);
        }
      }
      write_mask = 0;  // written
    }
    for (uint64_t m = write_mask; m; m &= m - 1) {
      int l = std::countr_zero(m);
      uint64_t r = results[l];
      if (post) {
        if (in.omod || in.clamp) r = output_mods(r, in, op.fp, dst_dwords);
        if (flush_out && vop.kind == ValuKind::kWrite) r = flush(r, op.fp, dst_dwords);
      }
      if (keep16) {
        r = hi16 ? (d0[l] & 0xffffu) | (r & 0xffff) << 16 : (d0[l] & 0xffff0000u) | (r & 0xffff);
      }
      if (sdwa) r = sdwa_dst(d0[l], static_cast<uint32_t>(r), in.dst_sel, in.dst_unused);
      d0[l] = static_cast<uint32_t>(r);
      for (uint32_t d = 1; d < dst_dwords; ++d)
        w.vgpr[dst + d][l] = static_cast<uint32_t>(r >> (32 * d));
    }
  } else {
    if (write_mask == ~0ull) {
      for (int l = 0; l < kLanes; ++l) result_bits |= (results[l] & 1) << l;
    } else {
      for (uint64_t m = write_mask; m; m &= m - 1) {
        int l = std::countr_zero(m);
        result_bits |= (results[l] & 1) << l;
      }
    }
  }
  if (vop.kind != ValuKind::kWrite) {
    // The mask result: bits of inactive lanes are 0 (compares) / unchanged carries are 0 too.
    uint32_t sd = in.encoding == Encoding::kNative ? uint32_t{kSrcVccLo} : uint32_t{in.sdst};
    if (in.encoding == Encoding::kSdwa && op.format == Format::kVopc) sd = in.sdst;
    w.set_sgpr64(sd, result_bits);
    if (vop.kind == ValuKind::kCompareX) w.set_exec(result_bits);
  }
  return Step::kNext;
}

}  // namespace amdrr::sim::isa

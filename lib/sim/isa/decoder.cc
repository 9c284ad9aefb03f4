#include "lib/sim/isa/decoder.h"

#include <cstring>
#include <string_view>

namespace amdrr::sim::isa {
namespace {

constexpr uint32_t bits(uint32_t w, int lo, int n) {
  return (w >> lo) & ((1u << n) - 1);
}
constexpr int32_t sext(uint32_t v, int n) {
  return static_cast<int32_t>(v << (32 - n)) >> (32 - n);
}

// VOP3 opcode ranges of the VOPC / VOP2 / VOP1 ops promoted to VOP3.
constexpr uint32_t kVop3FromVop2 = 0x100;
constexpr uint32_t kVop3FromVop1 = 0x140;
constexpr uint32_t kVop3Native = 0x1c0;

// VOP3b: an SGPR-pair carry-out in bits [14:8] instead of abs/op_sel. Native
// VOP3 ops show it as 'C'; promoted VOP2 carry ops as vcc right after vdst.
bool has_carry_out(const OpInfo* op) {
  std::string_view p = op->pattern;
  return p.find('C') != std::string_view::npos ||
         (op->format == Format::kVop2 && p.size() > 1 && p[1] == 'V');
}

// GFX9 16-bit ops that keep the high half of the destination (LLVM's
// GCNSubtarget::zeroesHigh16BitsOfDest is false for them on GFX9; every other
// 16-bit VALU result zeroes it). UNVERIFIED beyond LLVM's model.
bool keeps_high16(std::string_view n) {
  return n == "v_mad_f16" || n == "v_mad_u16" || n == "v_mad_i16" || n == "v_fma_f16" ||
         n == "v_div_fixup_f16";
}

uint8_t traits_of(const OpInfo* op) {
  std::string_view p = op->pattern, n = op->name;
  uint8_t t = 0;
  if (p.find('f') != std::string_view::npos) t |= kTraitAccSrc0;
  if (p.find('e') != std::string_view::npos) t |= kTraitAccDst;
  if (n.find("mac_") != std::string_view::npos) t |= kTraitMac;
  if (!p.empty() && p.back() == 'V') t |= kTraitCondSgpr;
  if (keeps_high16(n)) t |= kTraitKeepHi16;
  return t;
}

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> b) : b_(b) {}
  bool word(int i, uint32_t* out) const {
    if (b_.size() < static_cast<size_t>(4 * (i + 1))) return false;
    std::memcpy(out, b_.data() + 4 * i, 4);
    return true;
  }

 private:
  std::span<const uint8_t> b_;
};

}  // namespace

DecodeResult Decoder::decode(std::span<const uint8_t> bytes) const {
  DecodeResult r;
  Instruction& in = r.inst;
  Reader rd(bytes);
  uint32_t w0 = 0, w1 = 0;
  if (!rd.word(0, &w0)) {
    r.status = DecodeStatus::kTruncated;
    return r;
  }
  in.word[0] = w0;
  auto need_word1 = [&]() {
    if (!rd.word(1, &w1)) return false;
    in.word[1] = w1;
    in.size = 8;
    return true;
  };
  // A literal follows the instruction when any source operand asks for one.
  auto take_literal = [&](int index) {
    uint32_t lit = 0;
    if (!rd.word(index, &lit)) return false;
    in.literal = lit;
    in.has_literal = true;
    in.word[index] = lit;
    in.size = static_cast<uint8_t>(4 * (index + 1));
    return true;
  };
  auto truncated = [&]() {
    r.status = DecodeStatus::kTruncated;
    return r;
  };
  const OpInfo* op = nullptr;

  if ((w0 >> 31) == 0) {
    // VOP2 / VOP1 / VOPC.
    uint32_t top = bits(w0, 25, 6);
    in.src[0] = static_cast<uint16_t>(bits(w0, 0, 9));
    if (top == 0x3f) {
      op = map_.find(Format::kVop1, bits(w0, 9, 8));
      in.dst = static_cast<uint16_t>(bits(w0, 17, 8));
    } else if (top == 0x3e) {
      op = map_.find(Format::kVopc, bits(w0, 17, 8));
      in.src[1] = static_cast<uint16_t>(kSrcVgpr0 + bits(w0, 9, 8));
    } else {
      op = map_.find(Format::kVop2, top);
      in.dst = static_cast<uint16_t>(bits(w0, 17, 8));
      in.src[1] = static_cast<uint16_t>(kSrcVgpr0 + bits(w0, 9, 8));
    }
    if (!op) return r;
    if (op->format == Format::kVop2 &&
        std::string_view(op->pattern).find('I') != std::string_view::npos) {
      if (!take_literal(1)) return truncated();  // v_madmk / v_fmaak: the K constant
    }
    if (in.src[0] == kSrcLiteral) {
      if (!take_literal(1)) return truncated();
    } else if (in.src[0] == kSrcSdwa) {
      if (!need_word1()) return truncated();
      in.encoding = Encoding::kSdwa;
      in.src[0] = static_cast<uint16_t>(bits(w1, 0, 8) + (bits(w1, 23, 1) ? 0 : kSrcVgpr0));
      if (op->format == Format::kVopc) {
        if (bits(w1, 15, 1)) in.sdst = static_cast<uint16_t>(bits(w1, 8, 7));
      } else {
        in.dst_sel = static_cast<uint8_t>(bits(w1, 8, 3));
        in.dst_unused = static_cast<uint8_t>(bits(w1, 11, 2));
        in.clamp = bits(w1, 13, 1);
        in.omod = static_cast<uint8_t>(bits(w1, 14, 2));
      }
      in.src_sel[0] = static_cast<uint8_t>(bits(w1, 16, 3));
      in.src_sext[0] = bits(w1, 19, 1);
      in.neg = static_cast<uint8_t>(bits(w1, 20, 1) | bits(w1, 28, 1) << 1);
      in.abs = static_cast<uint8_t>(bits(w1, 21, 1) | bits(w1, 29, 1) << 1);
      in.src_sel[1] = static_cast<uint8_t>(bits(w1, 24, 3));
      in.src_sext[1] = bits(w1, 27, 1);
      if (op->format != Format::kVop1 && bits(w1, 31, 1))
        in.src[1] = static_cast<uint16_t>(bits(w0, 9, 8));
    } else if (in.src[0] == kSrcDpp) {
      if (!need_word1()) return truncated();
      in.encoding = Encoding::kDpp;
      in.src[0] = static_cast<uint16_t>(kSrcVgpr0 + bits(w1, 0, 8));
      in.dpp_ctrl = static_cast<uint16_t>(bits(w1, 8, 9));
      in.bound_ctrl = bits(w1, 19, 1);
      in.neg = static_cast<uint8_t>(bits(w1, 20, 1) | bits(w1, 22, 1) << 1);
      in.abs = static_cast<uint8_t>(bits(w1, 21, 1) | bits(w1, 23, 1) << 1);
      in.bank_mask = static_cast<uint8_t>(bits(w1, 24, 4));
      in.row_mask = static_cast<uint8_t>(bits(w1, 28, 4));
    }
  } else if ((w0 >> 30) == 2 && bits(w0, 28, 2) != 3) {
    op = map_.find(Format::kSop2, bits(w0, 23, 7));
    if (!op) return r;
    in.dst = static_cast<uint16_t>(bits(w0, 16, 7));
    in.src[0] = static_cast<uint16_t>(bits(w0, 0, 8));
    in.src[1] = static_cast<uint16_t>(bits(w0, 8, 8));
    if ((in.src[0] == kSrcLiteral || in.src[1] == kSrcLiteral) && !take_literal(1))
      return truncated();
  } else if ((w0 >> 28) == 0xb) {
    uint32_t sub = bits(w0, 23, 5);
    if (sub == 0x1d) {
      op = map_.find(Format::kSop1, bits(w0, 8, 8));
      in.dst = static_cast<uint16_t>(bits(w0, 16, 7));
      in.src[0] = static_cast<uint16_t>(bits(w0, 0, 8));
      if (op && in.src[0] == kSrcLiteral && !take_literal(1)) return truncated();
    } else if (sub == 0x1e) {
      op = map_.find(Format::kSopc, bits(w0, 16, 7));
      in.src[0] = static_cast<uint16_t>(bits(w0, 0, 8));
      in.src[1] = static_cast<uint16_t>(bits(w0, 8, 8));
      if (op && (in.src[0] == kSrcLiteral || in.src[1] == kSrcLiteral) && !take_literal(1))
        return truncated();
    } else if (sub == 0x1f) {
      op = map_.find(Format::kSopp, bits(w0, 16, 7));
      in.simm16 = static_cast<uint16_t>(bits(w0, 0, 16));
    } else {
      op = map_.find(Format::kSopk, sub);
      in.dst = static_cast<uint16_t>(bits(w0, 16, 7));
      in.simm16 = static_cast<uint16_t>(bits(w0, 0, 16));
      if (op && std::string_view(op->name) == "s_setreg_imm32_b32" && !take_literal(1))
        return truncated();
    }
    if (!op) return r;
  } else {
    uint32_t top6 = bits(w0, 26, 6);
    switch (top6) {
      case 0x30: {  // SMEM
        op = map_.find(Format::kSmem, bits(w0, 18, 8));
        if (!op) return r;
        if (!need_word1()) return truncated();
        in.addr = static_cast<uint16_t>(bits(w0, 0, 6) * 2);  // sbase, an SGPR pair
        in.dst = static_cast<uint16_t>(bits(w0, 6, 7));       // sdata
        in.soe = bits(w0, 14, 1);
        in.nv = bits(w0, 15, 1);
        in.glc = bits(w0, 16, 1);
        in.imm = bits(w0, 17, 1);
        if (in.imm) {
          in.offset = sext(bits(w1, 0, 21), 21);
          if (in.soe) in.soffset = static_cast<uint16_t>(bits(w1, 25, 7));
        } else {
          in.soffset = static_cast<uint16_t>(bits(w1, 0, 8));
        }
        break;
      }
      case 0x34: {  // VOP3 and VOP3P
        if (!need_word1()) return truncated();
        in.encoding = Encoding::kVop3;
        in.dst = static_cast<uint16_t>(bits(w0, 0, 8));
        in.clamp = bits(w0, 15, 1);
        in.src[0] = static_cast<uint16_t>(bits(w1, 0, 9));
        in.src[1] = static_cast<uint16_t>(bits(w1, 9, 9));
        in.src[2] = static_cast<uint16_t>(bits(w1, 18, 9));
        in.neg = static_cast<uint8_t>(bits(w1, 29, 3));
        if (bits(w0, 23, 3) == 7) {
          op = map_.find(Format::kVop3p, bits(w0, 16, 7));
          if (!op) return r;
          in.neg_hi = static_cast<uint8_t>(bits(w0, 8, 3));
          in.op_sel = static_cast<uint8_t>(bits(w0, 11, 3));
          in.op_sel_hi = static_cast<uint8_t>(bits(w1, 27, 2) | bits(w0, 14, 1) << 2);
          break;
        }
        uint32_t opc = bits(w0, 16, 10);
        op = map_.find(Format::kVop3, opc);
        if (!op) {
          if (opc < kVop3FromVop2)
            op = map_.find(Format::kVopc, opc);
          else if (opc < kVop3FromVop1)
            op = map_.find(Format::kVop2, opc - kVop3FromVop2);
          else if (opc < kVop3Native)
            op = map_.find(Format::kVop1, opc - kVop3FromVop1);
        }
        if (!op) return r;
        in.omod = static_cast<uint8_t>(bits(w1, 27, 2));
        if (op->format == Format::kVopc) {
          in.sdst = in.dst;
          in.abs = static_cast<uint8_t>(bits(w0, 8, 3));
        } else if (has_carry_out(op)) {
          in.sdst = static_cast<uint16_t>(bits(w0, 8, 7));
        } else {
          in.abs = static_cast<uint8_t>(bits(w0, 8, 3));
          in.op_sel = static_cast<uint8_t>(bits(w0, 11, 4));
        }
        break;
      }
      case 0x36: {  // DS
        op = map_.find(Format::kDs, bits(w0, 17, 8));
        if (!op) return r;
        if (!need_word1()) return truncated();
        in.offset0 = static_cast<uint8_t>(bits(w0, 0, 8));
        in.offset1 = static_cast<uint8_t>(bits(w0, 8, 8));
        in.offset = static_cast<int32_t>(bits(w0, 0, 16));
        in.gds = bits(w0, 16, 1);
        in.acc = bits(w0, 25, 1);
        in.addr = static_cast<uint16_t>(bits(w1, 0, 8));
        in.data0 = static_cast<uint16_t>(bits(w1, 8, 8));
        in.data1 = static_cast<uint16_t>(bits(w1, 16, 8));
        in.vdst = static_cast<uint16_t>(bits(w1, 24, 8));
        break;
      }
      case 0x37: {  // FLAT / SCRATCH / GLOBAL
        static constexpr Format kSeg[] = {Format::kFlat, Format::kScratch, Format::kGlobal,
                                          Format::kCount};
        Format f = kSeg[bits(w0, 14, 2)];
        if (f == Format::kCount) return r;
        op = map_.find(f, bits(w0, 18, 7));
        if (!op) return r;
        if (!need_word1()) return truncated();
        in.offset =
            f == Format::kFlat ? static_cast<int32_t>(bits(w0, 0, 12)) : sext(bits(w0, 0, 13), 13);
        in.sve = bits(w0, 13, 1);
        in.lds = bits(w0, 13, 1);
        in.glc = bits(w0, 16, 1);
        in.slc = bits(w0, 17, 1);
        in.sc1 = bits(w0, 25, 1);
        in.addr = static_cast<uint16_t>(bits(w1, 0, 8));
        in.data0 = static_cast<uint16_t>(bits(w1, 8, 8));
        in.saddr = static_cast<uint16_t>(bits(w1, 16, 7));
        in.acc = bits(w1, 23, 1);
        in.vdst = static_cast<uint16_t>(bits(w1, 24, 8));
        break;
      }
      case 0x38: {  // MUBUF
        op = map_.find(Format::kMubuf, bits(w0, 18, 7));
        if (!op) return r;
        if (!need_word1()) return truncated();
        in.offset = static_cast<int32_t>(bits(w0, 0, 12));
        in.offen = bits(w0, 12, 1);
        in.idxen = bits(w0, 13, 1);
        in.glc = bits(w0, 14, 1);
        in.sc1 = bits(w0, 15, 1);
        in.lds = bits(w0, 16, 1);
        in.slc = bits(w0, 17, 1);
        in.addr = static_cast<uint16_t>(bits(w1, 0, 8));
        in.data0 = static_cast<uint16_t>(bits(w1, 8, 8));
        in.srsrc = static_cast<uint16_t>(bits(w1, 16, 5) * 4);
        in.acc = bits(w1, 23, 1);
        in.soffset = static_cast<uint16_t>(bits(w1, 24, 8));
        break;
      }
      default:
        return r;
    }
  }
  in.op = op;
  in.traits = traits_of(op);
  r.status = DecodeStatus::kOk;
  return r;
}

}  // namespace amdrr::sim::isa

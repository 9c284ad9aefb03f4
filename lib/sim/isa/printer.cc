#include "lib/sim/isa/printer.h"

#include <cstdio>
#include <string_view>
#include <vector>

namespace amdrr::sim::isa {
namespace {

std::string hex(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%x", v);
  return b;
}

std::string range(char file, uint32_t first, uint32_t dwords) {
  if (dwords <= 1) return file + std::to_string(first);
  return std::string(1, file) + "[" + std::to_string(first) + ":" +
         std::to_string(first + dwords - 1) + "]";
}

// An SGPR-file register (0..127) of `dwords` dwords, with LLVM's names.
std::string sreg(uint32_t r, uint32_t dwords) {
  struct Named {
    uint32_t reg;
    const char* one;
    const char* pair;
  };
  static constexpr Named kNamed[] = {{102, "flat_scratch_lo", "flat_scratch"},
                                     {103, "flat_scratch_hi", nullptr},
                                     {104, "xnack_mask_lo", "xnack_mask"},
                                     {105, "xnack_mask_hi", nullptr},
                                     {106, "vcc_lo", "vcc"},
                                     {107, "vcc_hi", nullptr},
                                     {124, "m0", nullptr},
                                     {126, "exec_lo", "exec"},
                                     {127, "exec_hi", nullptr}};
  for (const Named& n : kNamed) {
    if (n.reg == r) {
      if (dwords == 2 && n.pair) return n.pair;
      if (dwords <= 1) return n.one;
    }
  }
  if (r >= kSrcTtmp0 && r < kSrcTtmp0 + 16)
    return range('t', r - kSrcTtmp0, dwords).insert(1, "tmp");
  return range('s', r, dwords);
}

std::string src_text(const Instruction& in, uint32_t code, uint32_t dwords, uint32_t fp) {
  if (code >= kSrcVgpr0) return range('v', code - kSrcVgpr0, dwords);
  if (code < 128) return sreg(code, dwords);
  if (code <= 192) return std::to_string(code - 128);
  if (code <= 208) return std::to_string(192 - static_cast<int>(code));
  static constexpr const char* kFloat[] = {"0.5",  "-0.5", "1.0",  "-1.0",      "2.0",
                                           "-2.0", "4.0",  "-4.0", "0.15915494"};
  if (code >= kSrcHalf && code <= kSrcInvTwoPi) return kFloat[code - kSrcHalf];
  switch (code) {
    case kSrcSharedBase:
      return "src_shared_base";
    case kSrcSharedLimit:
      return "src_shared_limit";
    case kSrcPrivateBase:
      return "src_private_base";
    case kSrcPrivateLimit:
      return "src_private_limit";
    case kSrcPopsExitingWaveId:
      return "src_pops_exiting_wave_id";
    case kSrcVccz:
      return "src_vccz";
    case kSrcExecz:
      return "src_execz";
    case kSrcScc:
      return "src_scc";
    case 254:
      return "src_lds_direct";
    case kSrcLiteral:
      return hex(in.literal);
    default:
      break;
  }
  (void)fp;
  return "<bad src " + std::to_string(code) + ">";
}

std::string with_mods(std::string s, const Instruction& in, int i) {
  if (in.op->format == Format::kVop3p) return s;  // neg_lo / neg_hi are printed as lists
  bool sdwa_sext = in.encoding == Encoding::kSdwa && i < 2 && in.src_sext[i];
  if (sdwa_sext) s = "sext(" + s + ")";
  if (in.abs >> i & 1) s = "|" + s + "|";
  if (in.neg >> i & 1) s = "-" + s;
  return s;
}

std::string bit_list(uint32_t v, int n) {
  std::string s = "[";
  for (int i = 0; i < n; ++i) {
    if (i) s += ',';
    s += std::to_string(v >> i & 1);  // append, not "x" + string: g++ 12 -O3 -Wrestrict
  }
  return s + "]";
}

const char* sel_name(uint32_t s) {
  static constexpr const char* kSel[] = {"BYTE_0", "BYTE_1", "BYTE_2", "BYTE_3",
                                         "WORD_0", "WORD_1", "DWORD",  "?"};
  return kSel[s & 7];
}

std::string dpp_text(const Instruction& in) {
  uint32_t c = in.dpp_ctrl;
  std::string s;
  if (c <= 0xff) {
    s = "quad_perm:[" + std::to_string(c & 3) + "," + std::to_string(c >> 2 & 3) + "," +
        std::to_string(c >> 4 & 3) + "," + std::to_string(c >> 6 & 3) + "]";
  } else if (c >= 0x101 && c <= 0x10f) {
    s = "row_shl:" + std::to_string(c & 0xf);
  } else if (c >= 0x111 && c <= 0x11f) {
    s = "row_shr:" + std::to_string(c & 0xf);
  } else if (c >= 0x121 && c <= 0x12f) {
    s = "row_ror:" + std::to_string(c & 0xf);
  } else if (c == 0x130) {
    s = "wave_shl:1";
  } else if (c == 0x134) {
    s = "wave_rol:1";
  } else if (c == 0x138) {
    s = "wave_shr:1";
  } else if (c == 0x13c) {
    s = "wave_ror:1";
  } else if (c == 0x140) {
    s = "row_mirror";
  } else if (c == 0x141) {
    s = "row_half_mirror";
  } else if (c == 0x142) {
    s = "row_bcast:15";
  } else if (c == 0x143) {
    s = "row_bcast:31";
  } else if (c >= 0x150 && c <= 0x15f) {
    s = "row_newbcast:" + std::to_string(c & 0xf);
  } else {
    s = "dpp_ctrl:" + hex(c);
  }
  s += " row_mask:" + hex(in.row_mask) + " bank_mask:" + hex(in.bank_mask);
  if (in.bound_ctrl) s += " bound_ctrl:1";
  return s;
}

std::string sopp_operand(const Instruction& in) {
  std::string_view n = in.op->name;
  uint32_t v = in.simm16;
  if (n == "s_endpgm" || n == "s_barrier" || n == "s_wakeup" || n == "s_icache_inv" ||
      n == "s_ttracedata" || n == "s_set_gpr_idx_off" || n == "s_endpgm_ordered_ps_done" ||
      n == "s_endpgm_saved") {
    return v ? std::string(" ").append(std::to_string(v)) : std::string();
  }
  if (n == "s_waitcnt") {
    uint32_t vm = (v & 0xf) | (v >> 14 & 3) << 4, exp = v >> 4 & 7, lgkm = v >> 8 & 0xf;
    std::string s;
    if (vm != 63) s += " vmcnt(" + std::to_string(vm) + ")";
    if (exp != 7) s += " expcnt(" + std::to_string(exp) + ")";
    if (lgkm != 15) s += " lgkmcnt(" + std::to_string(lgkm) + ")";
    return s.empty() ? " vmcnt(63) expcnt(7) lgkmcnt(15)" : s;
  }
  if (n.starts_with("s_branch") || n.starts_with("s_cbranch") || n == "s_nop" || n == "s_sleep" ||
      n == "s_setprio" || n == "s_trap" || n == "s_incperflevel" || n == "s_decperflevel")
    return std::string(" ").append(std::to_string(v));
  return std::string(" ").append(hex(v));
}

std::string hwreg_text(uint32_t v) {
  uint32_t id = v & 0x3f, off = v >> 6 & 0x1f, size = (v >> 11 & 0x1f) + 1;
  static constexpr const char* kNames[] = {
      nullptr,        "HW_REG_MODE",      "HW_REG_STATUS",    "HW_REG_TRAPSTS",
      "HW_REG_HW_ID", "HW_REG_GPR_ALLOC", "HW_REG_LDS_ALLOC", "HW_REG_IB_STS"};
  std::string name = id < std::size(kNames) && kNames[id] ? kNames[id] : std::to_string(id);
  if (off == 0 && size == 32) return "hwreg(" + name + ")";
  return "hwreg(" + name + ", " + std::to_string(off) + ", " + std::to_string(size) + ")";
}

std::string mem_cache_bits(const Instruction& in, Target target) {
  std::string s;
  if (target == kGfx942) {
    if (in.glc) s += " sc0";
    if (in.slc) s += " nt";
    if (in.sc1) s += " sc1";
  } else {
    if (in.glc) s += " glc";
    if (in.slc) s += " slc";
    if (in.sc1) s += " scc";
  }
  return s;
}

}  // namespace

bool is_returning_atomic(const Instruction& in) {
  return in.glc && std::string_view(in.op->name).find("_atomic_") != std::string_view::npos;
}

uint32_t atomic_return_dwords(const OpInfo& op) {
  bool cmpswap = std::string_view(op.name).find("cmpswap") != std::string_view::npos;
  return cmpswap ? op.src0 / 2 : op.src0;
}

std::string mnemonic(const Instruction& in) {
  std::string m = in.op->name;
  Format f = in.op->format;
  bool promotable = f == Format::kVop1 || f == Format::kVop2 || f == Format::kVopc;
  switch (in.encoding) {
    case Encoding::kSdwa:
      return m + "_sdwa";
    case Encoding::kDpp:
      return m + "_dpp";
    case Encoding::kVop3:
      return promotable ? m + "_e64" : m;
    case Encoding::kNative:
      if (in.op->flags & kOpE32Suffix) return m + "_e32";
      return m;
  }
  return m;
}

std::string to_text(const Instruction& in, Target target) {
  const OpInfo& op = *in.op;
  std::string s = mnemonic(in);
  std::vector<std::string> ops;
  Format f = op.format;
  auto memfmt = f == Format::kDs || f == Format::kFlat || f == Format::kScratch ||
                f == Format::kGlobal || f == Format::kMubuf || f == Format::kSmem;
  std::string tail;
  if (f == Format::kSopp) return s + sopp_operand(in);
  if (f == Format::kSopk) {
    std::string_view n = op.name;
    if (n == "s_getreg_b32") return s + " " + sreg(in.dst, 1) + ", " + hwreg_text(in.simm16);
    if (n == "s_setreg_b32") return s + " " + hwreg_text(in.simm16) + ", " + sreg(in.dst, 1);
    if (n == "s_setreg_imm32_b32")
      return s + " " + hwreg_text(in.simm16) + ", " +
             (in.literal <= 64 ? std::to_string(in.literal) : hex(in.literal));
    if (n == "s_call_b64")
      return s + " " + sreg(in.dst, 2) + ", " + std::to_string(static_cast<int16_t>(in.simm16));
    return s + " " + sreg(in.dst, op.dst) + ", " + hex(in.simm16);
  }
  if (!memfmt) {
    const uint8_t widths[3] = {op.src0, op.src1, op.src2};
    for (char c : std::string_view(op.pattern)) {
      switch (c) {
        case 'D':
          ops.push_back(range('v', in.dst, op.dst));
          break;
        case 'd':
          ops.push_back(sreg(in.dst, op.dst));
          break;
        case 'e':
          ops.push_back(range('a', in.dst, op.dst));
          break;
        case 'C':
          ops.push_back(sreg(in.sdst, 2));
          break;
        case 'f':
          ops.push_back(range('a', in.src[0] - kSrcVgpr0, op.src0));
          break;
        case 'V':
          // vcc as destination of VOPC / carry-out, or as carry-in source.
          if (in.encoding == Encoding::kVop3) {
            bool is_dst = f == Format::kVopc || ops.size() == 1;
            ops.push_back(sreg(is_dst ? in.sdst : in.src[2], 2));
          } else if (in.encoding == Encoding::kSdwa && f == Format::kVopc) {
            ops.push_back(sreg(in.sdst, 2));
          } else {
            ops.push_back("vcc");
          }
          break;
        case 'I':
          ops.push_back(hex(in.literal));
          break;
        default: {
          int i = c - '0';
          ops.push_back(with_mods(src_text(in, in.src[i], widths[i], op.fp), in, i));
        }
      }
    }
    // VOPC in VOP3 form prints its SGPR destination where the e32 form has vcc.
    if (in.encoding == Encoding::kVop3) {
      if (in.clamp) tail += " clamp";
      if (f == Format::kVop3p) {
        int n = op.src2 ? 3 : 2;
        uint32_t all = (1u << n) - 1;
        if (in.op_sel) tail += " op_sel:" + bit_list(in.op_sel, n);
        if ((in.op_sel_hi & all) != all) tail += " op_sel_hi:" + bit_list(in.op_sel_hi, n);
        if (in.neg) tail += " neg_lo:" + bit_list(in.neg, n);
        if (in.neg_hi) tail += " neg_hi:" + bit_list(in.neg_hi, n);
      } else {
        if (in.op_sel) tail += " op_sel:" + bit_list(in.op_sel, op.src2 ? 4 : 3);
        static constexpr const char* kOmod[] = {"", " mul:2", " mul:4", " div:2"};
        tail += kOmod[in.omod & 3];
      }
    } else if (in.encoding == Encoding::kSdwa) {
      if (in.clamp) tail += " clamp";
      static constexpr const char* kOmod[] = {"", " mul:2", " mul:4", " div:2"};
      tail += kOmod[in.omod & 3];
      if (f != Format::kVopc) {
        static constexpr const char* kUnused[] = {"UNUSED_PAD", "UNUSED_SEXT", "UNUSED_PRESERVE",
                                                  "?"};
        tail += std::string(" dst_sel:") + sel_name(in.dst_sel) +
                " dst_unused:" + kUnused[in.dst_unused & 3];
      }
      tail += std::string(" src0_sel:") + sel_name(in.src_sel[0]);
      if (f != Format::kVop1) tail += std::string(" src1_sel:") + sel_name(in.src_sel[1]);
    } else if (in.encoding == Encoding::kDpp) {
      tail += " " + dpp_text(in);
    }
  } else if (f == Format::kSmem) {
    std::string_view n = op.name;
    if (op.dst) ops.push_back(sreg(in.dst, op.dst));
    if (op.src2) ops.push_back(sreg(in.addr, op.src2));
    if (n == "s_memtime" || n == "s_memrealtime") {
      ops = {sreg(in.dst, 2)};
    } else if (op.src2) {
      if (!in.imm)
        ops.push_back(sreg(in.soffset, 1));
      else if (in.soe)
        ops.push_back(sreg(in.soffset, 1) + " offset:" + hex(static_cast<uint32_t>(in.offset)));
      else
        ops.push_back(hex(static_cast<uint32_t>(in.offset) & 0x1fffff));
    }
    if (in.glc) tail += " glc";
  } else if (f == Format::kDs) {
    std::string_view n = op.name;
    if (op.dst) ops.push_back(range('v', in.vdst, op.dst));
    ops.push_back(range('v', in.addr, 1));
    if (op.src0) ops.push_back(range('v', in.data0, op.src0));
    if (op.src1) ops.push_back(range('v', in.data1, op.src1));
    if (n.find("2_") != std::string_view::npos || n.find("2st64") != std::string_view::npos) {
      if (in.offset0) tail += " offset0:" + std::to_string(in.offset0);
      if (in.offset1) tail += " offset1:" + std::to_string(in.offset1);
    } else if (in.offset) {
      tail += " offset:" + std::to_string(in.offset);
    }
    if (in.gds) tail += " gds";
  } else if (f == Format::kMubuf) {
    if (std::string_view(op.pattern).empty())
      return s + mem_cache_bits(in, target);  // buffer_wbl2, buffer_inv
    if (op.dst) ops.push_back(range('v', in.data0, op.dst));
    ops.push_back(in.offen || in.idxen ? range('v', in.addr, in.offen && in.idxen ? 2 : 1) : "off");
    ops.push_back(sreg(in.srsrc, 4));
    ops.push_back(src_text(in, in.soffset, 1, 0));
    if (in.idxen) tail += " idxen";
    if (in.offen) tail += " offen";
    if (in.offset) tail += " offset:" + std::to_string(in.offset);
    tail += mem_cache_bits(in, target);
    if (in.lds) tail += " lds";
  } else {  // FLAT / GLOBAL / SCRATCH
    if (op.dst) ops.push_back(range('v', in.vdst, op.dst));
    if (is_returning_atomic(in)) ops.push_back(range('v', in.vdst, atomic_return_dwords(op)));
    bool saddr_used = f != Format::kFlat && (in.saddr & 0x7f) != 0x7f;
    bool vaddr_used = f == Format::kScratch ? (target == kGfx942 ? in.sve : !saddr_used) : true;
    uint32_t addr_dwords = f == Format::kFlat || (f == Format::kGlobal && !saddr_used) ? 2 : 1;
    if (op.sdst || f == Format::kScratch)
      ops.push_back(vaddr_used ? range('v', in.addr, addr_dwords) : "off");
    if (op.src0) ops.push_back(range('v', in.data0, op.src0));
    if (f != Format::kFlat)
      ops.push_back(saddr_used ? sreg(in.saddr, f == Format::kGlobal ? 2 : 1) : "off");
    if (in.offset) tail += " offset:" + std::to_string(in.offset);
    tail += mem_cache_bits(in, target);
  }
  for (size_t i = 0; i < ops.size(); ++i) s += (i ? ", " : " ") + ops[i];
  return s + tail;
}

}  // namespace amdrr::sim::isa

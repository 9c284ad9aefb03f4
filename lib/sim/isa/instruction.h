#pragma once
// A decoded instruction: its table entry plus every field of its encoding,
// in one flat struct so that the printer and the interpreter read fields by
// name and never re-parse bits.

#include <cstdint>

#include "lib/sim/isa/opcode_table.h"

namespace amdrr::sim::isa {

/// Source operand codes (the 9-bit SRC fields of GFX9).
enum SrcCode : uint16_t {
  kSrcFlatScratchLo = 102,
  kSrcVccLo = 106,
  kSrcVccHi = 107,
  kSrcTtmp0 = 108,
  kSrcM0 = 124,
  kSrcExecLo = 126,
  kSrcExecHi = 127,
  kSrcZero = 128,
  kSrcSharedBase = 235,
  kSrcSharedLimit = 236,
  kSrcPrivateBase = 237,
  kSrcPrivateLimit = 238,
  kSrcPopsExitingWaveId = 239,
  kSrcHalf = 240,
  kSrcInvTwoPi = 248,
  kSrcSdwa = 249,
  kSrcDpp = 250,
  kSrcVccz = 251,
  kSrcExecz = 252,
  kSrcScc = 253,
  kSrcLiteral = 255,
  kSrcVgpr0 = 256,
};

enum class Encoding : uint8_t { kNative, kVop3, kSdwa, kDpp };

/// Facts about an instruction's table entry that the interpreter needs on
/// every execution, derived once by the decoder (Instruction::traits).
enum InstTrait : uint8_t {
  kTraitAccSrc0 = 1,    // src0 is an AGPR (pattern 'f')
  kTraitAccDst = 2,     // the destination is an AGPR (pattern 'e')
  kTraitMac = 4,        // v_mac / v_fmac: the destination is also source 2
  kTraitCondSgpr = 8,   // VOP3: the condition / carry-in is an SGPR pair (pattern ends 'V')
  kTraitKeepHi16 = 16,  // a 16-bit result that keeps the other half of its VGPR
};

struct Instruction {
  const OpInfo* op = nullptr;
  Encoding encoding = Encoding::kNative;
  uint8_t size = 4;  // bytes, literal included
  uint32_t word[3] = {};
  uint32_t literal = 0;
  bool has_literal = false;
  uint8_t traits = 0;  // InstTrait bits

  // Operands. VALU/SALU: src codes (VGPRs are 256 + n); dst is a register
  // number in the file the pattern says; sdst is the VOP3b carry-out or the
  // VOPC destination SGPR (106 = vcc for the 32-bit encodings).
  uint16_t src[3] = {};
  uint16_t dst = 0;
  uint16_t sdst = kSrcVccLo;
  uint16_t simm16 = 0;

  // VOP3 / VOP3P modifiers.
  uint8_t abs = 0, neg = 0, neg_hi = 0, op_sel = 0, op_sel_hi = 0, omod = 0;
  bool clamp = false;

  // SDWA.
  uint8_t dst_sel = 6, dst_unused = 0, src_sel[2] = {6, 6};
  bool src_sext[2] = {};

  // DPP.
  uint16_t dpp_ctrl = 0;
  uint8_t row_mask = 0xf, bank_mask = 0xf;
  bool bound_ctrl = false;

  // Memory: address / data registers, offsets and cache bits.
  uint16_t addr = 0, data0 = 0, data1 = 0, vdst = 0, saddr = 0, soffset = 0, srsrc = 0;
  int32_t offset = 0;
  uint8_t offset0 = 0, offset1 = 0;
  bool glc = false, slc = false, sc1 = false, nv = false, gds = false, lds = false;
  bool offen = false, idxen = false, imm = false, soe = false, acc = false, sve = false;
};

}  // namespace amdrr::sim::isa

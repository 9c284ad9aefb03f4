#pragma once
// The instruction table: one entry per (format, opcode) of the GFX9-family
// encodings as gfx942 and gfx90a use them. It is generated from LLVM's
// disassembler (tools/gen_opcode_tables.py) and is the single source for
// the decoder (which entry an encoding is), the printer (mnemonic and operand
// order) and the interpreter (semantics are bound to entries by mnemonic).
// Generation lives in which entries a target sees (`targets` mask), as in
// LLVM's AMDGPUDisassembler, never in per-instruction branches.

#include <cstdint>
#include <span>

namespace amdrr::sim::isa {

enum class Format : uint8_t {
  kSop2,
  kSopk,
  kSop1,
  kSopc,
  kSopp,
  kSmem,
  kVop2,
  kVop1,
  kVopc,
  kVop3,
  kVop3p,
  kDs,
  kFlat,
  kScratch,
  kGlobal,
  kMubuf,
  kCount,
};

const char* format_name(Format f);

/// Targets an entry is valid on (bit mask).
enum Target : uint8_t { kGfx942 = 1, kGfx90a = 2 };

/// One instruction of the table. Operand widths are in dwords (0 = absent).
/// `pattern` is the operand order LLVM prints, one letter per operand:
///   D dst VGPR, d dst SGPR, e dst AGPR, C VOP3b carry-out SGPR pair,
///   0 1 2 sources (f = src0 AGPR), V literal vcc, I immediate, O `off`,
///   A address VGPR(s), B scalar base / buffer resource, and for memory
///   formats 0 1 the data operands.
struct OpInfo {
  const char* name;  // LLVM mnemonic without _e32/_e64
  Format format;
  uint16_t opcode;
  uint8_t targets;
  const char* pattern;
  uint8_t dst;
  uint8_t sdst;   // VALU: carry-out SGPRs; memory: address dwords
  uint8_t src0;   // memory: data0
  uint8_t src1;   // memory: data1
  uint8_t src2;   // memory / SMEM: base register dwords
  uint8_t fp;     // floating-point width of the sources (0 = integer)
  uint8_t flags;  // kOpE32Suffix
};

/// OpInfo::flags: LLVM spells the 32-bit encoding with an _e32 suffix.
constexpr uint8_t kOpE32Suffix = 1;

std::span<const OpInfo> all_ops();

/// Index of `op` in all_ops(): the key the interpreter binds semantics to.
inline uint32_t op_index(const OpInfo* op) {
  return static_cast<uint32_t>(op - all_ops().data());
}

/// Opcode lookup for one target: what the decoder tries.
class OpcodeMap {
 public:
  explicit OpcodeMap(Target target);
  const OpInfo* find(Format f, uint32_t opcode) const {
    auto i = static_cast<size_t>(f);
    return opcode < kMaxOpcode ? by_format_[i][opcode] : nullptr;
  }
  Target target() const { return target_; }

 private:
  static constexpr uint32_t kMaxOpcode = 1024;
  Target target_;
  const OpInfo* by_format_[static_cast<size_t>(Format::kCount)][kMaxOpcode] = {};
};

}  // namespace amdrr::sim::isa

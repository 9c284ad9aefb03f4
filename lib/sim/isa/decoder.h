#pragma once
// Decodes GFX9-family machine code for one target (gfx942 or gfx90a): which
// table entries are tried is the only thing that depends on the target.

#include <cstddef>
#include <cstdint>
#include <span>

#include "lib/sim/isa/instruction.h"
#include "lib/sim/isa/opcode_table.h"

namespace amdrr::sim::isa {

enum class DecodeStatus : uint8_t {
  kOk,
  kIllegal,    // no instruction of this target has this encoding
  kTruncated,  // the bytes end inside the instruction
};

struct DecodeResult {
  DecodeStatus status = DecodeStatus::kIllegal;
  Instruction inst;
};

class Decoder {
 public:
  explicit Decoder(Target target) : map_(target) {}
  /// Decodes the instruction at the start of `bytes` (up to 12 bytes are read).
  DecodeResult decode(std::span<const uint8_t> bytes) const;
  Target target() const { return map_.target(); }

 private:
  OpcodeMap map_;
};

}  // namespace amdrr::sim::isa

#pragma once
// Prints a decoded instruction the way llvm-objdump does (mnemonic, operands,
// modifiers), so the decoder can be checked against LLVM as an oracle.

#include <string>

#include "lib/sim/isa/instruction.h"

namespace amdrr::sim::isa {

/// LLVM-style text of `in` ("v_add_f32_e32 v2, v6, v7").
std::string to_text(const Instruction& in, Target target);

/// FLAT/GLOBAL atomics return the old value when GLC (SC0) is set.
bool is_returning_atomic(const Instruction& in);
uint32_t atomic_return_dwords(const OpInfo& op);

/// The mnemonic with its encoding suffix (_e32, _e64, _sdwa, _dpp).
std::string mnemonic(const Instruction& in);

}  // namespace amdrr::sim::isa

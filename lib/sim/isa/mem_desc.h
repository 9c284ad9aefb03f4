#pragma once
// What a memory instruction moves, parsed once from its mnemonic
// (buffer_/flat_/global_/scratch_/ds_ names share their suffixes).

#include <cstdint>
#include <string_view>

namespace amdrr::sim::isa {

enum class AtomicOp : uint8_t {
  kNone,
  kSwap,
  kCmpSwap,
  kAdd,
  kSub,
  kRsub,
  kSmin,
  kUmin,
  kSmax,
  kUmax,
  kAnd,
  kOr,
  kXor,
  kInc,
  kDec,
  kAddF32,
  kAddF64,
  kMinF64,
  kMaxF64,
  kMinF32,
  kMaxF32,
};

struct MemDesc {
  uint32_t bytes = 4;  // per element
  bool sign = false;
  uint8_t d16 = 0;  // 1: low half of the VGPR, 2: high half
  bool store = false;
  AtomicOp atomic = AtomicOp::kNone;
  bool returns = false;  // DS: _rtn_
};

MemDesc parse_mem_desc(std::string_view name);

/// Applies an atomic to the old value (`bytes` 4 or 8); `cmp` for cmpswap.
uint64_t apply_atomic(AtomicOp op, uint64_t old, uint64_t data, uint64_t cmp, uint32_t bytes);

}  // namespace amdrr::sim::isa

#include "lib/sim/engines/gpu_ops.h"

#include <algorithm>

namespace amdrr::sim {

std::optional<bool> compare(uint32_t function, uint32_t value, uint32_t mask, uint32_t reference) {
  const uint32_t v = value & mask;
  switch (function) {
    case 0:
      return true;
    case 1:
      return v < reference;
    case 2:
      return v <= reference;
    case 3:
      return v == reference;
    case 4:
      return v != reference;
    case 5:
      return v >= reference;
    case 6:
      return v > reference;
    default:
      return std::nullopt;  // reserved (UNVERIFIED what the CP does)
  }
}

std::optional<AtomicOp> decode_atomic(uint32_t tc_op) {
  if (tc_op >= 0x80) return std::nullopt;
  AtomicOp a;
  a.is_64 = (tc_op & 0x20) != 0;
  a.returns = (tc_op & 0x40) == 0;
  a.op = tc_op & 0x1F;
  switch (a.op) {
    case 0x07:  // SWAP
    case 0x08:  // CMPSWAP
    case 0x0F:  // ADD
    case 0x10:  // SUB
    case 0x11:  // SMIN
    case 0x12:  // UMIN
    case 0x13:  // SMAX
    case 0x14:  // UMAX
    case 0x15:  // AND
    case 0x16:  // OR
    case 0x17:  // XOR
    case 0x18:  // INC
    case 0x19:  // DEC
      return a;
    default:
      return std::nullopt;
  }
}

uint64_t apply_atomic(const AtomicOp& a, uint64_t old, uint64_t src, uint64_t cmp, bool* swapped) {
  const uint64_t mask = a.is_64 ? ~0ull : 0xFFFFFFFFull;
  old &= mask, src &= mask, cmp &= mask;
  auto sx = [&](uint64_t v) {
    return a.is_64 ? static_cast<int64_t>(v) : static_cast<int64_t>(static_cast<int32_t>(v));
  };
  *swapped = false;
  uint64_t r = old;
  switch (a.op) {
    case 0x07:
      r = src;
      break;
    case 0x08:
      // UNVERIFIED: SRC_DATA is the new value, CMP_DATA the expected one.
      *swapped = old == cmp;
      r = *swapped ? src : old;
      break;
    case 0x0F:
      r = old + src;
      break;
    case 0x10:
      r = old - src;
      break;
    case 0x11:
      r = sx(src) < sx(old) ? src : old;
      break;
    case 0x12:
      r = std::min(old, src);
      break;
    case 0x13:
      r = sx(src) > sx(old) ? src : old;
      break;
    case 0x14:
      r = std::max(old, src);
      break;
    case 0x15:
      r = old & src;
      break;
    case 0x16:
      r = old | src;
      break;
    case 0x17:
      r = old ^ src;
      break;
    case 0x18:  // INC: wraps to 0 at src, as the ISA's atomic_inc
      r = old >= src ? 0 : old + 1;
      break;
    case 0x19:  // DEC: wraps to src at 0 or above src, as the ISA's atomic_dec
      r = (old == 0 || old > src) ? src : old - 1;
      break;
  }
  return r & mask;
}

}  // namespace amdrr::sim

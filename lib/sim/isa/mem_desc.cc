#include "lib/sim/isa/mem_desc.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace amdrr::sim::isa {

MemDesc parse_mem_desc(std::string_view n) {
  MemDesc d;
  auto has = [&](std::string_view s) { return n.find(s) != std::string_view::npos; };
  d.store = has("store") || has("write");
  d.returns = has("_rtn");
  if (has("dwordx4") || has("b128"))
    d.bytes = 16;
  else if (has("dwordx3") || has("b96"))
    d.bytes = 12;
  else if (has("dwordx2") || has("b64") || has("_x2") || has("u64") || has("i64") || has("f64"))
    d.bytes = 8;
  else if (has("byte") || has("_b8") || has("u8") || has("i8"))
    d.bytes = 1;
  else if (has("short") || has("_b16") || has("u16") || has("i16"))
    d.bytes = 2;
  d.sign = has("sbyte") || has("sshort") || has("_i8") || has("_i16");
  if (has("d16_hi"))
    d.d16 = 2;
  else if (has("d16"))
    d.d16 = 1;
  if (has("atomic") || (n.starts_with("ds_") && !has("read") && !has("write_b") && !has("write2") &&
                        !has("permute") && !has("swizzle"))) {
    static constexpr struct {
      std::string_view key;
      AtomicOp op;
    } kOps[] = {{"cmpswap", AtomicOp::kCmpSwap},
                {"cmpst", AtomicOp::kCmpSwap},
                {"swap", AtomicOp::kSwap},
                {"wrxchg", AtomicOp::kSwap},
                {"add_f32", AtomicOp::kAddF32},
                {"add_f64", AtomicOp::kAddF64},
                {"add_rtn_f32", AtomicOp::kAddF32},
                {"add_rtn_f64", AtomicOp::kAddF64},
                {"min_f64", AtomicOp::kMinF64},
                {"max_f64", AtomicOp::kMaxF64},
                {"min_f32", AtomicOp::kMinF32},
                {"max_f32", AtomicOp::kMaxF32},
                {"min_rtn_f32", AtomicOp::kMinF32},
                {"max_rtn_f32", AtomicOp::kMaxF32},
                {"rsub", AtomicOp::kRsub},
                {"add", AtomicOp::kAdd},
                {"sub", AtomicOp::kSub},
                {"smin", AtomicOp::kSmin},
                {"min_i", AtomicOp::kSmin},
                {"umin", AtomicOp::kUmin},
                {"min_u", AtomicOp::kUmin},
                {"min_rtn_i", AtomicOp::kSmin},
                {"min_rtn_u", AtomicOp::kUmin},
                {"smax", AtomicOp::kSmax},
                {"max_i", AtomicOp::kSmax},
                {"umax", AtomicOp::kUmax},
                {"max_u", AtomicOp::kUmax},
                {"max_rtn_i", AtomicOp::kSmax},
                {"max_rtn_u", AtomicOp::kUmax},
                {"and", AtomicOp::kAnd},
                {"xor", AtomicOp::kXor},
                {"or", AtomicOp::kOr},
                {"inc", AtomicOp::kInc},
                {"dec", AtomicOp::kDec}};
    for (const auto& o : kOps) {
      if (has(o.key)) {
        d.atomic = o.op;
        break;
      }
    }
    d.store = false;
  }
  return d;
}

uint64_t apply_atomic(AtomicOp op, uint64_t old, uint64_t data, uint64_t cmp, uint32_t bytes) {
  bool wide = bytes == 8;
  uint64_t mask = wide ? ~0ull : 0xffffffffull;
  auto s = [&](uint64_t v) {
    return wide ? static_cast<int64_t>(v) : static_cast<int64_t>(static_cast<int32_t>(v));
  };
  switch (op) {
    case AtomicOp::kSwap:
      return data;
    case AtomicOp::kCmpSwap:
      return old == cmp ? data : old;
    case AtomicOp::kAdd:
      return (old + data) & mask;
    case AtomicOp::kSub:
      return (old - data) & mask;
    case AtomicOp::kRsub:
      return (data - old) & mask;
    case AtomicOp::kSmin:
      return s(old) < s(data) ? old : data;
    case AtomicOp::kUmin:
      return std::min(old, data);
    case AtomicOp::kSmax:
      return s(old) > s(data) ? old : data;
    case AtomicOp::kUmax:
      return std::max(old, data);
    case AtomicOp::kAnd:
      return old & data;
    case AtomicOp::kOr:
      return old | data;
    case AtomicOp::kXor:
      return old ^ data;
    case AtomicOp::kInc:
      return old >= data ? 0 : (old + 1) & mask;
    case AtomicOp::kDec:
      return (old == 0 || old > data) ? data : (old - 1) & mask;
    case AtomicOp::kAddF32:
      return std::bit_cast<uint32_t>(std::bit_cast<float>(static_cast<uint32_t>(old)) +
                                     std::bit_cast<float>(static_cast<uint32_t>(data)));
    case AtomicOp::kMinF32:
      return std::bit_cast<uint32_t>(std::fmin(std::bit_cast<float>(static_cast<uint32_t>(old)),
                                               std::bit_cast<float>(static_cast<uint32_t>(data))));
    case AtomicOp::kMaxF32:
      return std::bit_cast<uint32_t>(std::fmax(std::bit_cast<float>(static_cast<uint32_t>(old)),
                                               std::bit_cast<float>(static_cast<uint32_t>(data))));
    case AtomicOp::kAddF64:
      return std::bit_cast<uint64_t>(std::bit_cast<double>(old) + std::bit_cast<double>(data));
    case AtomicOp::kMinF64:
      return std::bit_cast<uint64_t>(
          std::fmin(std::bit_cast<double>(old), std::bit_cast<double>(data)));
    case AtomicOp::kMaxF64:
      return std::bit_cast<uint64_t>(
          std::fmax(std::bit_cast<double>(old), std::bit_cast<double>(data)));
    case AtomicOp::kNone:
      break;
  }
  return old;
}

}  // namespace amdrr::sim::isa

// DS (LDS) instructions: loads, stores, read2/write2, atomics, and the
// cross-lane ds_bpermute / ds_permute / ds_swizzle.

#include <cstring>
#include <string_view>

#include "lib/sim/isa/mem_desc.h"
#include "lib/sim/isa/semantics.h"

namespace amdrr::sim::isa {
namespace {

uint32_t& vr(Wave& w, uint32_t r, int lane) {
  return w.vgpr[r % w.vgpr.size()][lane];
}

// UNVERIFIED: out-of-range LDS reads return 0 and writes are dropped.
void lds_rw(Wave& w, uint64_t off, void* data, uint32_t n, bool write) {
  auto& l = w.group->lds;
  if (off > l.size() || n > l.size() - off) {
    if (!write) std::memset(data, 0, n);
    return;
  }
  if (write)
    std::memcpy(l.data() + off, data, n);
  else
    std::memcpy(data, l.data() + off, n);
}

uint64_t get(Wave& w, uint32_t r, int lane, uint32_t bytes) {
  uint64_t v = vr(w, r, lane);
  if (bytes == 8) v |= uint64_t{vr(w, r + 1, lane)} << 32;
  return v;
}
void put(Wave& w, uint32_t r, int lane, uint64_t v, uint32_t bytes) {
  vr(w, r, lane) = static_cast<uint32_t>(v);
  if (bytes == 8) vr(w, r + 1, lane) = static_cast<uint32_t>(v >> 32);
}

}  // namespace

Step exec_ds(Wave& w, const Instruction& in, ExecContext& ctx, const void* aux) {
  const MemDesc& d = *static_cast<const MemDesc*>(aux);
  std::string_view n = in.op->name;
  uint64_t exec = w.exec();
  if (in.gds) {
    ctx.message = "GDS";
    return Step::kUnsupported;
  }
  if (n == "ds_bpermute_b32" || n == "ds_permute_b32" || n == "ds_swizzle_b32") {
    uint32_t src[kLanes], out[kLanes];
    for (int l = 0; l < kLanes; ++l) {
      src[l] = vr(w, n == "ds_swizzle_b32" ? in.addr : in.data0, l);
      out[l] = vr(w, in.vdst, l);
    }
    for (int l = 0; l < kLanes; ++l) {
      if (!(exec >> l & 1)) continue;
      if (n == "ds_bpermute_b32") {
        int s =
            static_cast<int>(((vr(w, in.addr, l) + static_cast<uint32_t>(in.offset)) >> 2) & 63);
        out[l] = (exec >> s & 1) ? src[s] : 0;  // UNVERIFIED: an inactive source lane reads 0
      } else if (n == "ds_permute_b32") {
        int t =
            static_cast<int>(((vr(w, in.addr, l) + static_cast<uint32_t>(in.offset)) >> 2) & 63);
        out[t] = src[l];
      } else {
        uint32_t off = static_cast<uint32_t>(in.offset);
        int s;
        if (off & 0x8000) {
          s = (l & ~3) + static_cast<int>((off >> (2 * (l & 3))) & 3);
        } else {
          int and_m = off & 0x1f, or_m = (off >> 5) & 0x1f, xor_m = (off >> 10) & 0x1f;
          s = (l & 0x20) | ((((l & 0x1f) & and_m) | or_m) ^ xor_m);
        }
        out[l] = (exec >> s & 1) ? src[s] : 0;
      }
    }
    for (int l = 0; l < kLanes; ++l)
      if ((exec >> l & 1) || n == "ds_permute_b32") vr(w, in.vdst, l) = out[l];
    return Step::kNext;
  }
  bool two = n.find("2_") != std::string_view::npos || n.find("2st64") != std::string_view::npos;
  uint32_t stride = n.find("st64") != std::string_view::npos ? d.bytes * 64 : d.bytes;
  for (int l = 0; l < kLanes; ++l) {
    if (!(exec >> l & 1)) continue;
    uint32_t base = vr(w, in.addr, l);
    if (two) {
      uint64_t a0 = uint64_t{base} + in.offset0 * stride, a1 = uint64_t{base} + in.offset1 * stride;
      if (d.store) {
        uint64_t v0 = get(w, in.data0, l, d.bytes), v1 = get(w, in.data1, l, d.bytes);
        lds_rw(w, a0, &v0, d.bytes, true);
        lds_rw(w, a1, &v1, d.bytes, true);
      } else if (d.atomic == AtomicOp::kSwap) {
        ctx.message = "ds_wrxchg2";
        return Step::kUnsupported;
      } else {
        uint64_t v0 = 0, v1 = 0;
        lds_rw(w, a0, &v0, d.bytes, false);
        lds_rw(w, a1, &v1, d.bytes, false);
        put(w, in.vdst, l, v0, d.bytes);
        put(w, in.vdst + d.bytes / 4, l, v1, d.bytes);
      }
      continue;
    }
    uint64_t a = uint64_t{base} + static_cast<uint32_t>(in.offset);
    if (d.atomic != AtomicOp::kNone) {
      uint64_t old = 0;
      lds_rw(w, a, &old, d.bytes, false);
      uint64_t data = get(w, in.data0, l, d.bytes);
      uint64_t cmp = data, src = in.op->src1 ? get(w, in.data1, l, d.bytes) : data;
      uint64_t nv =
          apply_atomic(d.atomic, old, d.atomic == AtomicOp::kCmpSwap ? src : data, cmp, d.bytes);
      lds_rw(w, a, &nv, d.bytes, true);
      if (in.op->dst) put(w, in.vdst, l, old, d.bytes);
    } else if (d.store) {
      uint8_t buf[16] = {};
      for (uint32_t i = 0; i < (d.bytes + 3) / 4; ++i) {
        uint32_t v = vr(w, in.data0 + i, l);
        if (d.d16 == 2) v >>= 16;
        std::memcpy(buf + 4 * i, &v, 4);
      }
      lds_rw(w, a, buf, d.bytes, true);
    } else {
      uint8_t buf[16] = {};
      lds_rw(w, a, buf, d.bytes, false);
      if (d.bytes >= 4) {
        for (uint32_t i = 0; i < d.bytes / 4; ++i)
          std::memcpy(&vr(w, in.vdst + i, l), buf + 4 * i, 4);
      } else {
        uint32_t v = 0;
        std::memcpy(&v, buf, d.bytes);
        if (d.sign)
          v = d.bytes == 1 ? static_cast<uint32_t>(static_cast<int8_t>(v))
                           : static_cast<uint32_t>(static_cast<int16_t>(v));
        uint32_t& r = vr(w, in.vdst, l);
        if (d.d16 == 1)
          r = (r & 0xffff0000) | (v & 0xffff);
        else if (d.d16 == 2)
          r = (r & 0xffff) | (v << 16);
        else
          r = v;
      }
    }
  }
  return Step::kNext;
}

}  // namespace amdrr::sim::isa

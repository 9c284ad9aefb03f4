// Memory instructions: SMEM, FLAT / GLOBAL / SCRATCH, MUBUF (scratch only)
// and DS. FLAT addresses in the shared (LDS) or private aperture are routed
// there; everything else goes through GpuMemory, whose faults stop the wave.

#include <algorithm>
#include <bit>
#include <cstring>
#include <deque>

#include "lib/sim/isa/mem_desc.h"
#include "lib/sim/isa/operands.h"
#include "lib/sim/isa/printer.h"
#include "lib/sim/isa/semantics.h"

namespace amdrr::sim::isa {
namespace {

constexpr uint64_t kApertureSize = 1ull << 32;

// Lane-private bytes are interleaved across the wave's lanes a dword at a
// time: byte `off` of lane `lane` lives at slot + (off / 4) * 4 * stride +
// lane * 4 + off % 4 — the swizzle of the private segment V# (INDEX_STRIDE
// 64, 4-byte elements, ADD_TID_ENABLE), which FLAT and SCRATCH
// instructions use too.
uint64_t swizzle(uint64_t index, uint64_t off, uint32_t stride) {
  return (off / 4) * 4 * stride + index * 4 + off % 4;
}

// One lane's access to LDS, its private segment, or global memory.
class LaneMemory {
 public:
  LaneMemory(Wave& w, ExecContext& ctx) : w_(w), ctx_(ctx) {}

  bool access(uint64_t va, void* data, uint32_t n, bool write, int lane, bool flat) {
    if (flat && va - ctx_.setup.shared_aperture_base < kApertureSize)
      return lds(va - ctx_.setup.shared_aperture_base, data, n, write);
    if (flat && va - ctx_.setup.private_aperture_base < kApertureSize)
      return scratch(va - ctx_.setup.private_aperture_base, data, n, write, lane);
    return global(va, data, n, write);
  }
  bool global(uint64_t va, void* data, uint32_t n, bool write) {
    MemResult r = write ? ctx_.mem.write(va, data, n) : ctx_.mem.read(va, data, n);
    if (!r.ok) ctx_.fault_va = r.fault_va;
    return r.ok;
  }
  // UNVERIFIED: out-of-range LDS reads return 0 and writes are dropped, as
  // for DS instructions; a FLAT access beyond LDS is treated the same way.
  bool lds(uint64_t off, void* data, uint32_t n, bool write) {
    auto& l = w_.group->lds;
    if (off > l.size() || n > l.size() - off) {
      if (!write) std::memset(data, 0, n);
      return true;
    }
    if (write)
      std::memcpy(l.data() + off, data, n);
    else
      std::memcpy(data, l.data() + off, n);
    return true;
  }
  // A private-segment offset of `lane`, relative to the wave's FLAT_SCRATCH
  // (its scratch slot), through the page table: a missing or wrong scratch
  // setup faults like any bad address. UNVERIFIED: no range check against
  // the wave's slot (a lane may reach past its private segment, as on
  // hardware without bounds checking in swizzle mode).
  bool scratch(uint64_t off, void* data, uint32_t n, bool write, int lane) {
    return swizzled(w_.sgpr64(kSrcFlatScratchLo), static_cast<uint64_t>(lane), off, 64, data, n,
                    write);
  }
  // `n` bytes at `off` of element `index` of a swizzled buffer at `base`,
  // split at dword boundaries (each dword lives with its lane).
  bool swizzled(uint64_t base, uint64_t index, uint64_t off, uint32_t stride, void* data,
                uint32_t n, bool write) {
    auto* p = static_cast<uint8_t*>(data);
    while (n) {
      uint32_t chunk = std::min<uint32_t>(n, 4 - static_cast<uint32_t>(off % 4));
      if (!global(base + swizzle(index, off, stride), p, chunk, write)) return false;
      p += chunk;
      off += chunk;
      n -= chunk;
    }
    return true;
  }

 private:
  Wave& w_;
  ExecContext& ctx_;
};

uint32_t& vreg(Wave& w, uint32_t r, int lane) {
  return w.vgpr[r % w.vgpr.size()][lane];
}

// Writes a loaded element into the destination VGPRs (d16 halves, sign extension).
void put_loaded(Wave& w, uint32_t dst, int lane, const MemDesc& d, const uint8_t* buf) {
  if (d.bytes >= 4) {
    if (dst + d.bytes / 4 <= w.vgpr.size()) {
      for (uint32_t i = 0; i < d.bytes / 4; ++i)
        std::memcpy(&w.vgpr[dst + i][lane], buf + 4 * i, 4);
      return;
    }
    for (uint32_t i = 0; i < d.bytes / 4; ++i) std::memcpy(&vreg(w, dst + i, lane), buf + 4 * i, 4);
    return;
  }
  uint32_t v = 0;
  std::memcpy(&v, buf, d.bytes);
  if (d.sign)
    v = d.bytes == 1 ? static_cast<uint32_t>(static_cast<int8_t>(v))
                     : static_cast<uint32_t>(static_cast<int16_t>(v));
  uint32_t& r = vreg(w, dst, lane);
  if (d.d16 == 1)
    r = (r & 0xffff0000) | (v & 0xffff);
  else if (d.d16 == 2)
    r = (r & 0xffff) | (v << 16);
  else
    r = v;
}

void get_stored(Wave& w, uint32_t src, int lane, const MemDesc& d, uint8_t* buf) {
  if (d.bytes >= 4 && src + d.bytes / 4 <= w.vgpr.size()) {
    for (uint32_t i = 0; i < d.bytes / 4; ++i) std::memcpy(buf + 4 * i, &w.vgpr[src + i][lane], 4);
    return;
  }
  if (d.bytes >= 4) {
    for (uint32_t i = 0; i < d.bytes / 4; ++i) std::memcpy(buf + 4 * i, &vreg(w, src + i, lane), 4);
    return;
  }
  uint32_t v = vreg(w, src, lane);
  if (d.d16 == 2) v >>= 16;
  std::memcpy(buf, &v, d.bytes);
}

// Per-lane address of a FLAT / GLOBAL / SCRATCH instruction.
uint64_t flat_address(Wave& w, const Instruction& in, int lane, bool* vaddr_64, Target target) {
  Format f = in.op->format;
  bool saddr = f != Format::kFlat && (in.saddr & 0x7f) != 0x7f;
  uint64_t a = 0;
  if (f == Format::kScratch) {
    // gfx942: SVE says whether vaddr is used (both may be off: the offset
    // alone); gfx90a: vaddr when saddr is off (as the printer reads them).
    bool use_v = target == kGfx942 ? in.sve : !saddr;
    if (use_v) a += vreg(w, in.addr, lane);
    if (saddr) a += w.sreg[in.saddr & 127];
    *vaddr_64 = false;
    return static_cast<uint32_t>(a + static_cast<uint64_t>(static_cast<int64_t>(in.offset)));
  }
  if (saddr) {
    a = w.sgpr64(in.saddr) + vreg(w, in.addr, lane);
  } else {
    a = vreg(w, in.addr, lane) | uint64_t{vreg(w, in.addr + 1, lane)} << 32;
  }
  *vaddr_64 = true;
  return a + static_cast<uint64_t>(static_cast<int64_t>(in.offset));
}

// A wave's global access as one GpuMemory access when the active lanes'
// elements lie within kMaxSpan bytes: a load reads the span once, a store
// writes it once when the lanes tile it exactly (no gaps, no overlaps). The
// span is checked against the page table like any access; when it faults,
// or the lanes do not fit, the caller takes the per-lane path, which
// reports the first faulting lane as before. Returns whether it was done.
constexpr uint64_t kMaxSpan = 4096;

bool wave_span_access(Wave& w, const Instruction& in, ExecContext& ctx, const MemDesc& d,
                      uint64_t exec, const uint64_t* addr) {
  // Every lane, consecutive dwords (a[i] for i = lane): the VGPRs are the
  // memory image, one copy each way.
  if (exec == ~0ull && d.bytes % 4 == 0 && !d.sign && !d.d16) {
    const uint32_t dwords = d.bytes / 4, reg = d.store ? in.data0 : in.vdst;
    bool unit = dwords == 1 && reg < w.vgpr.size();
    for (int l = 0; l < kLanes; ++l) unit &= addr[l] == addr[0] + 4ull * l;
    if (unit) {
      uint32_t* v = w.vgpr[reg].data();
      return (d.store ? ctx.mem.write(addr[0], v, 4 * kLanes)
                      : ctx.mem.read(addr[0], v, 4 * kLanes))
          .ok;
    }
  }
  uint64_t lo = ~0ull, hi = 0;
  if (exec == ~0ull) {
    for (int l = 0; l < kLanes; ++l) {
      lo = std::min(lo, addr[l]);
      hi = std::max(hi, addr[l]);
    }
    hi += d.bytes;
  } else {
    for (uint64_t m = exec; m; m &= m - 1) {
      int l = std::countr_zero(m);
      lo = std::min(lo, addr[l]);
      hi = std::max(hi, addr[l] + d.bytes);
    }
  }
  if (hi <= lo || hi - lo > kMaxSpan) return false;
  uint8_t buf[kMaxSpan];
  size_t n = static_cast<size_t>(hi - lo);
  if (!d.store) {
    if (!ctx.mem.read(lo, buf, n).ok) return false;
    const uint32_t dwords = d.bytes / 4;
    if (d.bytes % 4 == 0 && in.vdst + dwords <= w.vgpr.size()) {
      // Whole dwords into VGPRs: no per-lane sign / half handling.
      for (uint32_t i = 0; i < dwords; ++i) {
        uint32_t* v = w.vgpr[in.vdst + i].data();
        if (exec == ~0ull) {
          for (int l = 0; l < kLanes; ++l) std::memcpy(&v[l], buf + (addr[l] - lo) + 4 * i, 4);
        } else {
          for (uint64_t m = exec; m; m &= m - 1) {
            int l = std::countr_zero(m);
            std::memcpy(&v[l], buf + (addr[l] - lo) + 4 * i, 4);
          }
        }
      }
      return true;
    }
    for (uint64_t m = exec; m; m &= m - 1) {
      int l = std::countr_zero(m);
      put_loaded(w, in.vdst, l, d, buf + (addr[l] - lo));
    }
    return true;
  }
  if (static_cast<uint64_t>(std::popcount(exec)) * d.bytes != n) return false;
  uint64_t slots = 0;  // n / bytes <= 64 slots, one per lane
  for (uint64_t m = exec; m; m &= m - 1) {
    int l = std::countr_zero(m);
    uint64_t off = addr[l] - lo;
    if (off % d.bytes) return false;
    uint64_t bit = 1ull << (off / d.bytes);
    if (slots & bit) return false;
    slots |= bit;
    if (d.bytes % 4 == 0 && in.data0 + d.bytes / 4 <= w.vgpr.size()) {
      for (uint32_t i = 0; i < d.bytes / 4; ++i)
        std::memcpy(buf + off + 4 * i, &w.vgpr[in.data0 + i][l], 4);
    } else {
      get_stored(w, in.data0, l, d, buf + off);
    }
  }
  return ctx.mem.write(lo, buf, n).ok;
}

// Every lane active and at the same private offset, whole dwords: dword i
// of the 64 lanes is one row of the swizzled slot (lane l at +4l), exactly a
// VGPR row, so each dword is one access. Returns whether it was done; a
// fault leaves the per-lane path to name the first faulting lane.
bool scratch_rows(Wave& w, ExecContext& ctx, uint64_t slot, uint64_t off, uint32_t reg,
                  const MemDesc& d) {
  const uint32_t dwords = d.bytes / 4;
  if (d.bytes % 4 || off % 4 || d.sign || d.d16 || reg + dwords > w.vgpr.size()) return false;
  for (uint32_t i = 0; i < dwords; ++i) {
    const uint64_t va = slot + swizzle(0, off + 4 * i, kLanes);
    uint32_t* row = w.vgpr[reg + i].data();
    if (!(d.store ? ctx.mem.write(va, row, 4 * kLanes) : ctx.mem.read(va, row, 4 * kLanes)).ok)
      return false;
  }
  return true;
}

// The private offset every lane of a SCRATCH / MUBUF-scratch access uses,
// if it is the same for all 64 (vaddr unused, or equal in every lane).
bool same_offset(const Wave& w, bool use_vaddr, uint32_t vaddr, uint64_t fixed, uint64_t* off) {
  if (w.exec() != ~0ull) return false;
  if (!use_vaddr) {
    *off = fixed;
    return true;
  }
  if (vaddr >= w.vgpr.size()) return false;
  const uint32_t* v = w.vgpr[vaddr].data();
  bool same = true;
  for (int l = 1; l < kLanes; ++l) same &= v[l] == v[0];
  *off = fixed + v[0];
  return same;
}

Step exec_flat(Wave& w, const Instruction& in, ExecContext& ctx, const void* aux) {
  const MemDesc& d = *static_cast<const MemDesc*>(aux);
  LaneMemory lm(w, ctx);
  uint64_t exec = w.exec();
  bool scratch = in.op->format == Format::kScratch;
  bool flat = in.op->format == Format::kFlat;
  if (scratch && d.atomic == AtomicOp::kNone) {
    const bool saddr = (in.saddr & 0x7f) != 0x7f;
    const bool use_v = ctx.setup.target == kGfx942 ? in.sve : !saddr;
    uint64_t fixed = static_cast<uint64_t>(static_cast<int64_t>(in.offset));
    if (saddr) fixed += w.sreg[in.saddr & 127];
    uint64_t off;
    if (same_offset(w, use_v, in.addr, fixed, &off) &&
        scratch_rows(w, ctx, w.sgpr64(kSrcFlatScratchLo), static_cast<uint32_t>(off),
                     d.store ? in.data0 : in.vdst, d))
      return Step::kNext;
  }
  if (!scratch && d.atomic == AtomicOp::kNone && exec) {
    uint64_t addr[kLanes];
    bool global = true;
    bool saddr = !flat && (in.saddr & 0x7f) != 0x7f;
    uint64_t base = static_cast<uint64_t>(static_cast<int64_t>(in.offset));
    if (saddr) base += w.sgpr64(in.saddr);
    const uint32_t* v_lo = w.vgpr[in.addr % w.vgpr.size()].data();
    const uint32_t* v_hi = w.vgpr[(in.addr + 1) % w.vgpr.size()].data();
    if (exec == ~0ull) {  // every lane: straight loops
      if (saddr)
        for (int l = 0; l < kLanes; ++l) addr[l] = base + v_lo[l];
      else
        for (int l = 0; l < kLanes; ++l) addr[l] = base + (v_lo[l] | uint64_t{v_hi[l]} << 32);
    } else {
      for (uint64_t m = exec; m; m &= m - 1) {
        int l = std::countr_zero(m);
        addr[l] = base + (saddr ? uint64_t{v_lo[l]} : v_lo[l] | uint64_t{v_hi[l]} << 32);
      }
    }
    if (flat) {
      for (uint64_t m = exec; m; m &= m - 1) {
        int l = std::countr_zero(m);
        if (addr[l] - ctx.setup.shared_aperture_base < kApertureSize ||
            addr[l] - ctx.setup.private_aperture_base < kApertureSize)
          global = false;
      }
    }
    if (global && wave_span_access(w, in, ctx, d, exec, addr)) return Step::kNext;
  }
  for (int l = 0; l < kLanes; ++l) {
    if (!(exec >> l & 1)) continue;
    bool v64;
    uint64_t a = flat_address(w, in, l, &v64, ctx.setup.target);
    uint8_t buf[16] = {};
    bool ok;
    if (d.atomic != AtomicOp::kNone) {
      uint32_t n = d.bytes;
      uint64_t data = 0, cmp = 0, old = 0;
      get_stored(w, in.data0, l, MemDesc{n, false, 0, true}, buf);
      std::memcpy(&data, buf, n);
      if (d.atomic == AtomicOp::kCmpSwap) {  // data = {src, cmp}
        get_stored(w, in.data0 + n / 4, l, MemDesc{n, false, 0, true}, buf);
        std::memcpy(&cmp, buf, n);
      }
      ok = scratch ? lm.scratch(a, &old, n, false, l) : lm.access(a, &old, n, false, l, flat);
      if (ok) {
        uint64_t nv = apply_atomic(d.atomic, old, data, cmp, n);
        ok = scratch ? lm.scratch(a, &nv, n, true, l) : lm.access(a, &nv, n, true, l, flat);
      }
      if (ok && in.glc) put_loaded(w, in.vdst, l, MemDesc{n}, reinterpret_cast<uint8_t*>(&old));
    } else if (d.store) {
      get_stored(w, in.data0, l, d, buf);
      ok = scratch ? lm.scratch(a, buf, d.bytes, true, l)
                   : lm.access(a, buf, d.bytes, true, l, flat);
    } else {
      ok = scratch ? lm.scratch(a, buf, d.bytes, false, l)
                   : lm.access(a, buf, d.bytes, false, l, flat);
      if (ok) put_loaded(w, in.vdst, l, d, buf);
    }
    if (!ok) return Step::kFault;
  }
  return Step::kNext;
}

// MUBUF loads and stores through the buffer V# in s[srsrc:srsrc+3]:
// address = base + soffset + buffer offset, where the buffer offset is
// index * stride + offset, or swizzled when SWIZZLE_ENABLE (the private
// segment V#: index = lane via ADD_TID_ENABLE). UNVERIFIED: GFX9 swizzles
// in 4-byte elements (word 3 [20:19] is not an element size on gfx90a);
// NUM_RECORDS is not range-checked; formats (DST_SEL, DATA_FORMAT) are
// ignored, as the untyped loads and stores do.
Step exec_mubuf(Wave& w, const Instruction& in, ExecContext& ctx, const void* aux) {
  const MemDesc& d = *static_cast<const MemDesc*>(aux);
  if (d.atomic != AtomicOp::kNone || in.lds) {
    ctx.message = "MUBUF atomics and LDS forms";
    return Step::kUnsupported;
  }
  const uint32_t* v = &w.sreg[in.srsrc & 124];
  const uint64_t base = v[0] | uint64_t{v[1] & 0xffff} << 32;
  const uint32_t stride = v[1] >> 16 & 0x3fff;
  const bool swizzle_en = v[1] >> 31 & 1;
  const uint32_t index_stride = 8u << (v[3] >> 21 & 3);
  const bool add_tid = v[3] >> 23 & 1;
  LaneMemory lm(w, ctx);
  uint64_t exec = w.exec();
  uint64_t soff = static_cast<uint32_t>(scalar_src(w, in, in.soffset, 1, 0, ctx.setup));
  // The private segment V# (swizzled, lane = index, 64 per row): rows.
  uint64_t row_off;
  if (swizzle_en && add_tid && index_stride == kLanes && !in.idxen &&
      same_offset(w, in.offen, in.addr, static_cast<uint32_t>(in.offset), &row_off) &&
      scratch_rows(w, ctx, base + soff, row_off, in.data0, d))
    return Step::kNext;
  for (int l = 0; l < kLanes; ++l) {
    if (!(exec >> l & 1)) continue;
    // With IDXEN and OFFEN both, vaddr holds the index and vaddr+1 the offset.
    uint64_t index = (in.idxen ? vreg(w, in.addr, l) : 0) + (add_tid ? l : 0);
    uint64_t off = static_cast<uint32_t>(in.offset) +
                   (in.offen ? vreg(w, in.addr + (in.idxen ? 1 : 0), l) : 0);
    uint8_t buf[16] = {};
    if (d.store) get_stored(w, in.data0, l, d, buf);
    bool ok;
    if (swizzle_en) {
      uint64_t at = base + soff + (index / index_stride) * stride * index_stride;
      ok = lm.swizzled(at, index % index_stride, off, index_stride, buf, d.bytes, d.store);
    } else {
      ok = lm.global(base + soff + index * stride + off, buf, d.bytes, d.store);
    }
    if (!ok) return Step::kFault;
    if (!d.store) put_loaded(w, in.data0, l, d, buf);
  }
  return Step::kNext;
}

Step exec_smem(Wave& w, const Instruction& in, ExecContext& ctx, const void* aux) {
  const MemDesc& d = *static_cast<const MemDesc*>(aux);
  const OpInfo& op = *in.op;
  const bool buffer = op.src2 == 4;  // s_buffer_*: the base is a V#
  if ((op.src2 != 2 && !buffer) || d.atomic != AtomicOp::kNone) {
    ctx.message = "SMEM atomic / scratch forms";
    return Step::kUnsupported;
  }
  uint64_t off = 0;
  if (in.imm) off += static_cast<uint64_t>(static_cast<int64_t>(in.offset));
  if (!in.imm || in.soe) off += w.sreg[in.soffset & 127];
  uint32_t n = op.dst * 4;
  uint32_t buf[16];
  if (buffer) {
    // base = V# BASE_ADDRESS (48 bits), NUM_RECORDS in bytes. UNVERIFIED:
    // dwords at or past NUM_RECORDS read 0 (scalar buffer loads are
    // range-checked like MUBUF with stride 0); stores are not range-checked.
    const uint32_t* v = &w.sreg[in.addr & 124];
    const uint64_t base = v[0] | uint64_t{v[1] & 0xffff} << 32;
    const uint64_t records = v[2];
    const uint64_t at = (off & 0xffffffffull) & ~3ull;
    if (d.store) {
      MemResult r = ctx.mem.write(base + at, &w.sreg[in.dst & 127], n);
      if (!r.ok) ctx.fault_va = r.fault_va;
      return r.ok ? Step::kNext : Step::kFault;
    }
    const uint32_t in_range =
        at >= records ? 0
                      : static_cast<uint32_t>(std::min<uint64_t>(op.dst, (records - at + 3) / 4));
    std::fill_n(buf, op.dst, 0u);
    if (in_range) {
      MemResult r = ctx.mem.read(base + at, buf, in_range * 4);
      if (!r.ok) {
        ctx.fault_va = r.fault_va;
        return Step::kFault;
      }
    }
    for (uint32_t i = 0; i < op.dst; ++i) w.sreg[(in.dst + i) & 127] = buf[i];
    return Step::kNext;
  }
  uint64_t a = (w.sgpr64(in.addr) & ~3ull) + off;
  MemResult r = d.store ? ctx.mem.write(a, &w.sreg[in.dst & 127], n) : ctx.mem.read(a, buf, n);
  if (!r.ok) {
    ctx.fault_va = r.fault_va;
    return Step::kFault;
  }
  if (!d.store) {
    for (uint32_t i = 0; i < op.dst; ++i) w.sreg[(in.dst + i) & 127] = buf[i];
  }
  return Step::kNext;
}

Step exec_memtime(Wave& w, const Instruction& in, ExecContext& ctx, const void*) {
  // UNVERIFIED: a deterministic clock (instructions executed) instead of the GPU's.
  w.set_sgpr64(in.dst, ctx.setup.dispatch_id + w.pc);
  return Step::kNext;
}

}  // namespace

Step exec_ds(Wave& w, const Instruction& in, ExecContext& ctx, const void* aux);

void add_mem_ops(SemanticsMap& m) {
  static std::deque<MemDesc> descs;  // stable addresses for the aux pointers
  for (const OpInfo& op : all_ops()) {
    ExecFnAux fn = nullptr;
    std::string_view n = op.name;
    switch (op.format) {
      case Format::kFlat:
      case Format::kGlobal:
      case Format::kScratch:
        if (n.find("_lds_") == std::string_view::npos) fn = exec_flat;
        break;
      case Format::kMubuf:
        if (n.find("load_dword") != std::string_view::npos ||
            n.find("store_dword") != std::string_view::npos ||
            n.find("byte") != std::string_view::npos || n.find("short") != std::string_view::npos)
          fn = exec_mubuf;
        break;
      case Format::kSmem:
        if (n.starts_with("s_load_") || n.starts_with("s_store_") ||
            n.starts_with("s_buffer_load_") || n.starts_with("s_buffer_store_"))
          fn = exec_smem;
        break;
      case Format::kDs:
        fn = exec_ds;
        break;
      default:
        break;
    }
    if (!fn || m.count(op.name)) continue;
    descs.push_back(parse_mem_desc(n));
    m[op.name] = {fn, &descs.back()};
  }
  m["s_memtime"] = {exec_memtime, nullptr};
  m["s_memrealtime"] = {exec_memtime, nullptr};
}

}  // namespace amdrr::sim::isa

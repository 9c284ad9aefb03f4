// run_dispatch: lays out workgroups and waves as the SPI does, initialises
// SGPRs/VGPRs from the descriptor's enable bits, and interprets each
// workgroup's waves round-robin, switching at s_barrier and s_endpgm.

#include "lib/sim/isa/dispatch.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <memory>
#include <unordered_map>

#include "lib/sim/isa/decoder.h"
#include "lib/sim/isa/printer.h"
#include "lib/sim/isa/semantics.h"

namespace amdrr::sim::isa {
namespace {

struct Bound {
  std::vector<Semantics> by_op;  // indexed by op_index()
  Bound() {
    SemanticsMap m;
    add_salu_ops(m);
    add_sopp_ops(m);
    add_valu_int_ops(m);
    add_valu_fp_ops(m);
    add_valu_special_ops(m);
    add_mem_ops(m);
    by_op.resize(all_ops().size());
    for (size_t i = 0; i < all_ops().size(); ++i) {
      auto it = m.find(all_ops()[i].name);
      if (it != m.end()) by_op[i] = it->second;
    }
  }
};

const Bound& bound() {
  static const Bound b;  // immutable after construction: safe to share
  return b;
}

// Code from the entry point up to this many bytes is cached in a dense table.
constexpr uint64_t kNearBytes = 1 << 20;

class Runner {
 public:
  Runner(const DispatchSetup& s, GpuMemory& mem) : s_(s), mem_(mem), dec_(s.target), ctx_{s, mem} {}

  DispatchOutcome run();

 private:
  // A decoded instruction with its semantics, cached per PC for the dispatch
  // (the code is not expected to change while it runs).
  struct Decoded {
    DecodeResult d;
    Semantics sem;
    // The instruction after this one (pc + size), resolved on first use:
    // straight-line code then runs without a PC lookup.
    Decoded* next = nullptr;
  };
  Decoded& fetch(uint64_t pc);
  Decoded& decode_at(uint64_t pc);
  void init_wave(Wave& w, const uint32_t wg[3], uint32_t wave_index, uint32_t first_thread);
  bool run_group(const uint32_t wg[3]);
  void stop(DispatchOutcome::Kind k, const Wave& w, const Instruction* in);

  const DispatchSetup& s_;
  GpuMemory& mem_;
  Decoder dec_;
  ExecContext ctx_;
  // PCs from code_address on index a dense table (dword granule); others
  // (code before the entry point) go through a map.
  std::vector<Decoded*> near_;  // (pc - code_address) / 4 -> decoded_ entry
  std::unordered_map<uint64_t, Decoded*> far_;
  std::deque<Decoded> decoded_;
  DispatchOutcome out_;
  uint32_t vgprs_ = 0;
  uint32_t group_threads_ = 0;
  uint32_t waves_per_group_ = 0;
  uint32_t groups_[3] = {};
  std::vector<Wave> waves_;
  Workgroup group_;
};

Runner::Decoded& Runner::fetch(uint64_t pc) {
  uint64_t off = pc - s_.code_address;
  if (off < kNearBytes && (off & 3) == 0) {
    size_t i = static_cast<size_t>(off >> 2);
    if (i < near_.size() && near_[i]) return *near_[i];
    Decoded& d = decode_at(pc);
    if (i >= near_.size()) near_.resize(std::max(i + 1, near_.size() * 2), nullptr);
    near_[i] = &d;
    return d;
  }
  auto it = far_.find(pc);
  if (it != far_.end()) return *it->second;
  Decoded& d = decode_at(pc);
  far_.emplace(pc, &d);
  return d;
}

Runner::Decoded& Runner::decode_at(uint64_t pc) {
  uint8_t bytes[12] = {};
  size_t n = 0;
  // Read as much of the 12 bytes as is mapped: an instruction at the end of
  // a mapping may be shorter than 12 bytes.
  for (; n < sizeof bytes; n += 4)
    if (!mem_.read(pc + n, bytes + n, 4).ok) break;
  Decoded d{dec_.decode(std::span<const uint8_t>(bytes, n)), {}};
  if (n == 0) d.d.status = DecodeStatus::kTruncated;
  if (d.d.status == DecodeStatus::kOk) d.sem = bound().by_op[op_index(d.d.inst.op)];
  decoded_.push_back(d);
  return decoded_.back();
}

void Runner::stop(DispatchOutcome::Kind k, const Wave& w, const Instruction* in) {
  out_.kind = k;
  out_.pc = w.pc;
  out_.wave = w.index;
  std::copy(std::begin(w.group->id), std::end(w.group->id), out_.workgroup);
  if (in) {
    std::copy(std::begin(in->word), std::end(in->word), out_.encoding);
    out_.encoding_size = in->size;
    if (in->op) out_.mnemonic = mnemonic(*in);
  }
}

void Runner::init_wave(Wave& w, const uint32_t wg[3], uint32_t wave_index, uint32_t first_thread) {
  w.sreg.fill(0);
  w.scc = false;
  w.done = false;
  w.at_barrier = false;
  w.index = wave_index;
  w.pc = s_.code_address;
  // MODE: FLOAT_MODE [19:12] of RSRC1 is MODE [7:0]; DX10_CLAMP, IEEE follow.
  w.mode = (s_.rsrc1 >> 12 & 0xff) | (s_.rsrc1 >> 21 & 1) << 8 | (s_.rsrc1 >> 23 & 1) << 9;
  w.accum_offset = ((s_.rsrc3 & 0x3f) + 1) * 4;
  w.group = &group_;
  uint32_t count = 0;
  auto push = [&](uint32_t v) {
    if (count < 106) w.sreg[count] = v;
    ++count;
  };
  auto push64 = [&](uint64_t v) {
    push(static_cast<uint32_t>(v));
    push(static_cast<uint32_t>(v >> 32));
  };
  uint32_t user = s_.rsrc2 >> 1 & 0x1f;
  if (s_.user_sgpr_count_override >= 0) {
    for (int i = 0; i < s_.user_sgpr_count_override && i < 16; ++i) push(s_.user_sgprs[i]);
  } else {
    uint16_t p = s_.kernel_code_properties;
    if (p & 1)
      for (uint32_t v : s_.scratch_vsharp) push(v);
    if (p & 2) push64(s_.dispatch_packet_address);
    if (p & 4) push64(s_.queue_address);
    if (p & 8) push64(s_.kernarg_address);
    if (p & 16) push64(s_.dispatch_id);
    if (p & 32) push64(s_.flat_scratch_init);
    if (p & 64) push(s_.private_segment_size);
  }
  // The wave's scratch slot: waves of one workgroup run together, so wave
  // i of each workgroup takes slot i. UNVERIFIED: how the SPI picks slots.
  const uint64_t wave_offset = uint64_t{wave_index} * s_.scratch_wave_bytes;
  count = std::max(count, user);
  if (s_.rsrc2 >> 7 & 1) push(wg[0]);
  if (s_.rsrc2 >> 8 & 1) push(wg[1]);
  if (s_.rsrc2 >> 9 & 1) push(wg[2]);
  if (s_.rsrc2 >> 10 & 1) push(waves_per_group_ - 1);          // UNVERIFIED workgroup info layout
  if (s_.rsrc2 & 1) push(static_cast<uint32_t>(wave_offset));  // private segment wave byte offset
  // Architected flat scratch (gfx942): the SPI sets FLAT_SCRATCH to the
  // wave's slot; gfx90a kernels set it from flat scratch init themselves.
  if (s_.target == kGfx942 && (s_.rsrc2 & 1))
    w.set_sgpr64(kSrcFlatScratchLo, s_.scratch_base + wave_offset);
  // Work-items: x, y, z of each lane; lanes beyond the group are inactive.
  uint64_t exec = 0;
  uint32_t sx = s_.workgroup_size[0], sy = s_.workgroup_size[1];
  uint32_t tid_comp = s_.rsrc2 >> 11 & 3;
  // The first lane's x, y, z, then stepped lane by lane (no division per lane).
  uint32_t x = first_thread % sx, y = (first_thread / sx) % sy, z = first_thread / (sx * sy);
  // Work-items of this workgroup inside the grid in each dimension.
  // UNVERIFIED: a partial workgroup at the grid edge launches only the
  // work-items inside the grid (AQL grid sizes need not divide evenly).
  const uint64_t lim_x = uint64_t{s_.grid_size[0]} - uint64_t{wg[0]} * sx;
  const uint64_t lim_y = uint64_t{s_.grid_size[1]} - uint64_t{wg[1]} * sy;
  const uint64_t lim_z = uint64_t{s_.grid_size[2]} - uint64_t{wg[2]} * s_.workgroup_size[2];
  if (sx == group_threads_ && lim_y > 0 && lim_z > 0) {
    // One-dimensional workgroups: lane l is work-item first_thread + l.
    const uint64_t end =
        std::min<uint64_t>({group_threads_, lim_x, uint64_t{first_thread} + kLanes});
    const int n = end > first_thread ? static_cast<int>(end - first_thread) : 0;
    for (int l = 0; l < n; ++l) w.vgpr[0][l] = first_thread + static_cast<uint32_t>(l);
    w.set_exec(n == kLanes ? ~0ull : (1ull << n) - 1);
    return;
  }
  for (int l = 0; l < kLanes; ++l) {
    uint32_t t = first_thread + static_cast<uint32_t>(l);
    if (t >= group_threads_) break;
    if (x < lim_x && y < lim_y && z < lim_z) {
      exec |= 1ull << l;
      // Packed work-item ids in v0 on gfx90a / gfx942.
      w.vgpr[0][l] = x | (tid_comp >= 1 ? y << 10 : 0) | (tid_comp >= 2 ? z << 20 : 0);
    }
    if (++x == sx) {
      x = 0;
      if (++y == sy) {
        y = 0;
        ++z;
      }
    }
  }
  w.set_exec(exec);
}

bool Runner::run_group(const uint32_t wg[3]) {
  std::copy(wg, wg + 3, group_.id);
  uint32_t lds = std::max<uint32_t>(s_.group_segment_size, (s_.rsrc2 >> 15 & 0x1ff) * 512);
  group_.lds.assign(lds, 0);
  for (uint32_t i = 0; i < waves_per_group_; ++i) init_wave(waves_[i], wg, i, i * kLanes);
  for (;;) {
    bool progressed = false, any_running = false;
    for (uint32_t i = 0; i < waves_per_group_; ++i) {
      Wave& w = waves_[i];
      if (w.done || w.at_barrier) continue;
      any_running = true;
      Decoded* dp = &fetch(w.pc);
      for (;;) {
        const Decoded& d = *dp;
        if (d.d.status != DecodeStatus::kOk) {
          stop(DispatchOutcome::Kind::kIllegalInstruction, w, &d.d.inst);
          out_.message = d.d.status == DecodeStatus::kTruncated ? "instruction fetch outside memory"
                                                                : "illegal encoding";
          return false;
        }
        const Instruction& in = d.d.inst;
        const Semantics& sem = d.sem;
        if (!sem.fn) {
          stop(DispatchOutcome::Kind::kUnsupported, w, &in);
          out_.message = "unsupported by the emulator";
          return false;
        }
        if (++out_.instructions > s_.instruction_limit) {
          stop(DispatchOutcome::Kind::kHang, w, &in);
          out_.message = "instruction limit reached";
          return false;
        }
        if (out_.instructions % kDeadlineCheckInterval == 0 &&
            std::chrono::steady_clock::now() >= s_.deadline) {
          stop(DispatchOutcome::Kind::kHang, w, &in);
          out_.message = "wall-clock deadline passed";
          return false;
        }
        ctx_.message.clear();
        Step st = sem.fn(w, in, ctx_, sem.aux);
        progressed = true;
        if (st == Step::kNext) {
          w.pc += in.size;
          if (!dp->next) dp->next = &fetch(w.pc);
          dp = dp->next;
          continue;
        }
        if (st == Step::kJumped) {
          dp = &fetch(w.pc);
          continue;
        }
        if (st == Step::kEnd) {
          w.done = true;
          break;
        }
        if (st == Step::kBarrier) {
          w.pc += in.size;
          w.at_barrier = true;
          break;
        }
        stop(st == Step::kFault ? DispatchOutcome::Kind::kVmFault
                                : DispatchOutcome::Kind::kUnsupported,
             w, &in);
        out_.fault_va = ctx_.fault_va;
        out_.message =
            st == Step::kFault ? "VM fault" : "unsupported by the emulator: " + ctx_.message;
        return false;
      }
    }
    if (!any_running) {
      bool waiting = false;
      for (uint32_t i = 0; i < waves_per_group_; ++i) waiting |= waves_[i].at_barrier;
      if (!waiting) return true;
      // Every live wave reached the barrier: release them.
      for (uint32_t i = 0; i < waves_per_group_; ++i) waves_[i].at_barrier = false;
      continue;
    }
    (void)progressed;
  }
}

DispatchOutcome Runner::run() {
  for (int d = 0; d < 3; ++d) {
    if (s_.workgroup_size[d] == 0 || s_.grid_size[d] == 0) {
      out_.kind = DispatchOutcome::Kind::kBadDispatch;
      out_.message = "zero grid or workgroup dimension";
      return out_;
    }
    groups_[d] = (s_.grid_size[d] + s_.workgroup_size[d] - 1) / s_.workgroup_size[d];
  }
  group_threads_ = uint32_t{s_.workgroup_size[0]} * s_.workgroup_size[1] * s_.workgroup_size[2];
  if (group_threads_ > 1024) {
    out_.kind = DispatchOutcome::Kind::kBadDispatch;
    out_.message = "workgroup larger than 1024 work-items";
    return out_;
  }
  waves_per_group_ = (group_threads_ + kLanes - 1) / kLanes;
  if ((s_.rsrc2 & 1) && s_.private_segment_size != 0) {
    // The waves of a workgroup run together, each in its own slot.
    if (s_.scratch_waves < waves_per_group_ ||
        uint64_t{s_.scratch_wave_bytes} < uint64_t{s_.private_segment_size} * kLanes) {
      out_.kind = DispatchOutcome::Kind::kBadDispatch;
      out_.message = "scratch setup too small: " + std::to_string(s_.scratch_waves) +
                     " wave slots of " + std::to_string(s_.scratch_wave_bytes) +
                     " bytes for workgroups of " + std::to_string(waves_per_group_) +
                     " waves using " + std::to_string(s_.private_segment_size) +
                     " bytes per work-item";
      return out_;
    }
  }
  // gfx90a / gfx942: VGPR granule of 8 in the unified file.
  vgprs_ = std::min<uint32_t>(((s_.rsrc1 & 0x3f) + 1) * 8, kMaxVgprs);
  waves_.resize(waves_per_group_);
  for (Wave& w : waves_) w.vgpr.assign(vgprs_, {});
  uint32_t wg[3];
  for (wg[2] = 0; wg[2] < groups_[2]; ++wg[2])
    for (wg[1] = 0; wg[1] < groups_[1]; ++wg[1])
      for (wg[0] = 0; wg[0] < groups_[0]; ++wg[0])
        if (!run_group(wg)) return out_;
  return out_;
}

}  // namespace

void apply_kernel_descriptor(DispatchSetup& s, const KernelDescriptor& kd,
                             uint64_t descriptor_address) {
  s.code_address = descriptor_address + static_cast<uint64_t>(kd.kernel_code_entry_byte_offset);
  s.rsrc1 = kd.compute_pgm_rsrc1;
  s.rsrc2 = kd.compute_pgm_rsrc2;
  s.rsrc3 = kd.compute_pgm_rsrc3;
  s.kernel_code_properties = kd.kernel_code_properties;
  s.group_segment_size = std::max(s.group_segment_size, kd.group_segment_fixed_size);
  s.private_segment_size = std::max(s.private_segment_size, kd.private_segment_fixed_size);
}

std::string DispatchOutcome::describe() const {
  static constexpr const char* kKinds[] = {
      "completed", "VM fault",    "illegal instruction", "unsupported instruction",
      "hang",      "bad dispatch"};
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s at pc 0x%llx (wg %u,%u,%u wave %u)",
                kKinds[static_cast<int>(kind)], static_cast<unsigned long long>(pc), workgroup[0],
                workgroup[1], workgroup[2], wave);
  std::string s = buf;
  if (encoding_size) {
    s += " encoding";
    for (int i = 0; i < encoding_size / 4; ++i) {
      std::snprintf(buf, sizeof buf, " %08x", encoding[i]);
      s += buf;
    }
  }
  if (!mnemonic.empty()) s += " (" + mnemonic + ")";
  if (kind == Kind::kVmFault) {
    std::snprintf(buf, sizeof buf, " va 0x%llx", static_cast<unsigned long long>(fault_va));
    s += buf;
  }
  if (!message.empty()) s += ": " + message;
  return s;
}

DispatchOutcome run_dispatch(const DispatchSetup& setup, GpuMemory& mem) {
  return Runner(setup, mem).run();
}

}  // namespace amdrr::sim::isa

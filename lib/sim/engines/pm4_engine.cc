// PM4 packet execution. Field meanings and sources are in lib/pkt/pm4_table.h
// and the reference §3.3; UNVERIFIED notes mark assumed CP behaviour.
#include "lib/sim/engines/pm4_engine.h"

#include <cstdio>

#include "lib/pkt/pm4_regs.h"
#include "lib/pkt/pm4_table.h"
#include "lib/sim/engines/atomic_exec.h"
#include "lib/sim/engines/gpu_ops.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr::sim {
namespace {

using pkt::DecodedPacket;
using pkt::field_id;
namespace pm4 = pkt::pm4;

// Addresses whose low bits the layouts do not carry (dw2 [31:2] / [31:3]).
// UNVERIFIED: the CP ignores the bits rather than faulting.
uint64_t dword_addr(uint64_t a) {
  return a & ~uint64_t{3};
}
uint64_t qword_addr(uint64_t a) {
  return a & ~uint64_t{7};
}

std::string hex(const char* what, uint64_t v) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s 0x%llx", what, static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

Pm4Engine::Pm4Engine(EngineEnv env, const SimQueue& queue, const gpu::GpuTarget& target)
    : QueueEngine(env, queue, pkt::pm4_table(target.pm4_family), 4),
      sh_regs_(pm4::kShRegEnd - pm4::kShRegBase),
      uconfig_regs_(pm4::kUconfigRegEnd - pm4::kUconfigRegBase),
      rsrc3_reg_(pm4::register_addr(pm4::sh_registers(target.pm4_family), "COMPUTE_PGM_RSRC3")
                     .value_or(0)) {}

std::optional<uint32_t> Pm4Engine::reg(uint32_t addr) const {
  if (addr >= pm4::kShRegBase && addr < pm4::kShRegEnd) return sh_regs_[addr - pm4::kShRegBase];
  if (addr >= pm4::kUconfigRegBase && addr < pm4::kUconfigRegEnd) {
    return uconfig_regs_[addr - pm4::kUconfigRegBase];
  }
  return std::nullopt;
}

bool Pm4Engine::write_reg(uint32_t addr, uint32_t value) {
  if (addr >= pm4::kShRegBase && addr < pm4::kShRegEnd) {
    sh_regs_[addr - pm4::kShRegBase] = value;
  } else if (addr >= pm4::kUconfigRegBase && addr < pm4::kUconfigRegEnd) {
    uconfig_regs_[addr - pm4::kUconfigRegBase] = value;
  } else {
    return false;
  }
  return true;
}

bool Pm4Engine::start_ib(const DecodedPacket& jump) {
  from_ring_ = false;
  const Exec e = indirect_buffer(jump);
  from_ring_ = true;
  return e == Exec::kConsumed;
}

QueueEngine::Exec Pm4Engine::execute(const DecodedPacket& p) {
  using pkt::Kind;
  switch (p.kind()) {
    case Kind::kPm4Type2Nop:
    case Kind::kPm4Nop:
      return Exec::kDone;
    case Kind::kPm4SetShReg:
      return set_regs(p, pm4::kShRegBase);
    case Kind::kPm4SetUconfigReg:
      return set_regs(p, pm4::kUconfigRegBase);
    case Kind::kPm4WriteData:
      return write_data(p);
    case Kind::kPm4WaitRegMem:
      return wait_reg_mem(p);
    case Kind::kPm4ReleaseMem:
      return release_mem(p);
    case Kind::kPm4AcquireMem:
      return Exec::kDone;  // coherent memory: nothing to invalidate
    case Kind::kPm4EventWrite:
      return event_write(p);
    case Kind::kPm4CopyData:
      return copy_data(p);
    case Kind::kPm4DmaData:
      return dma_data(p);
    case Kind::kPm4AtomicMem:
      return atomic_mem(p);
    case Kind::kPm4IndirectBuffer:
      return indirect_buffer(p);
    case Kind::kPm4DispatchDirect:
      return dispatch_direct(p);
    default:
      return fail(QueueState::kError, "not a PM4 packet");
  }
}

QueueEngine::Exec Pm4Engine::set_regs(const DecodedPacket& p, uint32_t base) {
  static constexpr auto kOffset = field_id(pm4::kSetShReg, "REG_OFFSET");
  const uint32_t first = base + p.get(kOffset);
  const auto values = p.payload();
  // UNVERIFIED: what the CP does with writes past the range; an error here.
  if (!reg(first) || !reg(first + static_cast<uint32_t>(values.size()) - 1)) {
    return fail(QueueState::kError, hex("register range outside the packet's space at", first));
  }
  for (size_t i = 0; i < values.size(); ++i) write_reg(first + static_cast<uint32_t>(i), values[i]);
  return Exec::kDone;
}

QueueEngine::Exec Pm4Engine::write_data(const DecodedPacket& p) {
  static constexpr auto kDstSel = field_id(pm4::kWriteData, "DST_SEL");
  static constexpr auto kNoIncr = field_id(pm4::kWriteData, "ADDR_INCR");
  static constexpr auto kLo = field_id(pm4::kWriteData, "DST_ADDR_LO");
  static constexpr auto kHi = field_id(pm4::kWriteData, "DST_ADDR_HI");
  const auto data = p.payload();
  const bool no_incr = p.get(kNoIncr) != 0;
  switch (p.get(kDstSel)) {
    case 0: {  // register
      const uint32_t r = p.get(kLo);
      for (size_t i = 0; i < data.size(); ++i) {
        const uint32_t at = no_incr ? r : r + static_cast<uint32_t>(i);
        if (!write_reg(at, data[i])) return unsupported(hex("WRITE_DATA to register", at));
      }
      return Exec::kDone;
    }
    case 1:    // memory (sync) — UNVERIFIED: same as memory for a compute queue
    case 2:    // TC/L2
    case 5: {  // memory
      const uint64_t addr = dword_addr(p.get64(kLo, kHi));
      if (no_incr) {
        for (uint32_t v : data) {
          if (auto f = mem_.store(addr, v)) return vm_fault(*f);
        }
      } else if (auto f = mem_.write(
                     addr, {reinterpret_cast<const uint8_t*>(data.data()), data.size() * 4})) {
        return vm_fault(*f);
      }
      return Exec::kDone;
    }
    default:
      return unsupported(hex("WRITE_DATA DST_SEL", p.get(kDstSel)));
  }
}

QueueEngine::Exec Pm4Engine::wait_reg_mem(const DecodedPacket& p) {
  static constexpr auto kFunc = field_id(pm4::kWaitRegMem, "FUNCTION");
  static constexpr auto kSpace = field_id(pm4::kWaitRegMem, "MEM_SPACE");
  static constexpr auto kOp = field_id(pm4::kWaitRegMem, "OPERATION");
  static constexpr auto kLo = field_id(pm4::kWaitRegMem, "POLL_ADDRESS_LO");
  static constexpr auto kHi = field_id(pm4::kWaitRegMem, "POLL_ADDRESS_HI");
  static constexpr auto kRef = field_id(pm4::kWaitRegMem, "REFERENCE");
  static constexpr auto kMask = field_id(pm4::kWaitRegMem, "MASK");
  const uint32_t op = p.get(kOp);
  const bool memory = p.get(kSpace) == 1;
  uint32_t value = 0;
  if (op == 1) {
    // WR_WAIT_WR_REG (the HDP-flush form): write REFERENCE to the register in
    // dw2, then poll the register in dw3. UNVERIFIED: inferred from the
    // kernel's gfx_v9_0_wait_reg_mem users; no second write is emulated.
    if (memory) return fail(QueueState::kError, "WR_WAIT_WR_REG needs register space");
    if (!wait_write_done_) {
      if (!write_reg(p.get(kLo), p.get(kRef))) {
        return unsupported(hex("WAIT_REG_MEM write to register", p.get(kLo)));
      }
      wait_write_done_ = true;
    }
    auto r = reg(p.get(kHi));
    if (!r) return unsupported(hex("WAIT_REG_MEM poll of register", p.get(kHi)));
    value = *r;
  } else if (op == 0 || op == 3) {
    if (memory) {
      if (auto f = mem_.load(dword_addr(p.get64(kLo, kHi)), value)) return vm_fault(*f);
    } else if (auto r = reg(p.get(kLo))) {
      value = *r;
    } else {
      return unsupported(hex("WAIT_REG_MEM poll of register", p.get(kLo)));
    }
  } else {
    return fail(QueueState::kError, hex("WAIT_REG_MEM reserved OPERATION", op));
  }
  auto ok = compare(p.get(kFunc), value, p.get(kMask), p.get(kRef));
  if (!ok) return fail(QueueState::kError, "WAIT_REG_MEM reserved FUNCTION 7");
  if (!*ok) return Exec::kBlocked;
  wait_write_done_ = false;
  return Exec::kDone;
}

QueueEngine::Exec Pm4Engine::release_mem(const DecodedPacket& p) {
  static constexpr auto kDstSel = field_id(pm4::kReleaseMemGfx9, "DST_SEL");
  static constexpr auto kIntSel = field_id(pm4::kReleaseMemGfx9, "INT_SEL");
  static constexpr auto kDataSel = field_id(pm4::kReleaseMemGfx9, "DATA_SEL");
  static constexpr auto kLo = field_id(pm4::kReleaseMemGfx9, "ADDRESS_LO");
  static constexpr auto kHi = field_id(pm4::kReleaseMemGfx9, "ADDRESS_HI");
  static constexpr auto kDataLo = field_id(pm4::kReleaseMemGfx9, "DATA_LO");
  static constexpr auto kDataHi = field_id(pm4::kReleaseMemGfx9, "DATA_HI");
  static constexpr auto kCtxId = field_id(pm4::kReleaseMemGfx9, "INT_CTXID");
  const uint32_t data_sel = p.get(kDataSel);
  const uint32_t int_sel = p.get(kIntSel);
  if (p.get(kDstSel) > 1 && data_sel != 0) {
    return unsupported(hex("RELEASE_MEM DST_SEL", p.get(kDstSel)));
  }
  if (int_sel > 4) return unsupported(hex("RELEASE_MEM INT_SEL", int_sel));
  const uint64_t addr = p.get64(kLo, kHi);
  const uint64_t data = p.get64(kDataLo, kDataHi);
  const uint32_t ctx = p.get(kCtxId);
  if (data_sel > 4) return unsupported(hex("RELEASE_MEM DATA_SEL", data_sel));
  // The write and the interrupt after it are one completion signal (for the
  // fault plan); the clock is sampled when the packet executes.
  const uint64_t now = env_.clock.now();
  auto signal = [this, data_sel, int_sel, addr, data, ctx, now]() -> std::optional<GpuFault> {
    std::optional<GpuFault> f;
    switch (data_sel) {
      case 1:  // low 32 bits of DATA
        f = mem_.store(dword_addr(addr), static_cast<uint32_t>(data));
        break;
      case 2:  // 64-bit DATA
        f = mem_.store(qword_addr(addr), data);
        break;
      case 3:  // 64-bit GPU clock counter
      case 4:  // 64-bit CP perf / system counter. UNVERIFIED: the same virtual
               // clock; on hardware a separate 100 MHz SoC counter.
        f = mem_.store(qword_addr(addr), now);
        break;
      default:  // 0: none
        break;
    }
    if (f) return f;
    // The interrupt follows the write; the context id is a hint and KFD's
    // rule (slot written or not) decides which signal event fires [S-EVT].
    if (int_sel != 0) raise_interrupt(ctx);
    return std::nullopt;
  };
  if (auto f = data_sel ? complete_signal(addr, signal) : signal()) return vm_fault(*f);
  return Exec::kDone;
}

QueueEngine::Exec Pm4Engine::event_write(const DecodedPacket& p) {
  static constexpr auto kAddr = field_id(pm4::kEventWrite, "ADDRESS_LO");
  static constexpr auto kType = field_id(pm4::kEventWrite, "EVENT_TYPE");
  // Flush and partial-flush events have nothing to wait for (no shader runs
  // yet); events that write samples to memory are not emulated.
  if (p.has(kAddr))
    return unsupported(hex("EVENT_WRITE with an address, EVENT_TYPE", p.get(kType)));
  return Exec::kDone;
}

QueueEngine::Exec Pm4Engine::copy_data(const DecodedPacket& p) {
  static constexpr auto kSrcSel = field_id(pm4::kCopyData, "SRC_SEL");
  static constexpr auto kDstSel = field_id(pm4::kCopyData, "DST_SEL");
  static constexpr auto kCount64 = field_id(pm4::kCopyData, "COUNT_SEL");
  static constexpr auto kSrcLo = field_id(pm4::kCopyData, "SRC_ADDR_LO");
  static constexpr auto kSrcHi = field_id(pm4::kCopyData, "SRC_ADDR_HI");
  static constexpr auto kDstLo = field_id(pm4::kCopyData, "DST_ADDR_LO");
  static constexpr auto kDstHi = field_id(pm4::kCopyData, "DST_ADDR_HI");
  const bool is_64 = p.get(kCount64) != 0;
  const uint64_t src = p.get64(kSrcLo, kSrcHi);
  uint64_t v = 0;
  switch (p.get(kSrcSel)) {
    case 0: {  // register (64-bit: the pair)
      auto lo = reg(p.get(kSrcLo));
      auto hi = is_64 ? reg(p.get(kSrcLo) + 1) : std::optional<uint32_t>(0);
      if (!lo || !hi) return unsupported(hex("COPY_DATA from register", p.get(kSrcLo)));
      v = *lo | (uint64_t{*hi} << 32);
      break;
    }
    case 1:    // memory
    case 2: {  // TC/L2
      std::optional<GpuFault> f;
      if (is_64) {
        f = mem_.load(qword_addr(src), v);
      } else {
        uint32_t v32 = 0;
        f = mem_.load(dword_addr(src), v32);
        v = v32;
      }
      if (f) return vm_fault(*f);
      break;
    }
    case 5:  // immediate
      v = is_64 ? src : p.get(kSrcLo);
      break;
    case 6:  // what the last ATOMIC_MEM returned
      v = atomic_return_;
      break;
    case 9:  // GPU clock count
      v = env_.clock.now();
      break;
    default:
      return unsupported(hex("COPY_DATA SRC_SEL", p.get(kSrcSel)));
  }
  if (!is_64) v &= 0xFFFFFFFFull;
  const uint64_t dst = p.get64(kDstLo, kDstHi);
  switch (p.get(kDstSel)) {
    case 0: {
      const uint32_t r = p.get(kDstLo);
      if (!write_reg(r, static_cast<uint32_t>(v)) ||
          (is_64 && !write_reg(r + 1, static_cast<uint32_t>(v >> 32)))) {
        return unsupported(hex("COPY_DATA to register", r));
      }
      return Exec::kDone;
    }
    case 2:
    case 5: {
      auto f = is_64 ? mem_.store(qword_addr(dst), v)
                     : mem_.store(dword_addr(dst), static_cast<uint32_t>(v));
      if (f) return vm_fault(*f);
      return Exec::kDone;
    }
    default:
      return unsupported(hex("COPY_DATA DST_SEL", p.get(kDstSel)));
  }
}

QueueEngine::Exec Pm4Engine::dma_data(const DecodedPacket& p) {
  static constexpr auto kSrcSel = field_id(pm4::kDmaDataGfx9, "SRC_SEL");
  static constexpr auto kDstSel = field_id(pm4::kDmaDataGfx9, "DST_SEL");
  static constexpr auto kSrcLo = field_id(pm4::kDmaDataGfx9, "SRC_ADDR_LO_OR_DATA");
  static constexpr auto kSrcHi = field_id(pm4::kDmaDataGfx9, "SRC_ADDR_HI");
  static constexpr auto kDstLo = field_id(pm4::kDmaDataGfx9, "DST_ADDR_LO");
  static constexpr auto kDstHi = field_id(pm4::kDmaDataGfx9, "DST_ADDR_HI");
  static constexpr auto kBytes = field_id(pm4::kDmaDataGfx9, "BYTE_COUNT");
  static constexpr auto kSas = field_id(pm4::kDmaDataGfx9, "SAS");
  static constexpr auto kDas = field_id(pm4::kDmaDataGfx9, "DAS");
  static constexpr auto kSaic = field_id(pm4::kDmaDataGfx9, "SAIC");
  static constexpr auto kDaic = field_id(pm4::kDmaDataGfx9, "DAIC");
  const uint32_t src_sel = p.get(kSrcSel), dst_sel = p.get(kDstSel);
  if (src_sel == 1 || dst_sel == 1 || dst_sel == 2) return unsupported("DMA_DATA to/from GDS");
  if (p.get(kSas) || p.get(kDas)) return unsupported("DMA_DATA register source/destination");
  if (p.get(kDaic)) return unsupported("DMA_DATA DAIC (no destination increment)");
  // BYTE_COUNT's width (21 bits on GFX9) bounds every copy. UNVERIFIED: what
  // a zero count does; nothing here.
  const uint64_t bytes = p.get(kBytes);
  const uint64_t dst = p.get64(kDstLo, kDstHi);
  std::optional<GpuFault> f;
  if (src_sel == 2) {
    f = mem_.fill(dst, p.get(kSrcLo), bytes);  // immediate dword, repeated
  } else if (p.get(kSaic)) {
    uint32_t v = 0;
    f = mem_.load(p.get64(kSrcLo, kSrcHi), v);
    if (!f) f = mem_.fill(dst, v, bytes);
  } else {
    f = mem_.copy(dst, p.get64(kSrcLo, kSrcHi), bytes);
  }
  if (f) return vm_fault(*f);
  env_.clock.data(bytes);
  return Exec::kDone;
}

QueueEngine::Exec Pm4Engine::atomic_mem(const DecodedPacket& p) {
  static constexpr auto kAtomic = field_id(pm4::kAtomicMem, "ATOMIC");
  static constexpr auto kCommand = field_id(pm4::kAtomicMem, "COMMAND");
  static constexpr auto kLo = field_id(pm4::kAtomicMem, "ADDR_LO");
  static constexpr auto kHi = field_id(pm4::kAtomicMem, "ADDR_HI");
  static constexpr auto kSrcLo = field_id(pm4::kAtomicMem, "SRC_DATA_LO");
  static constexpr auto kSrcHi = field_id(pm4::kAtomicMem, "SRC_DATA_HI");
  static constexpr auto kCmpLo = field_id(pm4::kAtomicMem, "CMP_DATA_LO");
  static constexpr auto kCmpHi = field_id(pm4::kAtomicMem, "CMP_DATA_HI");
  auto op = decode_atomic(p.get(kAtomic));
  if (!op) return unsupported(hex("ATOMIC_MEM ATOMIC", p.get(kAtomic)));
  const uint64_t addr = op->is_64 ? qword_addr(p.get64(kLo, kHi)) : dword_addr(p.get64(kLo, kHi));
  // COMMAND 1 loops until the compare is satisfied: a wait, as far as
  // scheduling goes (LOOP_INTERVAL has no meaning in virtual time).
  const bool loop = p.get(kCommand) == 1;
  AtomicExec a =
      execute_atomic(mem_, *op, addr, p.get64(kSrcLo, kSrcHi), p.get64(kCmpLo, kCmpHi), loop);
  if (a.fault) return vm_fault(*a.fault);
  if (loop && a.cmpswap_missed) return Exec::kBlocked;
  atomic_return_ = a.old;
  return Exec::kDone;
}

QueueEngine::Exec Pm4Engine::indirect_buffer(const DecodedPacket& p) {
  static constexpr auto kLo = field_id(pm4::kIndirectBuffer, "IB_BASE_LO");
  static constexpr auto kHi = field_id(pm4::kIndirectBuffer, "IB_BASE_HI");
  static constexpr auto kSize = field_id(pm4::kIndirectBuffer, "IB_SIZE");
  static constexpr auto kChain = field_id(pm4::kIndirectBuffer, "CHAIN");
  static constexpr auto kValid = field_id(pm4::kIndirectBuffer, "VALID");
  // UNVERIFIED: what the MEC does with VALID=0; not emulated.
  if (!p.get(kValid)) return unsupported("INDIRECT_BUFFER without VALID");
  const bool chain = p.get(kChain) != 0 && stream_.depth() > 0;
  if (!chain && stream_.depth() >= env_.options.max_ib_depth) {
    return fail(QueueState::kError,
                hex("INDIRECT_BUFFER nested deeper than", env_.options.max_ib_depth));
  }
  const uint64_t va = dword_addr(p.get64(kLo, kHi));
  const uint32_t size = p.get(kSize);
  if (from_ring_) stream_.consume();
  if (size == 0) return Exec::kConsumed;
  if (auto f = stream_.call_ib(va, size, chain)) return vm_fault(*f);
  return Exec::kConsumed;
}

QueueEngine::Exec Pm4Engine::dispatch_direct(const DecodedPacket& p) {
  static constexpr auto kDimX = field_id(pm4::kDispatchDirect, "DIM_X");
  static constexpr auto kDimY = field_id(pm4::kDispatchDirect, "DIM_Y");
  static constexpr auto kDimZ = field_id(pm4::kDispatchDirect, "DIM_Z");
  static constexpr auto kInitiator = field_id(pm4::kDispatchDirect, "DISPATCH_INITIATOR");
  constexpr auto& regs = pm4::kComputeCommonRegs;
  auto sh = [this](uint32_t addr) { return addr ? reg(addr).value_or(0) : 0; };
  ComputeRegisters c;
  c.dim[0] = p.get(kDimX);
  c.dim[1] = p.get(kDimY);
  c.dim[2] = p.get(kDimZ);
  c.initiator = p.get(kInitiator);
  // The packet lands in COMPUTE_DIM_X/Y/Z and COMPUTE_DISPATCH_INITIATOR
  // (reference §3.4), where a later COPY_DATA could read them.
  constexpr uint32_t kInitiatorReg = pm4::reg_addr(regs, "COMPUTE_DISPATCH_INITIATOR");
  constexpr uint32_t kDimReg = pm4::reg_addr(regs, "COMPUTE_DIM_X");
  write_reg(kInitiatorReg, c.initiator);
  for (uint32_t d = 0; d < 3; ++d) write_reg(kDimReg + d, c.dim[d]);
  c.pgm_lo = sh(pm4::reg_addr(regs, "COMPUTE_PGM_LO"));
  c.pgm_hi = sh(pm4::reg_addr(regs, "COMPUTE_PGM_HI"));
  c.rsrc1 = sh(pm4::reg_addr(regs, "COMPUTE_PGM_RSRC1"));
  c.rsrc2 = sh(pm4::reg_addr(regs, "COMPUTE_PGM_RSRC2"));
  c.rsrc3 = sh(rsrc3_reg_);
  c.tmpring_size = sh(pm4::reg_addr(regs, "COMPUTE_TMPRING_SIZE"));
  c.scratch_base_lo = sh(pm4::reg_addr(regs, "COMPUTE_DISPATCH_SCRATCH_BASE_LO"));
  c.scratch_base_hi = sh(pm4::reg_addr(regs, "COMPUTE_DISPATCH_SCRATCH_BASE_HI"));
  for (uint32_t d = 0; d < 3; ++d) {
    c.num_thread[d] = sh(pm4::reg_addr(regs, "COMPUTE_NUM_THREAD_X") + d);
    c.start[d] = sh(pm4::reg_addr(regs, "COMPUTE_START_X") + d);
  }
  for (uint32_t i = 0; i < 16; ++i)
    c.user_data[i] = sh(pm4::reg_addr(regs, "COMPUTE_USER_DATA_0") + i);

  DispatchRunner* runner = env_.dispatch;
  if (!runner) {
    return unsupported("DISPATCH_DIRECT needs the shader interpreter, which is not attached");
  }
  KernelDispatch k;
  k.gpu_id = gpu_id();
  k.queue_id = queue_.queue_id;
  k.packet_va = stream_.packet_va();
  k.registers = c;
  const DispatchResult res = runner->run(k, mem_);
  switch (res.kind) {
    case DispatchResult::Kind::kDone:
      return Exec::kDone;
    case DispatchResult::Kind::kVmFault:
      return vm_fault(res.fault.value_or(GpuFault{}));
    case DispatchResult::Kind::kIllegalInstruction:
      return fail(QueueState::kIllegalInstruction, res.message);
    case DispatchResult::Kind::kUnsupported:
      return unsupported(res.message);
    case DispatchResult::Kind::kError:
      return fail(QueueState::kError, res.message);
  }
  return fail(QueueState::kError, "dispatch result out of range");
}

}  // namespace amdrr::sim

// SDMA packet execution. Layouts and sources: lib/pkt/sdma_table.h and the
// reference §4; UNVERIFIED notes mark assumed engine behaviour.
#include "lib/sim/engines/sdma_engine.h"

#include <cstdio>

#include "lib/pkt/sdma_table.h"
#include "lib/sim/engines/atomic_exec.h"
#include "lib/sim/engines/gpu_ops.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr::sim {
namespace {

using pkt::DecodedPacket;
using pkt::field_id;
namespace sdma = pkt::sdma;

constexpr uint32_t kRetryForever = 0xFFF;  // POLL_REGMEM RETRY_COUNT (mesa)

std::string hex(const char* what, uint64_t v) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s 0x%llx", what, static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

SdmaEngine::SdmaEngine(EngineEnv env, const SimQueue& queue, const gpu::GpuTarget& target)
    : QueueEngine(env, queue, pkt::sdma_table(target.sdma_version), 1),
      version_(target.sdma_version) {}

QueueEngine::Exec SdmaEngine::execute(const DecodedPacket& p) {
  using pkt::Kind;
  switch (p.kind()) {
    case Kind::kSdmaNop:
      return Exec::kDone;
    case Kind::kSdmaCopyLinear:
      return copy_linear(p);
    case Kind::kSdmaConstantFill:
      return constant_fill(p);
    case Kind::kSdmaWriteUntiled:
      return write_untiled(p);
    case Kind::kSdmaFence: {
      static constexpr auto kLo = field_id(sdma::kFenceV4, "ADDR_LO");
      static constexpr auto kHi = field_id(sdma::kFenceV4, "ADDR_HI");
      static constexpr auto kData = field_id(sdma::kFenceV4, "DATA");
      // UNVERIFIED: the low two address bits are ignored, as for PM4.
      const uint64_t addr = p.get64(kLo, kHi) & ~uint64_t{3};
      const uint32_t data = p.get(kData);
      if (auto f = complete_signal(addr, [this, addr, data] { return mem_.store(addr, data); })) {
        return vm_fault(*f);
      }
      return Exec::kDone;
    }
    case Kind::kSdmaTrap: {
      static constexpr auto kCtx = field_id(sdma::kTrap, "INT_CONTEXT");
      // The 28-bit context reaches KFD as the event id hint [S-INT].
      raise_interrupt(p.get(kCtx));
      return Exec::kDone;
    }
    case Kind::kSdmaPollRegmem:
      return poll_regmem(p);
    case Kind::kSdmaTimestampGetGlobal: {
      static constexpr auto kLo = field_id(sdma::kTimestampGetGlobal, "WRITE_ADDR_LO");
      static constexpr auto kHi = field_id(sdma::kTimestampGetGlobal, "WRITE_ADDR_HI");
      // WRITE_ADDR is [31:3]: 8-byte aligned.
      const uint64_t addr = p.get64(kLo, kHi) & ~uint64_t{7};
      if (auto f = mem_.store(addr, env_.clock.now())) return vm_fault(*f);
      return Exec::kDone;
    }
    case Kind::kSdmaAtomic:
      return atomic(p);
    case Kind::kSdmaIndirect:
      return indirect(p);
    default:
      return fail(QueueState::kError, "not an SDMA packet");
  }
}

QueueEngine::Exec SdmaEngine::copy_linear(const DecodedPacket& p) {
  static constexpr auto kCount = field_id(sdma::kCopyLinearV4, "COUNT");
  static constexpr auto kSrcLo = field_id(sdma::kCopyLinearV4, "SRC_ADDR_LO");
  static constexpr auto kSrcHi = field_id(sdma::kCopyLinearV4, "SRC_ADDR_HI");
  static constexpr auto kDstLo = field_id(sdma::kCopyLinearV4, "DST_ADDR_LO");
  static constexpr auto kDstHi = field_id(sdma::kCopyLinearV4, "DST_ADDR_HI");
  static constexpr auto kTmz = field_id(sdma::kCopyLinearV4, "TMZ");
  static constexpr auto kEncrypt = field_id(sdma::kCopyLinearV4, "ENCRYPT");
  static constexpr auto kBroadcast = field_id(sdma::kCopyLinearV4, "BROADCAST");
  static constexpr auto kDstSw = field_id(sdma::kCopyLinearV4, "DST_SW");
  static constexpr auto kSrcSw = field_id(sdma::kCopyLinearV4, "SRC_SW");
  if (p.get(kTmz) || p.get(kEncrypt)) return unsupported("COPY_LINEAR TMZ/ENCRYPT");
  if (p.get(kBroadcast)) return unsupported("COPY_LINEAR BROADCAST");
  if (p.get(kDstSw) || p.get(kSrcSw)) return unsupported("COPY_LINEAR byte swap (SW)");
  // COUNT is bytes - 1; its width is the version's limit, checked against the
  // table's copy_max_bytes so a wider field cannot slip through.
  const uint64_t bytes = uint64_t{p.get(kCount)} + 1;
  if (bytes > pkt::sdma_copy_max_bytes(version_)) {
    return fail(QueueState::kError, hex("COPY_LINEAR larger than the engine's limit:", bytes));
  }
  if (auto f = mem_.copy(p.get64(kDstLo, kDstHi), p.get64(kSrcLo, kSrcHi), bytes)) {
    return vm_fault(*f);
  }
  env_.clock.data(bytes);
  return Exec::kDone;
}

QueueEngine::Exec SdmaEngine::constant_fill(const DecodedPacket& p) {
  static constexpr auto kCount = field_id(sdma::kConstantFillV4, "COUNT");
  static constexpr auto kLo = field_id(sdma::kConstantFillV4, "DST_ADDR_LO");
  static constexpr auto kHi = field_id(sdma::kConstantFillV4, "DST_ADDR_HI");
  static constexpr auto kData = field_id(sdma::kConstantFillV4, "SRC_DATA");
  static constexpr auto kFillSize = field_id(sdma::kConstantFillV4, "FILLSIZE");
  static constexpr auto kSw = field_id(sdma::kConstantFillV4, "SW");
  if (p.get(kSw)) return unsupported("CONSTANT_FILL byte swap (SW)");
  const uint64_t bytes = uint64_t{p.get(kCount)} + 1;
  if (bytes > pkt::sdma_copy_max_bytes(version_)) {
    return fail(QueueState::kError, hex("CONSTANT_FILL larger than the engine's limit:", bytes));
  }
  uint32_t pattern = p.get(kData);
  switch (p.get(kFillSize)) {
    case 0:  // byte fill. UNVERIFIED: the low byte of SRC_DATA repeats.
      pattern = (pattern & 0xFF) * 0x01010101u;
      break;
    case 2:  // dword fill
      break;
    default:
      return unsupported(hex("CONSTANT_FILL FILLSIZE", p.get(kFillSize)));
  }
  if (auto f = mem_.fill(p.get64(kLo, kHi), pattern, bytes)) return vm_fault(*f);
  env_.clock.data(bytes);
  return Exec::kDone;
}

QueueEngine::Exec SdmaEngine::write_untiled(const DecodedPacket& p) {
  static constexpr auto kLo = field_id(sdma::kWriteUntiled, "DST_ADDR_LO");
  static constexpr auto kHi = field_id(sdma::kWriteUntiled, "DST_ADDR_HI");
  static constexpr auto kTmz = field_id(sdma::kWriteUntiled, "TMZ");
  static constexpr auto kSw = field_id(sdma::kWriteUntiled, "SW");
  if (p.get(kTmz)) return unsupported("WRITE_UNTILED TMZ");
  if (p.get(kSw)) return unsupported("WRITE_UNTILED byte swap (SW)");
  const auto data = p.payload();
  if (auto f = mem_.write(p.get64(kLo, kHi),
                          {reinterpret_cast<const uint8_t*>(data.data()), data.size() * 4})) {
    return vm_fault(*f);
  }
  return Exec::kDone;
}

QueueEngine::Exec SdmaEngine::poll_regmem(const DecodedPacket& p) {
  static constexpr auto kMem = field_id(sdma::kPollRegmem, "MEM_POLL");
  static constexpr auto kHdp = field_id(sdma::kPollRegmem, "HDP_FLUSH");
  static constexpr auto kFunc = field_id(sdma::kPollRegmem, "FUNC");
  static constexpr auto kLo = field_id(sdma::kPollRegmem, "ADDR_LO");
  static constexpr auto kHi = field_id(sdma::kPollRegmem, "ADDR_HI");
  static constexpr auto kValue = field_id(sdma::kPollRegmem, "VALUE");
  static constexpr auto kMask = field_id(sdma::kPollRegmem, "MASK");
  static constexpr auto kRetry = field_id(sdma::kPollRegmem, "RETRY_COUNT");
  if (!p.get(kMem)) {
    // The kernel's HDP flush (register form with HDP_FLUSH): memory here is
    // coherent, so the flush is complete at once. UNVERIFIED equivalence.
    if (p.get(kHdp)) return Exec::kDone;
    return unsupported(hex("POLL_REGMEM of register", p.get(kLo)));
  }
  uint32_t value = 0;
  if (auto f = mem_.load(p.get64(kLo, kHi) & ~uint64_t{3}, value)) return vm_fault(*f);
  auto ok = compare(p.get(kFunc), value, p.get(kMask), p.get(kValue));
  if (!ok) return fail(QueueState::kError, "POLL_REGMEM reserved FUNC 7");
  if (*ok) {
    poll_retries_ = 0;
    return Exec::kDone;
  }
  // UNVERIFIED: what the engine does once a bounded retry count runs out
  // (an interrupt?); reported as a hang of the queue here.
  if (p.get(kRetry) != kRetryForever && ++poll_retries_ > p.get(kRetry)) {
    return fail(QueueState::kHung, "POLL_REGMEM retry count exhausted");
  }
  return Exec::kBlocked;
}

QueueEngine::Exec SdmaEngine::atomic(const DecodedPacket& p) {
  static constexpr auto kOp = field_id(sdma::kAtomic, "ATOMIC_OP");
  static constexpr auto kLoop = field_id(sdma::kAtomic, "LOOP");
  static constexpr auto kTmz = field_id(sdma::kAtomic, "TMZ");
  static constexpr auto kLo = field_id(sdma::kAtomic, "ADDR_LO");
  static constexpr auto kHi = field_id(sdma::kAtomic, "ADDR_HI");
  static constexpr auto kSrcLo = field_id(sdma::kAtomic, "SRC_DATA_LO");
  static constexpr auto kSrcHi = field_id(sdma::kAtomic, "SRC_DATA_HI");
  static constexpr auto kCmpLo = field_id(sdma::kAtomic, "CMP_DATA_LO");
  static constexpr auto kCmpHi = field_id(sdma::kAtomic, "CMP_DATA_HI");
  if (p.get(kTmz)) return unsupported("ATOMIC TMZ");
  auto op = decode_atomic(p.get(kOp));
  if (!op) return unsupported(hex("ATOMIC ATOMIC_OP", p.get(kOp)));
  const uint64_t addr = p.get64(kLo, kHi) & (op->is_64 ? ~uint64_t{7} : ~uint64_t{3});
  // LOOP: retry a failed compare-swap (a wait for the scheduler).
  const bool loop = p.get(kLoop) != 0;
  AtomicExec a =
      execute_atomic(mem_, *op, addr, p.get64(kSrcLo, kSrcHi), p.get64(kCmpLo, kCmpHi), loop);
  if (a.fault) return vm_fault(*a.fault);
  if (loop && a.cmpswap_missed) return Exec::kBlocked;
  // UNVERIFIED: where SDMA returns the pre-op value of *_RTN ops; dropped.
  return Exec::kDone;
}

QueueEngine::Exec SdmaEngine::indirect(const DecodedPacket& p) {
  static constexpr auto kLo = field_id(sdma::kIndirect, "IB_BASE_LO");
  static constexpr auto kHi = field_id(sdma::kIndirect, "IB_BASE_HI");
  static constexpr auto kSize = field_id(sdma::kIndirect, "IB_SIZE");
  // UNVERIFIED: SDMA runs one IB level (no INDIRECT inside an IB).
  if (stream_.depth() >= 1) return fail(QueueState::kError, "INDIRECT inside an indirect buffer");
  const uint64_t va = p.get64(kLo, kHi);
  const uint32_t size = p.get(kSize);
  stream_.consume();
  if (size == 0) return Exec::kConsumed;
  if (auto f = stream_.call_ib(va, size, false)) return vm_fault(*f);
  return Exec::kConsumed;
}

}  // namespace amdrr::sim

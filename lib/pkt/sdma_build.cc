#include "lib/pkt/sdma_build.h"

#include <algorithm>

#include "lib/base/check.h"
#include "lib/pkt/encoder.h"
#include "lib/pkt/sdma_table.h"
#include "lib/pkt/tables.h"

namespace amdrr::pkt::sdma {
namespace {

const PacketDesc& entry_of(SdmaVersion version, Kind kind) {
  const PacketDesc* d = find_kind(sdma_table(version), kind);
  AMDRR_ASSERT(d != nullptr, "SDMA table lacks a packet every version has");
  return *d;
}

}  // namespace

void nop(Out& out, uint32_t skip_dwords) {
  Encoder(out, kNop, 1 + skip_dwords);
}

uint64_t copy_linear(Out& out, SdmaVersion version, uint64_t dst, uint64_t src, uint64_t bytes) {
  AMDRR_REQUIRE(bytes > 0, "empty SDMA copy");
  const uint64_t covered = std::min(bytes, sdma_copy_max_bytes(version));
  // v4 ids; the v6 entry has the same names at the same indices.
  Encoder(out, entry_of(version, Kind::kSdmaCopyLinear))
      .set(field_id(kCopyLinearV4, "COUNT"), static_cast<uint32_t>(covered - 1))
      .set64(field_id(kCopyLinearV4, "SRC_ADDR_LO"), field_id(kCopyLinearV4, "SRC_ADDR_HI"), src)
      .set64(field_id(kCopyLinearV4, "DST_ADDR_LO"), field_id(kCopyLinearV4, "DST_ADDR_HI"), dst);
  return covered;
}

uint64_t constant_fill(Out& out, SdmaVersion version, uint64_t dst, uint32_t value,
                       uint64_t bytes) {
  AMDRR_REQUIRE(bytes > 0 && bytes % 4 == 0 && dst % 4 == 0, "dword fill of whole dwords");
  // Stay dword-sized when the limit cuts the fill.
  const uint64_t covered = std::min(bytes, sdma_copy_max_bytes(version) & ~uint64_t{3});
  const PacketDesc& d = kConstantFillV4;
  Encoder(out, entry_of(version, Kind::kSdmaConstantFill))
      .set(field_id(d, "FILLSIZE"), 2)
      .set64(field_id(d, "DST_ADDR_LO"), field_id(d, "DST_ADDR_HI"), dst)
      .set(field_id(d, "SRC_DATA"), value)
      .set(field_id(d, "COUNT"), static_cast<uint32_t>(covered - 1));
  return covered;
}

void write_untiled(Out& out, uint64_t dst, std::span<const uint32_t> data) {
  static constexpr const PacketDesc& d = kWriteUntiled;
  AMDRR_REQUIRE(!data.empty() && data.size() <= 0x100000, "WRITE_UNTILED carries 1..2^20 dwords");
  Encoder e(out, d, static_cast<uint32_t>(4 + data.size()));
  e.set64(field_id(d, "DST_ADDR_LO"), field_id(d, "DST_ADDR_HI"), dst);
  std::copy(data.begin(), data.end(), e.payload().begin());
}

void fence(Out& out, SdmaVersion version, uint64_t addr, uint32_t value) {
  AMDRR_REQUIRE(addr % 4 == 0, "SDMA fence address is dword aligned");
  Encoder(out, entry_of(version, Kind::kSdmaFence))
      .set64(field_id(kFenceV4, "ADDR_LO"), field_id(kFenceV4, "ADDR_HI"), addr)
      .set(field_id(kFenceV4, "DATA"), value);
}

void trap(Out& out, uint32_t int_context) {
  Encoder(out, kTrap).set(field_id(kTrap, "INT_CONTEXT"), int_context);
}

void poll_regmem(Out& out, const PollRegmem& a) {
  static constexpr const PacketDesc& d = kPollRegmem;
  Encoder(out, d)
      .set(field_id(d, "HDP_FLUSH"), a.hdp_flush)
      .set(field_id(d, "FUNC"), a.func)
      .set(field_id(d, "MEM_POLL"), a.mem_poll)
      .set64(field_id(d, "ADDR_LO"), field_id(d, "ADDR_HI"), a.addr)
      .set(field_id(d, "VALUE"), a.value)
      .set(field_id(d, "MASK"), a.mask)
      .set(field_id(d, "INTERVAL"), a.interval)
      .set(field_id(d, "RETRY_COUNT"), a.retry_count);
}

void timestamp_get_global(Out& out, uint64_t addr) {
  static constexpr const PacketDesc& d = kTimestampGetGlobal;
  AMDRR_REQUIRE(addr % 8 == 0, "timestamp address is 8-byte aligned");
  Encoder(out, d).set64(field_id(d, "WRITE_ADDR_LO"), field_id(d, "WRITE_ADDR_HI"), addr);
}

void atomic(Out& out, const Atomic& a) {
  static constexpr const PacketDesc& d = kAtomic;
  Encoder(out, d)
      .set(field_id(d, "LOOP"), a.loop)
      .set(field_id(d, "ATOMIC_OP"), a.op)
      .set64(field_id(d, "ADDR_LO"), field_id(d, "ADDR_HI"), a.addr)
      .set64(field_id(d, "SRC_DATA_LO"), field_id(d, "SRC_DATA_HI"), a.src)
      .set64(field_id(d, "CMP_DATA_LO"), field_id(d, "CMP_DATA_HI"), a.cmp)
      .set(field_id(d, "LOOP_INTERVAL"), a.loop_interval);
}

void indirect(Out& out, uint64_t ib_addr, uint32_t size_dwords, uint32_t vmid, uint64_t csa_addr) {
  static constexpr const PacketDesc& d = kIndirect;
  Encoder(out, d)
      .set(field_id(d, "VMID"), vmid)
      .set64(field_id(d, "IB_BASE_LO"), field_id(d, "IB_BASE_HI"), ib_addr)
      .set(field_id(d, "IB_SIZE"), size_dwords)
      .set64(field_id(d, "CSA_ADDR_LO"), field_id(d, "CSA_ADDR_HI"), csa_addr);
}

}  // namespace amdrr::pkt::sdma

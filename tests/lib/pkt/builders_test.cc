// Each typed builder, decoded back through the table, per family.

#include <gtest/gtest.h>

#include "lib/pkt/aql_build.h"
#include "lib/pkt/aql_table.h"
#include "lib/pkt/decode.h"
#include "lib/pkt/pm4_build.h"
#include "lib/pkt/pm4_regs.h"
#include "lib/pkt/pm4_table.h"
#include "lib/pkt/sdma_build.h"
#include "lib/pkt/sdma_table.h"
#include "lib/pkt/tables.h"

namespace amdrr::pkt {
namespace {

DecodedPacket only(const PacketTable& t, const std::vector<uint32_t>& dw, Kind kind) {
  auto all = decode_all(t, dw);
  EXPECT_EQ(all.size(), 1u);
  if (all.empty()) return {};
  EXPECT_EQ(all[0].status, DecodeStatus::kOk);
  EXPECT_EQ(all[0].kind(), kind);
  EXPECT_EQ(all[0].dwords.size(), dw.size());
  return all[0];
}

const PacketTable& gfx9 = pm4_table(Pm4Family::kGfx9);
const PacketTable& gfx11 = pm4_table(Pm4Family::kGfx11);

TEST(PktPm4Build, NopAndSetRegisters) {
  std::vector<uint32_t> out;
  pm4::nop(out, 3);
  pm4::nop(out);
  const uint32_t vals[] = {0x1234, 0x56};
  pm4::set_sh_reg(out, pm4::reg_addr(pm4::kGfx9ShRegs, "COMPUTE_PGM_LO"), vals);
  pm4::set_uconfig_reg(out, 0xC200, std::span(vals, 1));
  auto all = decode_all(gfx9, out);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].kind(), Kind::kPm4Nop);
  EXPECT_EQ(all[0].dwords.size(), 4u);
  EXPECT_EQ(all[1].kind(), Kind::kPm4Nop);
  EXPECT_EQ(all[1].dwords.size(), 1u);
  EXPECT_EQ(all[2].kind(), Kind::kPm4SetShReg);
  EXPECT_EQ(all[2].get(field_id(pm4::kSetShReg, "REG_OFFSET")), 0x20Cu);
  ASSERT_EQ(all[2].payload().size(), 2u);
  EXPECT_EQ(all[2].payload()[1], 0x56u);
  EXPECT_EQ(all[3].get(field_id(pm4::kSetUconfigReg, "REG_OFFSET")), 0x200u);
}

TEST(PktPm4Build, WriteDataAndWaits) {
  std::vector<uint32_t> out;
  const uint32_t data[] = {7, 8, 9};
  pm4::write_data(out, {.addr = 0x1'0000'1000}, data);
  auto p = only(gfx9, out, Kind::kPm4WriteData);
  EXPECT_EQ(
      p.get64(field_id(pm4::kWriteData, "DST_ADDR_LO"), field_id(pm4::kWriteData, "DST_ADDR_HI")),
      0x1'0000'1000u);
  EXPECT_EQ(p.get(field_id(pm4::kWriteData, "DST_SEL")), 5u);
  EXPECT_EQ(p.get(field_id(pm4::kWriteData, "WR_CONFIRM")), 1u);
  EXPECT_EQ(p.payload().size(), 3u);

  for (uint32_t fn = 0; fn <= 6; ++fn) {
    out.clear();
    pm4::wait_reg_mem_memory(out, 0x2000, {.function = fn, .reference = 5, .mask = 0xF0});
    p = only(gfx9, out, Kind::kPm4WaitRegMem);
    EXPECT_EQ(p.get(field_id(pm4::kWaitRegMem, "FUNCTION")), fn);
    EXPECT_EQ(p.get(field_id(pm4::kWaitRegMem, "MEM_SPACE")), 1u);
    EXPECT_EQ(p.get(field_id(pm4::kWaitRegMem, "REFERENCE")), 5u);
    EXPECT_EQ(p.get(field_id(pm4::kWaitRegMem, "MASK")), 0xF0u);
  }
  out.clear();
  pm4::wait_reg_mem_register(out, 0x1234, {}, 0x1235, true);
  p = only(gfx9, out, Kind::kPm4WaitRegMem);
  EXPECT_EQ(p.get(field_id(pm4::kWaitRegMem, "MEM_SPACE")), 0u);
  EXPECT_EQ(p.get(field_id(pm4::kWaitRegMem, "OPERATION")), 1u);
  EXPECT_EQ(p.get(field_id(pm4::kWaitRegMem, "POLL_ADDRESS_LO")), 0x1234u);
  EXPECT_EQ(p.get(field_id(pm4::kWaitRegMem, "POLL_ADDRESS_HI")), 0x1235u);
}

TEST(PktPm4Build, ReleaseAndAcquirePerFamily) {
  std::vector<uint32_t> out;
  pm4::ReleaseMemGfx9 r9;
  r9.addr = 0x7000'0008;
  r9.data = 0x1122334455667788;
  r9.data_sel = 2;
  r9.int_sel = 2;
  r9.int_ctxid = 42;
  r9.tc_wb_action = r9.tc_nc_action = true;
  pm4::release_mem(out, r9);
  auto p = only(gfx9, out, Kind::kPm4ReleaseMem);
  EXPECT_EQ(p.desc, &pm4::kReleaseMemGfx9);
  EXPECT_EQ(p.get(field_id(pm4::kReleaseMemGfx9, "TC_WB_ACTION_ENA")), 1u);
  EXPECT_EQ(p.get(field_id(pm4::kReleaseMemGfx9, "TC_ACTION_ENA")), 0u);
  EXPECT_EQ(
      p.get64(field_id(pm4::kReleaseMemGfx9, "DATA_LO"), field_id(pm4::kReleaseMemGfx9, "DATA_HI")),
      0x1122334455667788u);
  EXPECT_EQ(p.get(field_id(pm4::kReleaseMemGfx9, "INT_CTXID")), 42u);
  EXPECT_EQ(p.get(field_id(pm4::kReleaseMemGfx9, "EVENT_TYPE")), 0x14u);

  out.clear();
  pm4::ReleaseMemGfx11 r11;
  r11.addr = 0x8000;
  r11.gl2_wb = r11.seq = true;
  pm4::release_mem(out, r11);
  p = only(gfx11, out, Kind::kPm4ReleaseMem);
  EXPECT_EQ(p.desc, &pm4::kReleaseMemGfx11);
  EXPECT_EQ(p.get(field_id(pm4::kReleaseMemGfx11, "GCR_GL2_WB")), 1u);
  EXPECT_EQ(p.get(field_id(pm4::kReleaseMemGfx11, "GCR_SEQ")), 1u);
  // A GFX9 id reads the same-named field of the GFX11 entry.
  EXPECT_EQ(p.get(field_id(pm4::kReleaseMemGfx9, "DATA_SEL")), 1u);

  out.clear();
  pm4::AcquireMemGfx9 a9;
  a9.sh_icache_action = a9.sh_kcache_action = a9.tc_action = true;
  pm4::acquire_mem(out, a9);
  p = only(gfx9, out, Kind::kPm4AcquireMem);
  EXPECT_EQ(out.size(), 7u);
  EXPECT_EQ(p.get(field_id(pm4::kAcquireMemGfx9, "SH_ICACHE_ACTION_ENA")), 1u);
  EXPECT_EQ(p.get(field_id(pm4::kAcquireMemGfx9, "COHER_SIZE")), 0xFFFFFFFFu);
  EXPECT_EQ(p.get(field_id(pm4::kAcquireMemGfx9, "COHER_SIZE_HI")), 0xFFu);
  EXPECT_EQ(p.get(field_id(pm4::kAcquireMemGfx9, "POLL_INTERVAL")), 0x0Au);

  out.clear();
  pm4::AcquireMemGfx11 a11;
  a11.gl2_inv = a11.glk_inv = true;
  a11.gli_inv = 1;
  pm4::acquire_mem(out, a11);
  p = only(gfx11, out, Kind::kPm4AcquireMem);
  EXPECT_EQ(out.size(), 8u);
  EXPECT_EQ(p.get(field_id(pm4::kAcquireMemGfx11, "GCR_GL2_INV")), 1u);
  EXPECT_EQ(p.get(field_id(pm4::kAcquireMemGfx11, "GCR_GLI_INV")), 1u);
  // The GFX9 decoder sees a GFX11 ACQUIRE_MEM as the wrong size.
  EXPECT_EQ(decode_one(gfx9, out, 0).status, DecodeStatus::kBadSize);
}

TEST(PktPm4Build, EventCopyDmaAtomicIbDispatch) {
  std::vector<uint32_t> out;
  pm4::event_write(out, 7, 4);
  pm4::event_write(out, 40, 5, 0x1000);
  auto all = decode_all(gfx9, out);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].dwords.size(), 2u);
  EXPECT_EQ(all[0].get(field_id(pm4::kEventWrite, "EVENT_TYPE")), 7u);
  EXPECT_FALSE(all[0].has(field_id(pm4::kEventWrite, "ADDRESS_LO")));
  EXPECT_EQ(all[1].get64(field_id(pm4::kEventWrite, "ADDRESS_LO"),
                         field_id(pm4::kEventWrite, "ADDRESS_HI")),
            0x1000u);

  out.clear();
  pm4::copy_data(out, {.src_sel = 9, .dst_sel = 5, .src = 0, .dst = 0x3000, .count_64 = true});
  auto p = only(gfx9, out, Kind::kPm4CopyData);
  EXPECT_EQ(p.get(field_id(pm4::kCopyData, "SRC_SEL")), 9u);
  EXPECT_EQ(p.get(field_id(pm4::kCopyData, "COUNT_SEL")), 1u);

  // DMA_DATA: the BYTE_COUNT width of each family's entry is the limit.
  for (auto [family, limit] :
       {std::pair{Pm4Family::kGfx9, 0x1FFFFFu}, std::pair{Pm4Family::kGfx11, 0x3FFFFFFu}}) {
    out.clear();
    const uint64_t covered =
        pm4::dma_data(out, family, {.src = 0x1000, .dst = 0x2000, .bytes = 1ull << 30});
    EXPECT_EQ(covered, limit);
    p = only(pm4_table(family), out, Kind::kPm4DmaData);
    EXPECT_EQ(p.get(field_id(pm4::kDmaDataGfx9, "BYTE_COUNT")), limit);
    EXPECT_EQ(p.get(field_id(pm4::kDmaDataGfx9, "CP_SYNC")), 1u);
  }

  out.clear();
  pm4::atomic_mem(out, {.atomic = 0x48, .command = 1, .addr = 0x8, .src = 5, .cmp = 4});
  p = only(gfx9, out, Kind::kPm4AtomicMem);
  EXPECT_EQ(p.get(field_id(pm4::kAtomicMem, "ATOMIC")), 0x48u);
  EXPECT_EQ(p.get(field_id(pm4::kAtomicMem, "CMP_DATA_LO")), 4u);

  out.clear();
  pm4::indirect_buffer(out, {.addr = 0xABC0, .size_dwords = 100, .vmid = 3});
  p = only(gfx9, out, Kind::kPm4IndirectBuffer);
  EXPECT_EQ(p.get(field_id(pm4::kIndirectBuffer, "IB_SIZE")), 100u);
  EXPECT_EQ(p.get(field_id(pm4::kIndirectBuffer, "VALID")), 1u);
  EXPECT_EQ(p.get(field_id(pm4::kIndirectBuffer, "VMID")), 3u);

  out.clear();
  pm4::dispatch_direct(out, 4, 2, 1, 0x5);
  p = only(gfx11, out, Kind::kPm4DispatchDirect);
  EXPECT_EQ(p.get(field_id(pm4::kDispatchDirect, "DIM_X")), 4u);
  EXPECT_EQ(p.get(field_id(pm4::kDispatchDirect, "DISPATCH_INITIATOR")), 5u);
}

TEST(PktSdmaBuild, CopyAndFillSplitAtTheVersionLimit) {
  for (auto v : {SdmaVersion::kV4_4, SdmaVersion::kV5_2, SdmaVersion::kV6_0}) {
    const uint64_t total = 3 * sdma_copy_max_bytes(v) + 123;
    std::vector<uint32_t> out;
    uint64_t done = 0;
    int packets = 0;
    while (done < total) {
      done += sdma::copy_linear(out, v, 0x10000 + done, 0x90000000 + done, total - done);
      ++packets;
    }
    EXPECT_EQ(packets, 4);
    auto all = decode_all(sdma_table(v), out);
    ASSERT_EQ(all.size(), 4u);
    uint64_t sum = 0;
    for (auto& p : all) {
      EXPECT_EQ(p.kind(), Kind::kSdmaCopyLinear);
      EXPECT_EQ(p.dwords.size(), 7u);
      sum += p.get(field_id(sdma::kCopyLinearV4, "COUNT")) + 1ull;
    }
    EXPECT_EQ(sum, total);
    EXPECT_EQ(all[1].get64(field_id(sdma::kCopyLinearV4, "DST_ADDR_LO"),
                           field_id(sdma::kCopyLinearV4, "DST_ADDR_HI")),
              0x10000 + sdma_copy_max_bytes(v));

    out.clear();
    const uint64_t covered = sdma::constant_fill(out, v, 0x4000, 0xDEADBEEF, 1ull << 31);
    EXPECT_EQ(covered, sdma_copy_max_bytes(v) & ~3ull);
    auto f = only(sdma_table(v), out, Kind::kSdmaConstantFill);
    EXPECT_EQ(f.get(field_id(sdma::kConstantFillV4, "SRC_DATA")), 0xDEADBEEFu);
    EXPECT_EQ(f.get(field_id(sdma::kConstantFillV4, "FILLSIZE")), 2u);
    EXPECT_EQ(f.get(field_id(sdma::kConstantFillV4, "COUNT")) + 1ull, covered);

    out.clear();
    sdma::fence(out, v, 0x5000, 77);
    auto fe = only(sdma_table(v), out, Kind::kSdmaFence);
    EXPECT_EQ(fe.get(field_id(sdma::kFenceV4, "DATA")), 77u);
  }
}

TEST(PktSdmaBuild, OtherPackets) {
  const PacketTable& t = sdma_table(SdmaVersion::kV4_4);
  std::vector<uint32_t> out;
  const uint32_t data[] = {1, 2, 3, 4, 5};
  sdma::write_untiled(out, 0x6000, data);
  sdma::trap(out, 0xABCDEF);
  sdma::poll_regmem(out, {.addr = 0x7000, .value = 1, .func = 5});
  sdma::timestamp_get_global(out, 0x8000);
  sdma::atomic(out, {.op = 0x0F, .addr = 0x9000, .src = 1});
  sdma::indirect(out, 0xA000, 64, 2);
  sdma::nop(out, 6);
  auto all = decode_all(t, out);
  ASSERT_EQ(all.size(), 7u);
  for (auto& p : all) EXPECT_EQ(p.status, DecodeStatus::kOk) << p.desc->name;
  EXPECT_EQ(all[0].kind(), Kind::kSdmaWriteUntiled);
  EXPECT_EQ(all[0].dwords.size(), 9u);
  EXPECT_EQ(all[0].payload().size(), 5u);
  EXPECT_EQ(all[0].payload()[4], 5u);
  EXPECT_EQ(all[1].get(field_id(sdma::kTrap, "INT_CONTEXT")), 0xABCDEFu);
  EXPECT_EQ(all[2].get(field_id(sdma::kPollRegmem, "FUNC")), 5u);
  EXPECT_EQ(all[2].get(field_id(sdma::kPollRegmem, "RETRY_COUNT")), 0xFFFu);
  EXPECT_EQ(all[3].kind(), Kind::kSdmaTimestampGetGlobal);
  EXPECT_EQ(all[4].get(field_id(sdma::kAtomic, "ATOMIC_OP")), 0x0Fu);
  EXPECT_EQ(all[5].get(field_id(sdma::kIndirect, "IB_SIZE")), 64u);
  EXPECT_EQ(all[5].get(field_id(sdma::kIndirect, "VMID")), 2u);
  EXPECT_EQ(all[6].kind(), Kind::kSdmaNop);
  EXPECT_EQ(all[6].dwords.size(), 7u);
}

TEST(PktAqlBuild, DispatchBarriersAndPm4Ib) {
  const PacketTable& t = aql_table();
  aql::KernelDispatch k;
  k.dimensions = 3;
  k.workgroup_size[0] = 64;
  k.grid_size[0] = 4096;
  k.grid_size[2] = 2;
  k.kernel_object = 0x7F00'0000'1000;
  k.kernarg_address = 0x7F00'0000'2000;
  k.completion_signal = 0x7F00'0000'3000;
  auto pk = aql::kernel_dispatch(k);
  std::vector<uint32_t> dw(pk.begin(), pk.end());
  auto p = only(t, dw, Kind::kAqlKernelDispatch);
  EXPECT_EQ(p.get(field_id(aql::kKernelDispatch, "SETUP_DIMENSIONS")), 3u);
  EXPECT_EQ(p.get(field_id(aql::kKernelDispatch, "WORKGROUP_SIZE_X")), 64u);
  EXPECT_EQ(p.get(field_id(aql::kKernelDispatch, "GRID_SIZE_Z")), 2u);
  EXPECT_EQ(p.get64(field_id(aql::kKernelDispatch, "KERNEL_OBJECT_LO"),
                    field_id(aql::kKernelDispatch, "KERNEL_OBJECT_HI")),
            0x7F00'0000'1000u);
  EXPECT_EQ(p.get64(field_id(aql::kKernelDispatch, "COMPLETION_SIGNAL_LO"),
                    field_id(aql::kKernelDispatch, "COMPLETION_SIGNAL_HI")),
            0x7F00'0000'3000u);

  aql::Barrier b;
  b.dep_signal[4] = 0x1234'5678'9ABC;
  for (auto [pkt, kind] : {std::pair{aql::barrier_and(b), Kind::kAqlBarrierAnd},
                           std::pair{aql::barrier_or(b), Kind::kAqlBarrierOr}}) {
    dw.assign(pkt.begin(), pkt.end());
    p = only(t, dw, kind);
    EXPECT_EQ(p.get64(field_id(aql::kBarrierAnd, "DEP_SIGNAL4_LO"),
                      field_id(aql::kBarrierAnd, "DEP_SIGNAL4_HI")),
              0x1234'5678'9ABCu);
  }

  auto ib = aql::pm4_ib({}, 0x4000, 33, 0x9000);
  dw.assign(ib.begin(), ib.end());
  p = only(t, dw, Kind::kAqlVendorPm4Ib);
  EXPECT_EQ(p.get(field_id(aql::kVendorPm4Ib, "DW_CNT_REMAIN")), 10u);
  // The embedded jump decodes with the PM4 table.
  auto jump = decode_all(gfx9, std::span<const uint32_t>(dw).subspan(1, 4));
  ASSERT_EQ(jump.size(), 1u);
  EXPECT_EQ(jump[0].kind(), Kind::kPm4IndirectBuffer);
  EXPECT_EQ(jump[0].get(field_id(pm4::kIndirectBuffer, "IB_SIZE")), 33u);
}

// The AQL type and AMD format constants the emulator switches on name the
// same values as the tables' enum names.
TEST(AqlTable, NamedConstantsMatchTheEnumNames) {
  auto name_of = [](std::span<const EnumName> names, uint32_t v) {
    for (const EnumName& n : names) {
      if (n.value == v) return n.name;
    }
    return std::string_view{};
  };
  EXPECT_EQ(name_of(aql::kPacketType, aql::kTypeInvalid), "INVALID");
  EXPECT_EQ(name_of(aql::kPacketType, aql::kTypeAgentDispatch), "AGENT_DISPATCH");
  EXPECT_EQ(name_of(aql::kPacketType, aql::kTypeBarrierOr), "BARRIER_OR");
  EXPECT_EQ(name_of(aql::kAmdFormat, aql::kAmdFormatPm4Ib), "PM4_IB");
  EXPECT_EQ(name_of(aql::kAmdFormat, aql::kAmdFormatBarrierValue), "BARRIER_VALUE");
}

}  // namespace
}  // namespace amdrr::pkt

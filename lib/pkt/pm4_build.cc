#include "lib/pkt/pm4_build.h"

#include <algorithm>

#include "lib/base/check.h"
#include "lib/pkt/encoder.h"
#include "lib/pkt/pm4_table.h"
#include "lib/pkt/tables.h"

namespace amdrr::pkt::pm4 {
namespace {

uint32_t lo32(uint64_t v) {
  return static_cast<uint32_t>(v);
}
uint32_t hi32(uint64_t v) {
  return static_cast<uint32_t>(v >> 32);
}

void set_reg(Out& out, const PacketDesc& d, uint32_t base, uint32_t end, uint32_t reg,
             std::span<const uint32_t> values) {
  AMDRR_REQUIRE(!values.empty() && reg >= base && reg + values.size() <= end,
                "register range outside the packet's space");
  Encoder e(out, d, static_cast<uint32_t>(2 + values.size()));
  e.set(d.fields[5], reg - base);  // REG_OFFSET, checked below
  std::copy(values.begin(), values.end(), e.payload().begin());
}
static_assert(kSetShReg.fields[5].name == "REG_OFFSET" &&
              kSetUconfigReg.fields[5].name == "REG_OFFSET");

}  // namespace

void nop(Out& out, uint32_t payload_dwords) {
  Encoder(out, kNop, 1 + payload_dwords);
}

void set_sh_reg(Out& out, uint32_t reg, std::span<const uint32_t> values) {
  set_reg(out, kSetShReg, kShRegBase, kShRegEnd, reg, values);
}

void set_uconfig_reg(Out& out, uint32_t reg, std::span<const uint32_t> values) {
  set_reg(out, kSetUconfigReg, kUconfigRegBase, kUconfigRegEnd, reg, values);
}

void write_data(Out& out, const WriteData& a, std::span<const uint32_t> data) {
  static constexpr const PacketDesc& d = kWriteData;
  AMDRR_REQUIRE(!data.empty(), "WRITE_DATA needs data");
  Encoder e(out, d, static_cast<uint32_t>(4 + data.size()));
  e.set(field_id(d, "DST_SEL"), a.dst_sel)
      .set(field_id(d, "ADDR_INCR"), a.addr_incr_off)
      .set(field_id(d, "WR_CONFIRM"), a.wr_confirm)
      .set(field_id(d, "CACHE_POLICY"), a.cache_policy)
      .set(field_id(d, "ENGINE_SEL"), a.engine_sel)
      .set64(field_id(d, "DST_ADDR_LO"), field_id(d, "DST_ADDR_HI"), a.addr);
  std::copy(data.begin(), data.end(), e.payload().begin());
}

namespace {
Encoder wait_common(Out& out, const WaitRegMem& a, uint32_t mem_space, uint32_t operation) {
  static constexpr const PacketDesc& d = kWaitRegMem;
  Encoder e(out, d);
  e.set(field_id(d, "FUNCTION"), a.function)
      .set(field_id(d, "MEM_SPACE"), mem_space)
      .set(field_id(d, "OPERATION"), operation)
      .set(field_id(d, "ENGINE"), a.engine)
      .set(field_id(d, "CACHE_POLICY"), a.cache_policy)
      .set(field_id(d, "REFERENCE"), a.reference)
      .set(field_id(d, "MASK"), a.mask)
      .set(field_id(d, "POLL_INTERVAL"), a.poll_interval);
  return e;
}
}  // namespace

void wait_reg_mem_memory(Out& out, uint64_t addr, const WaitRegMem& a) {
  AMDRR_REQUIRE(addr % 4 == 0, "WAIT_REG_MEM polls a dword-aligned address");
  wait_common(out, a, 1, 0)
      .set64(field_id(kWaitRegMem, "POLL_ADDRESS_LO"), field_id(kWaitRegMem, "POLL_ADDRESS_HI"),
             addr);
}

void wait_reg_mem_register(Out& out, uint32_t reg, const WaitRegMem& a, uint32_t write_reg,
                           bool write_then_wait) {
  wait_common(out, a, 0, write_then_wait ? 1 : 0)
      .set(field_id(kWaitRegMem, "POLL_ADDRESS_LO"), reg)
      .set(field_id(kWaitRegMem, "POLL_ADDRESS_HI"), write_reg);
}

namespace {
// GFX9 ids: the GFX11 entry has the same names (the Encoder matches by name).
void release_tail(Encoder& e, const ReleaseMemCommon& a) {
  e.set(field_id(kReleaseMemGfx9, "EVENT_TYPE"), a.event_type)
      .set(field_id(kReleaseMemGfx9, "EVENT_INDEX"), a.event_index)
      .set(field_id(kReleaseMemGfx9, "CACHE_POLICY"), a.cache_policy)
      .set(field_id(kReleaseMemGfx9, "DST_SEL"), a.dst_sel)
      .set(field_id(kReleaseMemGfx9, "INT_SEL"), a.int_sel)
      .set(field_id(kReleaseMemGfx9, "DATA_SEL"), a.data_sel)
      .set64(field_id(kReleaseMemGfx9, "ADDRESS_LO"), field_id(kReleaseMemGfx9, "ADDRESS_HI"),
             a.addr)
      .set64(field_id(kReleaseMemGfx9, "DATA_LO"), field_id(kReleaseMemGfx9, "DATA_HI"), a.data)
      .set(field_id(kReleaseMemGfx9, "INT_CTXID"), a.int_ctxid);
}
}  // namespace

void release_mem(Out& out, const ReleaseMemGfx9& a) {
  static constexpr const PacketDesc& d = kReleaseMemGfx9;
  Encoder e(out, d);
  release_tail(e, a);
  e.set(field_id(d, "TCL1_VOL_ACTION_ENA"), a.tcl1_vol_action)
      .set(field_id(d, "TC_VOL_ACTION_ENA"), a.tc_vol_action)
      .set(field_id(d, "TC_WB_ACTION_ENA"), a.tc_wb_action)
      .set(field_id(d, "TCL1_ACTION_ENA"), a.tcl1_action)
      .set(field_id(d, "TC_ACTION_ENA"), a.tc_action)
      .set(field_id(d, "TC_NC_ACTION_ENA"), a.tc_nc_action)
      .set(field_id(d, "TC_WC_ACTION_ENA"), a.tc_wc_action)
      .set(field_id(d, "TC_MD_ACTION_ENA"), a.tc_md_action)
      .set(field_id(d, "EXEC"), a.exec);
}

void release_mem(Out& out, const ReleaseMemGfx11& a) {
  static constexpr const PacketDesc& d = kReleaseMemGfx11;
  Encoder e(out, d);
  release_tail(e, a);
  e.set(field_id(d, "GCR_GLM_WB"), a.glm_wb)
      .set(field_id(d, "GCR_GLM_INV"), a.glm_inv)
      .set(field_id(d, "GCR_GLV_INV"), a.glv_inv)
      .set(field_id(d, "GCR_GL1_INV"), a.gl1_inv)
      .set(field_id(d, "GCR_GL2_US"), a.gl2_us)
      .set(field_id(d, "GCR_GL2_RANGE"), a.gl2_range)
      .set(field_id(d, "GCR_GL2_DISCARD"), a.gl2_discard)
      .set(field_id(d, "GCR_GL2_INV"), a.gl2_inv)
      .set(field_id(d, "GCR_GL2_WB"), a.gl2_wb)
      .set(field_id(d, "GCR_SEQ"), a.seq)
      .set(field_id(d, "EXECUTE"), a.execute);
}

namespace {
void acquire_range(Encoder& e, const AcquireMemRange& a) {
  // GFX9 ids; the GFX11 entry has the same names.
  e.set(field_id(kAcquireMemGfx9, "COHER_SIZE"), lo32(a.size))
      .set(field_id(kAcquireMemGfx9, "COHER_SIZE_HI"), hi32(a.size))
      .set(field_id(kAcquireMemGfx9, "COHER_BASE_LO"), lo32(a.base))
      .set(field_id(kAcquireMemGfx9, "COHER_BASE_HI"), hi32(a.base))
      .set(field_id(kAcquireMemGfx9, "POLL_INTERVAL"), a.poll_interval);
}
}  // namespace

void acquire_mem(Out& out, const AcquireMemGfx9& a) {
  static constexpr const PacketDesc& d = kAcquireMemGfx9;
  Encoder e(out, d);
  acquire_range(e, a);
  e.set(field_id(d, "TC_NC_ACTION_ENA"), a.tc_nc_action)
      .set(field_id(d, "TC_WC_ACTION_ENA"), a.tc_wc_action)
      .set(field_id(d, "TC_INV_METADATA_ACTION_ENA"), a.tc_inv_metadata_action)
      .set(field_id(d, "TCL1_VOL_ACTION_ENA"), a.tcl1_vol_action)
      .set(field_id(d, "TC_WB_ACTION_ENA"), a.tc_wb_action)
      .set(field_id(d, "TCL1_ACTION_ENA"), a.tcl1_action)
      .set(field_id(d, "TC_ACTION_ENA"), a.tc_action)
      .set(field_id(d, "CB_ACTION_ENA"), a.cb_action)
      .set(field_id(d, "DB_ACTION_ENA"), a.db_action)
      .set(field_id(d, "SH_KCACHE_ACTION_ENA"), a.sh_kcache_action)
      .set(field_id(d, "SH_KCACHE_VOL_ACTION_ENA"), a.sh_kcache_vol_action)
      .set(field_id(d, "SH_ICACHE_ACTION_ENA"), a.sh_icache_action)
      .set(field_id(d, "SH_KCACHE_WB_ACTION_ENA"), a.sh_kcache_wb_action)
      .set(field_id(d, "ENGINE_SEL"), a.engine_sel);
}

void acquire_mem(Out& out, const AcquireMemGfx11& a) {
  static constexpr const PacketDesc& d = kAcquireMemGfx11;
  Encoder e(out, d);
  acquire_range(e, a);
  e.set(field_id(d, "GCR_GLI_INV"), a.gli_inv)
      .set(field_id(d, "GCR_GL1_RANGE"), a.gl1_range)
      .set(field_id(d, "GCR_GLM_WB"), a.glm_wb)
      .set(field_id(d, "GCR_GLM_INV"), a.glm_inv)
      .set(field_id(d, "GCR_GLK_WB"), a.glk_wb)
      .set(field_id(d, "GCR_GLK_INV"), a.glk_inv)
      .set(field_id(d, "GCR_GLV_INV"), a.glv_inv)
      .set(field_id(d, "GCR_GL1_INV"), a.gl1_inv)
      .set(field_id(d, "GCR_GL2_US"), a.gl2_us)
      .set(field_id(d, "GCR_GL2_RANGE"), a.gl2_range)
      .set(field_id(d, "GCR_GL2_DISCARD"), a.gl2_discard)
      .set(field_id(d, "GCR_GL2_INV"), a.gl2_inv)
      .set(field_id(d, "GCR_GL2_WB"), a.gl2_wb)
      .set(field_id(d, "GCR_SEQ"), a.seq)
      .set(field_id(d, "GCR_RANGE_IS_PA"), a.range_is_pa);
}

void event_write(Out& out, uint32_t event_type, uint32_t event_index) {
  static constexpr const PacketDesc& d = kEventWrite;
  Encoder(out, d, 2)
      .set(field_id(d, "EVENT_TYPE"), event_type)
      .set(field_id(d, "EVENT_INDEX"), event_index);
}

void event_write(Out& out, uint32_t event_type, uint32_t event_index, uint64_t addr) {
  static constexpr const PacketDesc& d = kEventWrite;
  AMDRR_REQUIRE(addr % 8 == 0, "EVENT_WRITE address is 8-byte aligned");
  Encoder(out, d, 4)
      .set(field_id(d, "EVENT_TYPE"), event_type)
      .set(field_id(d, "EVENT_INDEX"), event_index)
      .set64(field_id(d, "ADDRESS_LO"), field_id(d, "ADDRESS_HI"), addr);
}

void copy_data(Out& out, const CopyData& a) {
  static constexpr const PacketDesc& d = kCopyData;
  Encoder(out, d)
      .set(field_id(d, "SRC_SEL"), a.src_sel)
      .set(field_id(d, "DST_SEL"), a.dst_sel)
      .set(field_id(d, "SRC_CACHE_POLICY"), a.src_cache_policy)
      .set(field_id(d, "COUNT_SEL"), a.count_64)
      .set(field_id(d, "WR_CONFIRM"), a.wr_confirm)
      .set(field_id(d, "DST_CACHE_POLICY"), a.dst_cache_policy)
      .set(field_id(d, "ENGINE_SEL"), a.engine_sel)
      .set64(field_id(d, "SRC_ADDR_LO"), field_id(d, "SRC_ADDR_HI"), a.src)
      .set64(field_id(d, "DST_ADDR_LO"), field_id(d, "DST_ADDR_HI"), a.dst);
}

uint64_t dma_data(Out& out, Pm4Family family, const DmaData& a) {
  const PacketDesc* d = find_kind(pm4_table(family), Kind::kPm4DmaData);
  AMDRR_ASSERT(d != nullptr, "every PM4 family has DMA_DATA");
  constexpr FieldId kCount = field_id(kDmaDataGfx9, "BYTE_COUNT");
  Encoder e(out, *d);
  // The limit is the entry's BYTE_COUNT width: the table decides, not a gfx check.
  const uint64_t covered = std::min<uint64_t>(a.bytes, d->fields[kCount.index].mask());
  e.set(kCount, static_cast<uint32_t>(covered))
      .set(field_id(kDmaDataGfx9, "ENGINE_SEL"), a.engine_sel)
      .set(field_id(kDmaDataGfx9, "DST_SEL"), a.dst_sel)
      .set(field_id(kDmaDataGfx9, "SRC_SEL"), a.src_sel)
      .set(field_id(kDmaDataGfx9, "CP_SYNC"), a.cp_sync)
      .set(field_id(kDmaDataGfx9, "RAW_WAIT"), a.raw_wait)
      .set64(field_id(kDmaDataGfx9, "SRC_ADDR_LO_OR_DATA"), field_id(kDmaDataGfx9, "SRC_ADDR_HI"),
             a.src)
      .set64(field_id(kDmaDataGfx9, "DST_ADDR_LO"), field_id(kDmaDataGfx9, "DST_ADDR_HI"), a.dst);
  return covered;
}

void atomic_mem(Out& out, const AtomicMem& a) {
  static constexpr const PacketDesc& d = kAtomicMem;
  Encoder(out, d)
      .set(field_id(d, "ATOMIC"), a.atomic)
      .set(field_id(d, "COMMAND"), a.command)
      .set(field_id(d, "CACHE_POLICY"), a.cache_policy)
      .set(field_id(d, "ENGINE_SEL"), a.engine_sel)
      .set64(field_id(d, "ADDR_LO"), field_id(d, "ADDR_HI"), a.addr)
      .set64(field_id(d, "SRC_DATA_LO"), field_id(d, "SRC_DATA_HI"), a.src)
      .set64(field_id(d, "CMP_DATA_LO"), field_id(d, "CMP_DATA_HI"), a.cmp)
      .set(field_id(d, "LOOP_INTERVAL"), a.loop_interval);
}

namespace {
void fill_ib(Encoder& e, const IndirectBuffer& a) {
  static constexpr const PacketDesc& d = kIndirectBuffer;
  AMDRR_REQUIRE(a.addr % 4 == 0, "IB base is dword aligned");
  e.set64(field_id(d, "IB_BASE_LO"), field_id(d, "IB_BASE_HI"), a.addr)
      .set(field_id(d, "IB_SIZE"), a.size_dwords)
      .set(field_id(d, "CHAIN"), a.chain)
      .set(field_id(d, "VALID"), a.valid)
      .set(field_id(d, "VMID"), a.vmid)
      .set(field_id(d, "CACHE_POLICY"), a.cache_policy)
      .set(field_id(d, "PRIV"), a.priv);
}
}  // namespace

void indirect_buffer(Out& out, const IndirectBuffer& a) {
  Encoder e(out, kIndirectBuffer);
  fill_ib(e, a);
}

void indirect_buffer(std::span<uint32_t> out, const IndirectBuffer& a) {
  Encoder e(out, kIndirectBuffer);
  fill_ib(e, a);
}

void dispatch_direct(Out& out, uint32_t x, uint32_t y, uint32_t z, uint32_t initiator) {
  static constexpr const PacketDesc& d = kDispatchDirect;
  Encoder(out, d)
      .set(field_id(d, "DIM_X"), x)
      .set(field_id(d, "DIM_Y"), y)
      .set(field_id(d, "DIM_Z"), z)
      .set(field_id(d, "DISPATCH_INITIATOR"), initiator);
}

}  // namespace amdrr::pkt::pm4

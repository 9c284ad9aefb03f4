#pragma once
// PM4 builders: typed arguments in, dwords appended to `out`. Every bit
// position comes from pm4_table.h through the Encoder.

#include <cstdint>
#include <span>
#include <vector>

#include "lib/pkt/families.h"

namespace amdrr::pkt::pm4 {

using Out = std::vector<uint32_t>;

/// NOP with `payload_dwords` ignored dwords; 0 gives the header-only NOP.
void nop(Out& out, uint32_t payload_dwords = 0);

/// Writes `values` to consecutive registers from absolute dword address `reg`.
void set_sh_reg(Out& out, uint32_t reg, std::span<const uint32_t> values);
void set_uconfig_reg(Out& out, uint32_t reg, std::span<const uint32_t> values);

struct WriteData {
  uint32_t dst_sel = 5;  // MEMORY
  uint64_t addr = 0;     // byte address (dword aligned), or register offset
  bool wr_confirm = true;
  bool addr_incr_off = false;  // ADDR_INCR=1: every dword to the same address
  uint32_t cache_policy = 0;
  uint32_t engine_sel = 0;
};
void write_data(Out& out, const WriteData& a, std::span<const uint32_t> data);

struct WaitRegMem {
  uint32_t function = 3;  // EQUAL
  uint32_t reference = 0;
  uint32_t mask = 0xFFFFFFFF;
  uint32_t poll_interval = 0x4;
  uint32_t engine = 0;  // ME
  uint32_t cache_policy = 0;
};
/// Memory form: waits until (mem[addr] & mask) FUNCTION reference.
void wait_reg_mem_memory(Out& out, uint64_t addr, const WaitRegMem& a);
/// Register form; with `write_reg` set, OPERATION=WR_WAIT_WR_REG writes
/// `write_reg` first, then polls `reg` (HDP-flush recipe).
void wait_reg_mem_register(Out& out, uint32_t reg, const WaitRegMem& a, uint32_t write_reg = 0,
                           bool write_then_wait = false);

struct ReleaseMemCommon {
  uint32_t event_type = 0x14;  // CACHE_FLUSH_AND_INV_TS_EVENT
  uint32_t event_index = 5;    // END_OF_PIPE
  uint32_t dst_sel = 0;        // MEMORY_CONTROLLER
  uint32_t int_sel = 0;
  uint32_t data_sel = 1;  // SEND_32_BIT_LOW
  uint64_t addr = 0;
  uint64_t data = 0;
  uint32_t int_ctxid = 0;
  uint32_t cache_policy = 0;
};
struct ReleaseMemGfx9 : ReleaseMemCommon {
  bool tcl1_vol_action = false, tc_vol_action = false, tc_wb_action = false;
  bool tcl1_action = false, tc_action = false, tc_nc_action = false, tc_wc_action = false;
  bool tc_md_action = false, exec = false;
};
struct ReleaseMemGfx11 : ReleaseMemCommon {
  bool glm_wb = false, glm_inv = false, glv_inv = false, gl1_inv = false, gl2_us = false;
  bool gl2_range = false, gl2_discard = false, gl2_inv = false, gl2_wb = false, seq = false;
  bool execute = false;
};
void release_mem(Out& out, const ReleaseMemGfx9& a);
void release_mem(Out& out, const ReleaseMemGfx11& a);

// Raw COHER_BASE (56 bits) and COHER_SIZE (40 bits) in the CP's units
// (UNVERIFIED: 256 bytes); the default is the kernel's whole-range flush.
struct AcquireMemRange {
  uint64_t base = 0;
  uint64_t size = 0xFFFFFFFFFFull;
  uint32_t poll_interval = 0x0A;  // kernel value
};
struct AcquireMemGfx9 : AcquireMemRange {
  bool tc_nc_action = false, tc_wc_action = false, tc_inv_metadata_action = false;
  bool tcl1_vol_action = false, tc_wb_action = false, tcl1_action = false, tc_action = false;
  bool cb_action = false, db_action = false, sh_kcache_action = false;
  bool sh_kcache_vol_action = false, sh_icache_action = false, sh_kcache_wb_action = false;
  bool engine_sel = false;
};
struct AcquireMemGfx11 : AcquireMemRange {
  uint32_t gli_inv = 0, gl1_range = 0, gl2_range = 0, seq = 0;
  bool glm_wb = false, glm_inv = false, glk_wb = false, glk_inv = false, glv_inv = false;
  bool gl1_inv = false, gl2_us = false, gl2_discard = false, gl2_inv = false, gl2_wb = false;
  bool range_is_pa = false;
};
void acquire_mem(Out& out, const AcquireMemGfx9& a);
void acquire_mem(Out& out, const AcquireMemGfx11& a);

/// EVENT_WRITE without an address (e.g. CS_PARTIAL_FLUSH, index 4) ...
void event_write(Out& out, uint32_t event_type, uint32_t event_index);
/// ... and with one (timestamp / sample events).
void event_write(Out& out, uint32_t event_type, uint32_t event_index, uint64_t addr);

struct CopyData {
  uint32_t src_sel = 1;  // MEMORY
  uint32_t dst_sel = 5;  // MEMORY
  uint64_t src = 0;      // address, register, or immediate data
  uint64_t dst = 0;
  bool count_64 = false;
  bool wr_confirm = true;
  uint32_t src_cache_policy = 0, dst_cache_policy = 0, engine_sel = 0;
};
void copy_data(Out& out, const CopyData& a);

struct DmaData {
  uint32_t src_sel = 0;  // SRC_ADDR_USING_SAS (2 = immediate DATA in src)
  uint32_t dst_sel = 0;  // DST_ADDR_USING_DAS
  uint64_t src = 0;
  uint64_t dst = 0;
  uint64_t bytes = 0;
  bool cp_sync = true;
  bool raw_wait = false;
  uint32_t engine_sel = 0;
};
/// Emits one DMA_DATA covering at most the family's BYTE_COUNT limit; returns
/// the bytes covered so the caller loops (mesa ac_emit_cp_dma style).
uint64_t dma_data(Out& out, Pm4Family family, const DmaData& a);

struct AtomicMem {
  uint32_t atomic = 0x2F;  // ADD_RTN_64 (TC_OP)
  uint32_t command = 0;    // SINGLE_PASS_ATOMIC
  uint64_t addr = 0;
  uint64_t src = 0;
  uint64_t cmp = 0;
  uint32_t loop_interval = 0;
  uint32_t cache_policy = 0, engine_sel = 0;
};
void atomic_mem(Out& out, const AtomicMem& a);

struct IndirectBuffer {
  uint64_t addr = 0;  // dword aligned
  uint32_t size_dwords = 0;
  uint32_t vmid = 0;
  bool chain = false;
  bool valid = true;  // compute/user queues need it
  uint32_t cache_policy = 0;
  bool priv = false;
};
void indirect_buffer(Out& out, const IndirectBuffer& a);
/// Same packet into 4 caller dwords (the AQL PM4-IB vendor packet embeds it).
void indirect_buffer(std::span<uint32_t> out, const IndirectBuffer& a);

void dispatch_direct(Out& out, uint32_t x, uint32_t y, uint32_t z, uint32_t initiator);

}  // namespace amdrr::pkt::pm4

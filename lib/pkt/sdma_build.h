#pragma once
// SDMA builders: typed arguments in, dwords appended to `out`. Copy and fill
// cover at most the version's limit and return the bytes covered; the caller
// loops (mesa ac_emit_sdma_constant_fill, tinygrad AMDCopyQueue.copy).

#include <cstdint>
#include <span>
#include <vector>

#include "lib/pkt/families.h"

namespace amdrr::pkt::sdma {

using Out = std::vector<uint32_t>;

/// Burst NOP: one header plus `skip_dwords` dwords the engine ignores.
void nop(Out& out, uint32_t skip_dwords = 0);
uint64_t copy_linear(Out& out, SdmaVersion version, uint64_t dst, uint64_t src, uint64_t bytes);
/// Dword fill (FILLSIZE=DWORD); `bytes` must be a multiple of 4.
uint64_t constant_fill(Out& out, SdmaVersion version, uint64_t dst, uint32_t value, uint64_t bytes);
/// WRITE_UNTILED (linear write) of 1 .. 2^20 dwords.
void write_untiled(Out& out, uint64_t dst, std::span<const uint32_t> data);
void fence(Out& out, SdmaVersion version, uint64_t addr, uint32_t value);
/// Raises an interrupt carrying the 28-bit context (KFD event id).
void trap(Out& out, uint32_t int_context);

struct PollRegmem {
  bool mem_poll = true;
  uint64_t addr = 0;  // memory address, or register in the low dword
  uint32_t value = 0;
  uint32_t mask = 0xFFFFFFFF;
  uint32_t func = 3;  // EQUAL
  uint32_t interval = 10;
  uint32_t retry_count = 0xFFF;  // forever
  bool hdp_flush = false;
};
void poll_regmem(Out& out, const PollRegmem& a);
/// Writes the 64-bit global timestamp to an 8-byte aligned address.
void timestamp_get_global(Out& out, uint64_t addr);

struct Atomic {
  uint32_t op = 0x2F;  // ADD_RTN_64 (TC_OP)
  uint64_t addr = 0;
  uint64_t src = 0;
  uint64_t cmp = 0;
  bool loop = false;
  uint32_t loop_interval = 0;
};
void atomic(Out& out, const Atomic& a);
void indirect(Out& out, uint64_t ib_addr, uint32_t size_dwords, uint32_t vmid = 0,
              uint64_t csa_addr = 0);

}  // namespace amdrr::pkt::sdma

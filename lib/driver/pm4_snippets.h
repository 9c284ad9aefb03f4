#pragma once
// PM4 command snippets shared by the queues that run PM4: a compute queue's
// ring, or an IB that an AQL queue runs through its PM4-IB vendor packet.
// Each appends whole packets built by lib/pkt to `out`.

#include <cstdint>
#include <vector>

#include "lib/pkt/families.h"

namespace amdrr {

class EventSet;

namespace pm4_snippets {

// RELEASE_MEM DATA_SEL / INT_SEL values [S-SOC15D].
inline constexpr uint32_t kDataSel32 = 1;
inline constexpr uint32_t kDataSel64 = 2;
inline constexpr uint32_t kDataSelGpuClock = 3;
inline constexpr uint32_t kIntSelNone = 0;
inline constexpr uint32_t kIntSelAfterWriteConfirm = 2;

/// End-of-pipe RELEASE_MEM with L2 written back, so the CPU and other
/// engines see everything the queue wrote before `data` lands at `addr`.
void release_mem(std::vector<uint32_t>& out, pkt::Pm4Family family, uint32_t data_sel,
                 uint32_t int_sel, uint64_t addr, uint64_t data, uint32_t int_ctxid = 0);

/// A timeline signal: the 64-bit value, then the mailbox write and the
/// interrupt that wake CPU waiters sleeping on the signal event [S-EVT].
void signal(std::vector<uint32_t>& out, pkt::Pm4Family family, uint64_t value_va, uint64_t value,
            const EventSet& events);

/// WAIT_REG_MEM on memory: holds the CP until the low 32 bits at `value_va`
/// are >= value's (the Signal wrap rule).
void wait_at_least(std::vector<uint32_t>& out, uint64_t value_va, uint64_t value);

}  // namespace pm4_snippets
}  // namespace amdrr

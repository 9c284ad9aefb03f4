#include "lib/driver/pm4_snippets.h"

#include "lib/driver/events.h"
#include "lib/pkt/pm4_build.h"

namespace amdrr::pm4_snippets {
namespace {

constexpr uint32_t kWaitGreaterEqual = 5;  // WAIT_REG_MEM FUNCTION ">="

}  // namespace

void release_mem(std::vector<uint32_t>& out, pkt::Pm4Family family, uint32_t data_sel,
                 uint32_t int_sel, uint64_t addr, uint64_t data, uint32_t int_ctxid) {
  // UNVERIFIED: the exact cache-action set ROCR uses per generation.
  if (family == pkt::Pm4Family::kGfx9) {
    pkt::pm4::ReleaseMemGfx9 r;
    r.data_sel = data_sel;
    r.int_sel = int_sel;
    r.addr = addr;
    r.data = data;
    r.int_ctxid = int_ctxid;
    r.tc_action = r.tc_wb_action = true;
    pkt::pm4::release_mem(out, r);
  } else {
    pkt::pm4::ReleaseMemGfx11 r;
    r.data_sel = data_sel;
    r.int_sel = int_sel;
    r.addr = addr;
    r.data = data;
    r.int_ctxid = int_ctxid;
    r.gl2_wb = true;
    pkt::pm4::release_mem(out, r);
  }
}

void signal(std::vector<uint32_t>& out, pkt::Pm4Family family, uint64_t value_va, uint64_t value,
            const EventSet& events) {
  release_mem(out, family, kDataSel64, kIntSelNone, value_va, value);
  // KFD sets the event only if its mailbox slot was written [S-EVT].
  release_mem(out, family, kDataSel32, kIntSelAfterWriteConfirm, events.mailbox_va(),
              events.signal_event_id(), events.signal_event_id());
}

void wait_at_least(std::vector<uint32_t>& out, uint64_t value_va, uint64_t value) {
  pkt::pm4::WaitRegMem w;
  w.function = kWaitGreaterEqual;
  w.reference = static_cast<uint32_t>(value);
  pkt::pm4::wait_reg_mem_memory(out, value_va, w);
}

}  // namespace amdrr::pm4_snippets

#include "lib/driver/compute_queue.h"

#include "lib/driver/device.h"
#include "lib/driver/error.h"
#include "lib/driver/signal.h"
#include "lib/driver/system.h"
#include "lib/pkt/pm4_build.h"

namespace amdrr {
namespace {

// RELEASE_MEM DATA_SEL / INT_SEL values [S-SOC15D].
constexpr uint32_t kDataSel32 = 1;
constexpr uint32_t kDataSel64 = 2;
constexpr uint32_t kDataSelGpuClock = 3;
constexpr uint32_t kIntSelNone = 0;
constexpr uint32_t kIntSelAfterWriteConfirm = 2;
constexpr uint32_t kWaitGreaterEqual = 5;  // WAIT_REG_MEM FUNCTION ">="

}  // namespace

std::unique_ptr<ComputeQueue> ComputeQueue::create(Device& device, const QueueOptions& options) {
  std::unique_ptr<ComputeQueue> q(new ComputeQueue(device, options));
  const gpu::GpuTarget& t = device.target();
  // The kernel wants an EOP buffer and a context-save area of exactly the
  // topology's sizes for compute queues [S-QUE].
  q->eop_ = device.alloc(t.eop_buffer_size, Memory::kVram, "EOP buffer");
  uint32_t ctx_size = t.cwsr.cwsr_size;
  q->cwsr_ = device.alloc(t.cwsr.bo_size(ctx_size, t.num_xcc), Memory::kVram, "context save");
  kmd::CreateQueueArgs args;
  args.queue_type = kmd::QueueType::kCompute;
  args.eop_buffer_address = q->eop_.va();
  args.eop_buffer_size = t.eop_buffer_size;
  args.ctx_save_restore_address = q->cwsr_.va();
  args.ctx_save_restore_size = ctx_size;
  args.ctl_stack_size = t.cwsr.ctl_stack_size;
  q->create_kfd_queue(args);
  return q;
}

ComputeQueue::ComputeQueue(Device& device, const QueueOptions& options)
    : Queue(device, QueueKind::kPm4, options), family_(device.target().pm4_family) {}

ComputeQueue& ComputeQueue::write(uint64_t va, std::span<const uint32_t> dwords) {
  require_live("write");
  if (va % 4 != 0 || dwords.empty()) throw Error("write needs a dword-aligned address and data");
  pkt::pm4::WriteData w;
  w.addr = va;
  pkt::pm4::write_data(pending_, w, dwords);
  return *this;
}

void ComputeQueue::release_mem(uint32_t data_sel, uint32_t int_sel, uint64_t addr, uint64_t data,
                               uint32_t int_ctxid) {
  // End-of-pipe release with L2 written back, so the CPU and other engines
  // see everything the queue wrote before the value (UNVERIFIED: the exact
  // cache-action set ROCR uses per generation).
  if (family_ == pkt::Pm4Family::kGfx9) {
    pkt::pm4::ReleaseMemGfx9 r;
    r.data_sel = data_sel;
    r.int_sel = int_sel;
    r.addr = addr;
    r.data = data;
    r.int_ctxid = int_ctxid;
    r.tc_action = r.tc_wb_action = true;
    pkt::pm4::release_mem(pending_, r);
  } else {
    pkt::pm4::ReleaseMemGfx11 r;
    r.data_sel = data_sel;
    r.int_sel = int_sel;
    r.addr = addr;
    r.data = data;
    r.int_ctxid = int_ctxid;
    r.gl2_wb = true;
    pkt::pm4::release_mem(pending_, r);
  }
}

ComputeQueue& ComputeQueue::signal(const Signal& signal, uint64_t value) {
  require_live("signal");
  reach(signal.memory());
  EventSet& events = device_.system().events();
  release_mem(kDataSel64, kIntSelNone, signal.value_address(), value, 0);
  // The interrupt: the event id into its mailbox slot, then the interrupt
  // carrying it; KFD sets the event only if the slot was written [S-EVT].
  release_mem(kDataSel32, kIntSelAfterWriteConfirm, events.mailbox_va(), events.signal_event_id(),
              events.signal_event_id());
  return *this;
}

ComputeQueue& ComputeQueue::wait(const Signal& signal, uint64_t value) {
  require_live("wait");
  reach(signal.memory());
  pkt::pm4::WaitRegMem w;
  w.function = kWaitGreaterEqual;
  w.reference = static_cast<uint32_t>(value);
  pkt::pm4::wait_reg_mem_memory(pending_, signal.value_address(), w);
  return *this;
}

ComputeQueue& ComputeQueue::timestamp(uint64_t va) {
  require_live("timestamp");
  if (va % 8 != 0) throw Error("timestamp address must be 8-byte aligned");
  release_mem(kDataSelGpuClock, kIntSelNone, va, 0, 0);
  return *this;
}

}  // namespace amdrr

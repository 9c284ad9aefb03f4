#include "lib/driver/compute_queue.h"

#include "lib/driver/device.h"
#include "lib/driver/error.h"
#include "lib/driver/pm4_snippets.h"
#include "lib/driver/signal.h"
#include "lib/driver/system.h"
#include "lib/pkt/aql_build.h"
#include "lib/pkt/pm4_build.h"
#include "lib/pkt/pm4_regs.h"

namespace amdrr {
namespace {

// kernel_code_properties enable bits [S-KD], in user-SGPR order [S-USAGE].
constexpr uint16_t kPrivateSegmentBuffer = 1u << 0;
constexpr uint16_t kDispatchPtr = 1u << 1;
constexpr uint16_t kQueuePtr = 1u << 2;
constexpr uint16_t kKernargSegmentPtr = 1u << 3;
constexpr uint16_t kDispatchId = 1u << 4;
constexpr uint16_t kFlatScratchInit = 1u << 5;
constexpr uint16_t kPrivateSegmentSize = 1u << 6;

// DISPATCH_INITIATOR: COMPUTE_SHADER_EN | FORCE_START_AT_000 [S-REGS].
constexpr uint32_t kInitiator = (1u << 0) | (1u << 2);
// EVENT_WRITE CS_PARTIAL_FLUSH, EVENT_INDEX 4 [S-SOC15D].
constexpr uint32_t kCsPartialFlush = 7;
// RSRC2.LDS_SIZE granularity on GFX9: 128 dwords.
constexpr uint32_t kLdsGranuleBytes = 512;

constexpr uint64_t kKernargArenaBytes = 256 * 1024;

void push64(std::vector<uint32_t>& v, uint64_t x) {
  v.push_back(static_cast<uint32_t>(x));
  v.push_back(static_cast<uint32_t>(x >> 32));
}

}  // namespace

std::unique_ptr<ComputeQueue> ComputeQueue::create(Device& device, const QueueOptions& options) {
  std::unique_ptr<ComputeQueue> q(new ComputeQueue(device, options));
  q->create_compute_kfd_queue(kmd::QueueType::kCompute);
  return q;
}

ComputeQueue::ComputeQueue(Device& device, const QueueOptions& options)
    : Queue(device, QueueKind::kPm4, options),
      family_(device.target().pm4_family),
      regs_(resolve_sh_regs(family_)) {}

ComputeQueue::ShRegs ComputeQueue::resolve_sh_regs(pkt::Pm4Family family) {
  // Looked up once per queue: the dispatch path then writes plain addresses.
  auto addr = [&](const char* name) {
    auto a = pkt::pm4::register_addr(pkt::pm4::sh_registers(family), name);
    if (!a) throw Error(std::string("no register ") + name + " on this GPU generation");
    return *a;
  };
  return ShRegs{addr("COMPUTE_PGM_LO"),          addr("COMPUTE_PGM_RSRC1"),
                addr("COMPUTE_PGM_RSRC3"),       addr("COMPUTE_TMPRING_SIZE"),
                addr("COMPUTE_RESOURCE_LIMITS"), addr("COMPUTE_USER_DATA_0"),
                addr("COMPUTE_START_X"),         addr("COMPUTE_DISPATCH_SCRATCH_BASE_LO")};
}

void ComputeQueue::set_sh(uint32_t reg, std::span<const uint32_t> values) {
  pkt::pm4::set_sh_reg(pending_, reg, values);
}

ComputeQueue& ComputeQueue::dispatch(const KernelHandle& kernel, KernelArgs& args,
                                     const LaunchDims& dims) {
  require_live("dispatch");
  if (dims.dimensions < 1 || dims.dimensions > 3) throw Error("dispatch dimensions must be 1..3");
  uint32_t groups[3] = {1, 1, 1};
  for (uint32_t d = 0; d < 3; ++d) {
    uint32_t wg = d < dims.dimensions ? dims.workgroup[d] : 1;
    uint32_t n = d < dims.dimensions ? dims.grid[d] : 1;
    if (wg == 0 || n == 0 || n % wg != 0) {
      throw Error("dispatch of " + kernel.name + ": grid " + std::to_string(n) + " is not a " +
                  "whole number of workgroups of " + std::to_string(wg) + " in dimension " +
                  std::to_string(d) + " (PM4 queues launch whole workgroups)");
    }
    groups[d] = n / wg;
  }
  const uint32_t private_bytes = kernel.descriptor.private_segment_fixed_size;
  if (private_bytes != 0 && !scratch_.fits(private_bytes)) {
    // Earlier dispatches may still use the old backing: drain them first.
    if (!scratch_.empty()) finish();
    scratch_.grow(device_, private_bytes);
  }
  if (!kernargs_) {
    kernargs_ = std::make_unique<KernargArena>(device_, kKernargArenaBytes);
    progress_ = device_.system().make_signal(0);
  }
  reach(progress_.memory());

  // Kernel arguments, then a dispatch packet as AQL would have it: kernels
  // read their launch shape through the dispatch pointer.
  args.fill_hidden(dims.grid, dims.workgroup, dims.dimensions);
  std::span<const uint8_t> kernarg_bytes = args.bytes();
  uint64_t align = std::max<uint32_t>(16, kernel.metadata->kernarg_segment_align);
  uint64_t kernarg_va =
      kernarg_bytes.empty() ? 0 : kernargs_->push(kernarg_bytes, align, progress_);
  pkt::aql::KernelDispatch pkt;
  pkt.dimensions = dims.dimensions;
  for (int d = 0; d < 3; ++d) {
    pkt.workgroup_size[d] = dims.workgroup[d];
    pkt.grid_size[d] = dims.grid[d];
  }
  pkt.group_segment_size = kernel.descriptor.group_segment_fixed_size;
  pkt.kernel_object = kernel.descriptor_va;
  pkt.kernarg_address = kernarg_va;
  auto packet = pkt::aql::kernel_dispatch(pkt);
  uint64_t packet_va = kernargs_->push(
      {reinterpret_cast<const uint8_t*>(packet.data()), packet.size() * 4}, 64, progress_);

  std::vector<uint32_t> user;
  uint16_t props = kernel.descriptor.kernel_code_properties;
  const bool scratch = private_bytes != 0;
  if (props & kPrivateSegmentBuffer) {
    if (scratch)
      user.insert(user.end(), scratch_.vsharp().begin(), scratch_.vsharp().end());
    else
      user.insert(user.end(), 4, 0u);
  }
  if (props & kDispatchPtr) push64(user, packet_va);
  if (props & kQueuePtr) push64(user, control_.va());
  if (props & kKernargSegmentPtr) push64(user, kernarg_va);
  if (props & kDispatchId) push64(user, 0);
  // GFX9 flat scratch init: the 64-bit address of the queue's backing; the
  // kernel adds its wave's offset (AMDGPUUsage, initial kernel state).
  if (props & kFlatScratchInit) push64(user, scratch ? scratch_.va() : 0);
  if (props & kPrivateSegmentSize) user.push_back(scratch ? scratch_.lane_bytes() : 0);
  if (user.size() > 16) throw Error("kernel " + kernel.name + " asks for more than 16 user SGPRs");

  // Invalidate the shader caches so the kernel sees the CPU's writes.
  pkt::pm4::AcquireMemGfx9 acquire;
  acquire.sh_kcache_action = acquire.sh_icache_action = acquire.tc_action = true;
  acquire.tcl1_action = true;
  if (family_ == pkt::Pm4Family::kGfx9) pkt::pm4::acquire_mem(pending_, acquire);

  uint64_t pgm = kernel.code_va >> 8;
  const uint32_t pgm_regs[] = {static_cast<uint32_t>(pgm), static_cast<uint32_t>(pgm >> 32)};
  set_sh(regs_.pgm_lo, pgm_regs);
  uint32_t rsrc2 = kernel.descriptor.compute_pgm_rsrc2;
  // The CP derives LDS_SIZE from the AQL packet; on PM4 the driver sets it.
  uint32_t lds_granules =
      (kernel.descriptor.group_segment_fixed_size + kLdsGranuleBytes - 1) / kLdsGranuleBytes;
  rsrc2 = (rsrc2 & ~(0x1FFu << 15)) | ((lds_granules & 0x1FF) << 15);
  const uint32_t rsrc[] = {kernel.descriptor.compute_pgm_rsrc1, rsrc2};
  set_sh(regs_.rsrc1, rsrc);
  const uint32_t rsrc3[] = {kernel.descriptor.compute_pgm_rsrc3};
  set_sh(regs_.rsrc3, rsrc3);
  const uint32_t zero[] = {0};
  const uint32_t tmpring[] = {scratch ? scratch_.tmpring_size() : 0};
  set_sh(regs_.tmpring_size, tmpring);
  if (scratch) {
    // Architected flat scratch (gfx942) starts here; UNVERIFIED that
    // gfx90a ignores the register (its kernels use the user SGPRs).
    // UNVERIFIED for several XCCs: each would need its own base (PRED_EXEC).
    const uint64_t base = scratch_.va() >> 8;
    const uint32_t base_regs[] = {static_cast<uint32_t>(base), static_cast<uint32_t>(base >> 32)};
    set_sh(regs_.scratch_base_lo, base_regs);
  }
  set_sh(regs_.resource_limits, zero);
  if (!user.empty()) set_sh(regs_.user_data_0, user);
  const uint32_t shape[] = {0, 0, 0, dims.workgroup[0], dims.workgroup[1], dims.workgroup[2]};
  set_sh(regs_.start_x, shape);
  pkt::pm4::dispatch_direct(pending_, groups[0], groups[1], groups[2], kInitiator);
  pkt::pm4::event_write(pending_, kCsPartialFlush, 4);
  return *this;
}

void ComputeQueue::before_submit() {
  if (kernargs_ && kernargs_->has_unsealed()) {
    pm4_snippets::release_mem(pending_, family_, pm4_snippets::kDataSel64,
                              pm4_snippets::kIntSelNone, progress_.value_address(), ++ticket_);
    kernargs_->seal(ticket_);
  }
}

void ComputeQueue::finish(std::chrono::milliseconds timeout) {
  require_live("finish");
  if (!progress_.memory().valid()) progress_ = device_.system().make_signal(0);
  signal(progress_, ++ticket_);
  if (kernargs_) kernargs_->seal(ticket_);
  submit();
  progress_.wait_at_least(ticket_, timeout);
}

ComputeQueue& ComputeQueue::write(uint64_t va, std::span<const uint32_t> dwords) {
  require_live("write");
  if (va % 4 != 0 || dwords.empty()) throw Error("write needs a dword-aligned address and data");
  pkt::pm4::WriteData w;
  w.addr = va;
  pkt::pm4::write_data(pending_, w, dwords);
  return *this;
}

ComputeQueue& ComputeQueue::signal(const Signal& signal, uint64_t value) {
  require_live("signal");
  reach(signal.memory());
  pm4_snippets::signal(pending_, family_, signal.value_address(), value, device_.system().events());
  return *this;
}

ComputeQueue& ComputeQueue::wait(const Signal& signal, uint64_t value) {
  require_live("wait");
  reach(signal.memory());
  pm4_snippets::wait_at_least(pending_, signal.value_address(), value);
  return *this;
}

ComputeQueue& ComputeQueue::timestamp(uint64_t va) {
  require_live("timestamp");
  if (va % 8 != 0) throw Error("timestamp address must be 8-byte aligned");
  pm4_snippets::release_mem(pending_, family_, pm4_snippets::kDataSelGpuClock,
                            pm4_snippets::kIntSelNone, va, 0);
  return *this;
}

}  // namespace amdrr

#include "tests/fuzz/sim_rig.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace amdrr::fuzz {

namespace af = kmd::alloc_flags;

namespace {
constexpr uint64_t kEopVa = 0x220000000ull;
constexpr uint64_t kCwsrVa = 0x230000000ull;
}  // namespace

SimRig::SimRig(RigQueue kind, bool gfx90a) : kind_(kind) {
  sim::SimProfile profile;
  profile.target = gfx90a ? sim::SimTarget::kGfx90a : sim::SimTarget::kGfx942;
  auto k = sim::SimKfd::create(profile);
  if (!k.ok()) return;
  kfd_ = std::move(*k);
  gpu_id_ = kfd_->topology().gpu_nodes().at(0)->gpu_id;
  if (!kfd_->acquire_vm({-1, gpu_id_}).ok()) return;
  sim::EngineOptions options;
  options.watchdog_ms = 0;
  options.hang_polls = 50;
  options.poll_max_packets = 1u << 14;
  sched_ = std::make_unique<sim::EngineScheduler>(*kfd_, options);
  runner_ = std::make_unique<sim::isa::IsaDispatchRunner>(*kfd_);
  runner_->set_instruction_limit(20000);
  sched_->set_dispatch_runner(runner_.get());

  data_ = alloc(kRigDataVa, kRigDataBytes).host;
  ring_ = alloc(kRigRingVa, kRigRingBytes).host;
  ptrs_ = alloc(kRigPtrsVa, 4096).host;
  if (!data_ || !ring_ || !ptrs_) return;

  if (kind != RigQueue::kSdma) {
    const gpu::GpuTarget& t = *kfd_->target(gpu_id_);
    if (!alloc(kEopVa, t.eop_buffer_size).host) return;
    if (!alloc(kCwsrVa, t.cwsr.bo_size(t.cwsr.cwsr_size, t.num_xcc)).host) return;
  }
  ok_ = create_queue();
}

bool SimRig::create_queue() {
  kmd::CreateQueueArgs a;
  a.ring_base_address = kRigRingVa;
  a.ring_size = kRigRingBytes;
  a.read_pointer_address = kRigPtrsVa;
  a.write_pointer_address = kRigPtrsVa + 8;
  a.gpu_id = gpu_id_;
  switch (kind_) {
    case RigQueue::kPm4:
      a.queue_type = kmd::QueueType::kCompute;
      break;
    case RigQueue::kSdma:
      a.queue_type = kmd::QueueType::kSdma;
      break;
    case RigQueue::kAql:
      a.queue_type = kmd::QueueType::kComputeAql;
      break;
  }
  if (kind_ != RigQueue::kSdma) {
    const gpu::GpuTarget& t = *kfd_->target(gpu_id_);
    a.eop_buffer_address = kEopVa;
    a.eop_buffer_size = t.eop_buffer_size;
    a.ctl_stack_size = t.cwsr.ctl_stack_size;
    a.ctx_save_restore_size = t.cwsr.cwsr_size;
    a.ctx_save_restore_address = kCwsrVa;
  }
  auto q = kfd_->create_queue(a);
  if (!q.ok()) {
    std::fprintf(stderr, "sim_rig: create_queue: %s\n", std::strerror(q.error()));
    return false;
  }
  queue_id_ = q->queue_id;
  return true;
}

bool SimRig::reset() {
  if (!ok_) return false;
  if (!kfd_->destroy_queue(queue_id_).ok()) return ok_ = false;
  std::memset(data_, 0, kRigDataBytes);
  std::memset(ring_, 0, kRigRingBytes);
  std::memset(ptrs_, 0, 4096);
  return ok_ = create_queue();
}

SimRig::~SimRig() {
  if (ok_) (void)kfd_->destroy_queue(queue_id_);
  sched_.reset();
}

SimRig::Mapped SimRig::alloc(uint64_t va, uint64_t size) {
  auto r = kfd_->alloc_memory_of_gpu({va, size, 0, gpu_id_, af::kGtt | af::kWritable});
  if (!r.ok()) return {};
  std::vector<uint32_t> ids{gpu_id_};
  kmd::MapMemoryArgs m{r->handle, ids, 0};
  if (!kfd_->map_memory_to_gpu(m).ok()) return {};
  auto cpu = kfd_->mmap({kmd::MmapDevice::kRenderNode, gpu_id_, r->mmap_offset,
                         (size + 4095) & ~uint64_t{4095}, 0, PROT_READ | PROT_WRITE});
  if (!cpu.ok()) return {};
  return Mapped{r->handle, static_cast<uint8_t*>(cpu->ptr())};
}

void SimRig::run(std::span<const uint8_t> ring) {
  const size_t n = std::min<size_t>(ring.size(), kRigRingBytes);
  std::memcpy(ring_, ring.data(), n);
  uint64_t wptr = 0;
  uint64_t doorbell = 0;
  switch (kind_) {
    case RigQueue::kPm4:
      wptr = doorbell = n / 4;
      break;
    case RigQueue::kSdma:
      wptr = doorbell = n & ~size_t{3};
      break;
    case RigQueue::kAql:
      wptr = (n + 63) / 64;
      if (wptr == 0) return;
      doorbell = wptr - 1;
      break;
  }
  std::memcpy(ptrs_ + 8, &wptr, 8);
  if (!kfd_->write_doorbell(queue_id_, doorbell).ok()) return;
  for (int i = 0; i < 8; ++i) kfd_->poll();
}

std::string SimRig::outcome() const {
  return sim::queue_state_name(sched_->outcome(queue_id_).state);
}

}  // namespace amdrr::fuzz

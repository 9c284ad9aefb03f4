#pragma once
// Drives the emulated engines through SimKfd's Kmd interface, as a driver
// would: BOs mapped for GPU and CPU, CREATE_QUEUE, packets written into the
// ring, write pointer stored, doorbell rung, then waits or polls.

#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstring>
#include <memory>
#include <vector>

#include "lib/sim/engines/scheduler.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr::sim::testing {

namespace af = kmd::alloc_flags;

struct Buf {
  uint64_t va = 0;
  uint64_t handle = 0;
  uint8_t* host = nullptr;
  uint64_t size = 0;
  template <typename T>
  T& at(uint64_t off) {
    return *reinterpret_cast<T*>(host + off);
  }
};

struct TestQueue {
  uint32_t id = 0;
  kmd::QueueType type = kmd::QueueType::kCompute;
  Buf ring;
  // rptr at +0, wptr at +8; AQL: an amd_queue_t (read_dispatch_id at
  // +128, write_dispatch_id at +56), so the engines find its scratch fields.
  Buf ptrs;
  uint64_t rptr_off = 0, wptr_off = 8;
  uint64_t wptr = 0;  // in the queue's units
  uint32_t unit = 4;  // bytes per pointer unit
  uint64_t& rptr_ref() { return ptrs.at<uint64_t>(rptr_off); }
  uint64_t rptr() { return rptr_ref(); }
  void set_wptr(uint64_t v) { ptrs.at<uint64_t>(wptr_off) = v; }
};

class EngineFixture {
 public:
  /// The default options keep the ranges the engines write (take_written).
  static EngineOptions logging() {
    EngineOptions o;
    o.log_writes = true;
    return o;
  }
  explicit EngineFixture(SimProfile profile = {}, EngineOptions options = logging()) {
    auto k = SimKfd::create(profile);
    EXPECT_TRUE(k.ok());
    kfd = std::move(*k);
    for (const gpu::Node* n : kfd->topology().gpu_nodes()) {
      gpus.push_back(n->gpu_id);
      EXPECT_TRUE(kfd->acquire_vm({-1, n->gpu_id}).ok());
    }
    sched = std::make_unique<EngineScheduler>(*kfd, options);
  }

  /// A GTT BO at `va` on GPU `owner`, mapped to `map_on` (default: owner)
  /// and to the CPU.
  Buf alloc(uint64_t size, uint32_t owner = 0, std::vector<uint32_t> map_on = {},
            uint32_t flags = af::kGtt | af::kWritable) {
    const uint64_t va = next_va_;
    next_va_ += (size + 0xFFFF) & ~uint64_t{0xFFFF};
    auto r = kfd->alloc_memory_of_gpu({va, size, 0, gpus[owner], flags});
    EXPECT_TRUE(r.ok());
    std::vector<uint32_t> ids;
    if (map_on.empty()) map_on = {owner};
    for (uint32_t g : map_on) ids.push_back(gpus[g]);
    kmd::MapMemoryArgs m{r->handle, ids, 0};
    EXPECT_TRUE(kfd->map_memory_to_gpu(m).ok());
    auto cpu = kfd->mmap({kmd::MmapDevice::kRenderNode, gpus[owner], r->mmap_offset,
                          (size + 4095) & ~uint64_t{4095}, 0, PROT_READ | PROT_WRITE});
    EXPECT_TRUE(cpu.ok());
    return Buf{va, r->handle, static_cast<uint8_t*>(cpu->ptr()), size};
  }

  TestQueue create_queue(kmd::QueueType type, uint32_t ring_bytes = 4096, uint32_t gpu = 0) {
    TestQueue q;
    q.type = type;
    q.ring = alloc(ring_bytes, gpu);
    q.ptrs = alloc(4096, gpu);
    const bool sdma = type != kmd::QueueType::kCompute && type != kmd::QueueType::kComputeAql;
    q.unit = sdma ? 1 : 4;
    kmd::CreateQueueArgs a;
    a.ring_base_address = q.ring.va;
    a.ring_size = ring_bytes;
    if (type == kmd::QueueType::kComputeAql) {
      q.rptr_off = 128;
      q.wptr_off = 56;
    }
    a.read_pointer_address = q.ptrs.va + q.rptr_off;
    a.write_pointer_address = q.ptrs.va + q.wptr_off;
    a.gpu_id = gpus[gpu];
    a.queue_type = type;
    if (!sdma) {
      const gpu::GpuTarget& t = *kfd->target(gpus[gpu]);
      Buf eop = alloc(t.eop_buffer_size, gpu);
      a.eop_buffer_address = eop.va;
      a.eop_buffer_size = t.eop_buffer_size;
      a.ctl_stack_size = t.cwsr.ctl_stack_size;
      a.ctx_save_restore_size = t.cwsr.cwsr_size;
      Buf cwsr = alloc(t.cwsr.bo_size(t.cwsr.cwsr_size, t.num_xcc), gpu);
      a.ctx_save_restore_address = cwsr.va;
    }
    auto r = kfd->create_queue(a);
    EXPECT_TRUE(r.ok()) << r.error();
    q.id = r->queue_id;
    return q;
  }

  /// Writes dwords at the write pointer (wrapping at the ring end), stores the
  /// new write pointer, and optionally rings the doorbell.
  void write_ring(TestQueue& q, const std::vector<uint32_t>& dw) {
    const uint64_t ring_dwords = q.ring.size / 4;
    uint64_t pos = q.wptr * q.unit / 4;
    for (uint32_t v : dw) q.ring.at<uint32_t>((pos++ % ring_dwords) * 4) = v;
    q.wptr = pos * 4 / q.unit;
    q.set_wptr(q.wptr);
  }
  void ring_doorbell(TestQueue& q) { EXPECT_TRUE(kfd->write_doorbell(q.id, q.wptr).ok()); }
  void submit(TestQueue& q, const std::vector<uint32_t>& dw) {
    write_ring(q, dw);
    ring_doorbell(q);
  }
  /// Lets the GPU run until everything is idle or blocked.
  void settle() {
    for (int i = 0; i < 4; ++i) sched->poll();
  }
  QueueOutcome outcome(const TestQueue& q) { return sched->outcome(q.id); }

  std::unique_ptr<SimKfd> kfd;
  std::unique_ptr<EngineScheduler> sched;
  std::vector<uint32_t> gpus;

 private:
  uint64_t next_va_ = 0x100000000;
};

}  // namespace amdrr::sim::testing

// Limits of the emulated GPU against what a hostile trace or program can ask
// for (docs/RELIABILITY.md lists them all): each is a clear error, never an
// out-of-memory kill or a hang.

#include <gtest/gtest.h>

#include "lib/pkt/pm4_build.h"
#include "lib/sim/sim_kfd.h"
#include "tests/lib/sim/engine_fixture.h"

namespace amdrr::sim {
namespace {

namespace af = kmd::alloc_flags;
using testing::EngineFixture;
using testing::TestQueue;
using Q = kmd::QueueType;

TEST(SimLimits, VramAllocationsPastTheTotalAreEnomemAndFreeingGivesItBack) {
  EngineFixture f;
  const uint64_t vram = f.kfd->topology().find_gpu(f.gpus[0])->vram_size();
  ASSERT_GT(vram, 0u);
  const uint64_t chunk = vram / 2 + 4096;  // two of these do not fit
  auto a = f.kfd->alloc_memory_of_gpu({0x300000000000ull, chunk, 0, f.gpus[0], af::kVram});
  ASSERT_TRUE(a.ok());
  auto b = f.kfd->alloc_memory_of_gpu({0x310000000000ull, chunk, 0, f.gpus[0], af::kVram});
  EXPECT_EQ(b.error(), ENOMEM);
  ASSERT_TRUE(f.kfd->free_memory_of_gpu(a->handle).ok());
  auto c = f.kfd->alloc_memory_of_gpu({0x310000000000ull, chunk, 0, f.gpus[0], af::kVram});
  EXPECT_TRUE(c.ok());
}

// A SimKfd of `gpus` GPUs, each with its VM acquired.
std::unique_ptr<SimKfd> kfd_with_gpus(uint32_t gpus) {
  SimProfile profile;
  profile.num_gpus = gpus;
  auto k = SimKfd::create(profile);
  EXPECT_TRUE(k.ok());
  for (const gpu::Node* n : (*k)->topology().gpu_nodes()) {
    EXPECT_TRUE((*k)->acquire_vm({-1, n->gpu_id}).ok());
  }
  return std::move(*k);
}

uint64_t system_ram(const SimKfd& kfd) {
  uint64_t ram = 0;
  for (const auto& n : kfd.topology().nodes) {
    if (!n.is_gpu()) {
      for (const auto& b : n.mem_banks) ram += b.size_in_bytes();
    }
  }
  return ram;
}

TEST(SimLimits, GttAllocationsShareOneTotalOfHalfTheSystemMemory) {
  auto kfd = kfd_with_gpus(2);
  const uint32_t g0 = kfd->topology().gpu_nodes()[0]->gpu_id;
  const uint32_t g1 = kfd->topology().gpu_nodes()[1]->gpu_id;
  // KFD's TTM limit, half of system RAM, is for all GPUs together: two
  // quarters on two GPUs fill it, one more page does not fit.
  const uint64_t quarter = system_ram(*kfd) / 4;
  ASSERT_GT(quarter, 0u);
  auto a = kfd->alloc_memory_of_gpu({0x300000000000ull, quarter, 0, g0, af::kGtt});
  ASSERT_TRUE(a.ok());
  auto b = kfd->alloc_memory_of_gpu({0x300000000000ull, quarter, 0, g1, af::kGtt});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(kfd->alloc_memory_of_gpu({0x310000000000ull, 4096, 0, g0, af::kGtt}).error(), ENOMEM);
  EXPECT_EQ(kfd->alloc_memory_of_gpu({0x310000000000ull, 4096, 0, g1, af::kGtt}).error(), ENOMEM);
  // VRAM is not system memory.
  EXPECT_TRUE(kfd->alloc_memory_of_gpu({0x320000000000ull, 4096, 0, g0, af::kVram}).ok());
  ASSERT_TRUE(kfd->free_memory_of_gpu(a->handle).ok());
  EXPECT_TRUE(kfd->alloc_memory_of_gpu({0x310000000000ull, 4096, 0, g0, af::kGtt}).ok());
}

TEST(SimLimits, QueuesPastThe1024OfAProcessAreEnomem) {
  // 1024 queue ids per process over all GPUs; one GPU has fewer compute
  // doorbells than that, so the queues are spread over two.
  auto kfd = kfd_with_gpus(2);
  std::vector<kmd::CreateQueueArgs> per_gpu;
  uint64_t va = 0x300000000000ull;
  auto buffer = [&](uint32_t gpu_id, uint64_t size) {
    auto bo = kfd->alloc_memory_of_gpu({va, size, 0, gpu_id, af::kGtt | af::kWritable});
    EXPECT_TRUE(bo.ok());
    const uint32_t ids[] = {gpu_id};
    kmd::MapMemoryArgs m{bo->handle, ids, 0};
    EXPECT_TRUE(kfd->map_memory_to_gpu(m).ok());
    const uint64_t at = va;
    va += (size + 0xFFFFF) & ~uint64_t{0xFFFFF};
    return at;
  };
  for (const gpu::Node* n : kfd->topology().gpu_nodes()) {
    // Every queue of a GPU shares one ring and its buffers: the KFD checks
    // each buffer's mapping, not that no other queue uses it.
    const gpu::GpuTarget& t = *kfd->target(n->gpu_id);
    kmd::CreateQueueArgs a;
    a.gpu_id = n->gpu_id;
    a.queue_type = kmd::QueueType::kCompute;
    a.ring_size = 4096;
    a.ring_base_address = buffer(n->gpu_id, 4096);
    a.read_pointer_address = buffer(n->gpu_id, 4096);
    a.write_pointer_address = a.read_pointer_address + 8;
    a.eop_buffer_size = t.eop_buffer_size;
    a.eop_buffer_address = buffer(n->gpu_id, t.eop_buffer_size);
    a.ctl_stack_size = t.cwsr.ctl_stack_size;
    a.ctx_save_restore_size = t.cwsr.cwsr_size;
    a.ctx_save_restore_address = buffer(n->gpu_id, t.cwsr.bo_size(t.cwsr.cwsr_size, t.num_xcc));
    per_gpu.push_back(a);
  }
  for (uint32_t i = 0; i < 1024; ++i) {
    auto q = kfd->create_queue(per_gpu[i % 2]);
    ASSERT_TRUE(q.ok()) << "queue " << i << ": errno " << q.error();
    ASSERT_EQ(q->queue_id, i);
  }
  EXPECT_EQ(kfd->create_queue(per_gpu[0]).error(), ENOMEM);
  EXPECT_EQ(kfd->create_queue(per_gpu[1]).error(), ENOMEM);
  // Destroying one frees its id for the next.
  ASSERT_TRUE(kfd->destroy_queue(700).ok());
  auto again = kfd->create_queue(per_gpu[1]);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->queue_id, 700u);
}

TEST(SimLimits, IndirectBuffersNestedPastTheDepthLimitStopTheQueue) {
  EngineOptions o;
  o.max_ib_depth = 2;
  EngineFixture f({}, o);
  TestQueue q = f.create_queue(Q::kCompute);
  // Three IBs, each calling the next: one level too deep.
  testing::Buf ibs = f.alloc(3 * 256);
  for (int level = 0; level < 3; ++level) {
    std::vector<uint32_t> body;
    pkt::pm4::indirect_buffer(body, {.addr = ibs.va + 256 * (level + 1), .size_dwords = 4});
    for (size_t i = 0; i < body.size(); ++i) ibs.at<uint32_t>(256 * level + 4 * i) = body[i];
  }
  std::vector<uint32_t> ring;
  pkt::pm4::indirect_buffer(ring, {.addr = ibs.va, .size_dwords = 4});
  f.submit(q, ring);
  f.settle();
  QueueOutcome out = f.outcome(q);
  EXPECT_EQ(out.state, QueueState::kError);
  EXPECT_NE(out.message.find("nested deeper than"), std::string::npos) << out.message;
}

}  // namespace
}  // namespace amdrr::sim

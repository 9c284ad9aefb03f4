// Limits of the emulated GPU against what a hostile trace or program can ask
// for (docs/RELIABILITY.md lists them all): each is a clear error, never an
// out-of-memory kill or a hang.

#include <gtest/gtest.h>

#include "lib/pkt/pm4_build.h"
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

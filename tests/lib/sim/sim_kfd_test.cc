// SimKfd beyond the Kmd contract: the GPU side, faults, doorbell hook,
// profile options.
#include "lib/sim/sim_kfd.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstring>

namespace amdrr::sim {
namespace {

namespace af = kmd::alloc_flags;
constexpr uint32_t kGtt = af::kGtt | af::kWritable;

struct Fixture {
  std::unique_ptr<SimKfd> kfd;
  uint32_t gpu = 0;
  explicit Fixture(SimProfile p = {}) {
    auto k = SimKfd::create(p);
    EXPECT_TRUE(k.ok());
    kfd = std::move(*k);
    gpu = sim_gpu_id(0);
    for (const gpu::Node* n : kfd->topology().gpu_nodes()) {
      EXPECT_TRUE(kfd->acquire_vm({-1, n->gpu_id}).ok());
    }
  }
  uint64_t bo(uint64_t va, uint64_t size, uint32_t flags) {
    auto r = kfd->alloc_memory_of_gpu({va, size, 0, gpu, flags});
    EXPECT_TRUE(r.ok());
    std::vector<uint32_t> ids = {gpu};
    kmd::MapMemoryArgs m{r->handle, ids, 0};
    EXPECT_TRUE(kfd->map_memory_to_gpu(m).ok());
    return r->handle;
  }
};

TEST(SimKfd, CpuAndGpuSeeTheSameBytes) {
  Fixture f;
  auto r = f.kfd->alloc_memory_of_gpu({0x200000000, 8192, 0, f.gpu, kGtt});
  ASSERT_TRUE(r.ok());
  std::vector<uint32_t> ids = {f.gpu};
  kmd::MapMemoryArgs m{r->handle, ids, 0};
  ASSERT_TRUE(f.kfd->map_memory_to_gpu(m).ok());
  auto cpu = f.kfd->mmap(
      {kmd::MmapDevice::kRenderNode, f.gpu, r->mmap_offset, 8192, 0, PROT_READ | PROT_WRITE});
  ASSERT_TRUE(cpu.ok());
  std::memcpy(static_cast<char*>(cpu->ptr()) + 4090, "cpu->gpu", 9);  // crosses a page
  char buf[9] = {};
  EXPECT_FALSE(
      f.kfd->gpu_read(f.gpu, 0x200000000 + 4090, {reinterpret_cast<uint8_t*>(buf), sizeof buf}));
  EXPECT_STREQ(buf, "cpu->gpu");
  const char msg[] = "gpu->cpu";
  EXPECT_FALSE(f.kfd->gpu_write(f.gpu, 0x200000000 + 16,
                                {reinterpret_cast<const uint8_t*>(msg), sizeof msg}));
  EXPECT_STREQ(static_cast<char*>(cpu->ptr()) + 16, "gpu->cpu");
}

TEST(SimKfd, UserptrIsTheUsersOwnPages) {
  Fixture f;
  void* p = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  auto addr = reinterpret_cast<uint64_t>(p);
  auto r = f.kfd->alloc_memory_of_gpu({addr, 4096, addr, f.gpu, af::kUserptr | af::kWritable});
  ASSERT_TRUE(r.ok());
  std::vector<uint32_t> ids = {f.gpu};
  kmd::MapMemoryArgs m{r->handle, ids, 0};
  ASSERT_TRUE(f.kfd->map_memory_to_gpu(m).ok());
  std::strcpy(static_cast<char*>(p), "host");
  char buf[5] = {};
  EXPECT_FALSE(f.kfd->gpu_read(f.gpu, addr, {reinterpret_cast<uint8_t*>(buf), 5}));
  EXPECT_STREQ(buf, "host");
  ASSERT_TRUE(f.kfd->unmap_memory_from_gpu(m = {r->handle, ids, 0}).ok());
  ASSERT_TRUE(f.kfd->free_memory_of_gpu(r->handle).ok());
  ::munmap(p, 4096);
}

TEST(SimKfd, GpuFaultsAreValuesAndReachMemoryEvents) {
  Fixture f;
  f.bo(0x300000000, 4096, af::kGtt);  // read-only: not WRITABLE
  uint8_t byte = 1;
  auto ro = f.kfd->gpu_write(f.gpu, 0x300000000, {&byte, 1});
  ASSERT_TRUE(ro.has_value());
  EXPECT_TRUE(ro->read_only);
  auto missing = f.kfd->gpu_read(f.gpu, 0x300001000 + 8, {&byte, 1});
  ASSERT_TRUE(missing.has_value());
  EXPECT_TRUE(missing->not_present);

  auto ev = f.kfd->create_event({0, kmd::EventType::kMemory, 0, 0});
  ASSERT_TRUE(ev.ok());
  f.kfd->report_vm_fault(f.gpu, *missing);
  std::vector<kmd::EventData> data(1);
  data[0].event_id = ev->event_id;
  ASSERT_EQ(*f.kfd->wait_events({data, 0, 0}), kmd::WaitResult::kComplete);
  EXPECT_EQ(data[0].memory_exception_data.va, 0x300001000u);
  EXPECT_EQ(data[0].memory_exception_data.gpu_id, f.gpu);
  EXPECT_EQ(data[0].memory_exception_data.not_present, 1u);
}

TEST(SimKfd, InterruptSetsEventOnlyAfterMailboxWrite) {
  Fixture f;
  uint64_t page = f.bo(0x400000000, 0x8000, kGtt);
  auto ev = f.kfd->create_event({page, kmd::EventType::kSignal, 1, 0});
  ASSERT_TRUE(ev.ok());
  std::vector<kmd::EventData> data(1);
  data[0].event_id = ev->event_id;
  f.kfd->signal_interrupt(ev->event_id);  // no mailbox write: nothing
  EXPECT_EQ(*f.kfd->wait_events({data, 0, 0}), kmd::WaitResult::kTimeout);
  uint64_t value = ev->event_id;
  ASSERT_FALSE(f.kfd->gpu_write(f.gpu, 0x400000000 + 8 * ev->event_slot_index,
                                {reinterpret_cast<uint8_t*>(&value), 8}));
  f.kfd->signal_interrupt(0xFFFFFFF);  // unusable id: slot scan finds it
  EXPECT_EQ(*f.kfd->wait_events({data, 0, 0}), kmd::WaitResult::kComplete);
  uint64_t slot = 0;
  ASSERT_FALSE(f.kfd->gpu_read(f.gpu, 0x400000000, {reinterpret_cast<uint8_t*>(&slot), 8}));
  EXPECT_EQ(slot, ~0ull);  // acknowledged
}

struct RecordingHook : EngineHook {
  std::vector<std::pair<uint32_t, uint64_t>> rings;
  int created = 0, destroyed = 0;
  void queue_created(const SimQueue&) override { ++created; }
  void queue_destroyed(const SimQueue&) override { ++destroyed; }
  void doorbell(const SimQueue& q, uint64_t v) override { rings.emplace_back(q.queue_id, v); }
};

TEST(SimKfd, DoorbellReachesTheEngineHookAndThePage) {
  Fixture f;
  RecordingHook hook;
  f.kfd->set_engine_hook(&hook);
  kmd::CreateQueueArgs a;
  a.gpu_id = f.gpu;
  a.queue_type = kmd::QueueType::kSdma;
  a.ring_size = 4096;
  a.ring_base_address = 0x500000000;
  f.bo(a.ring_base_address, 4096, kGtt);
  f.bo(0x500100000, 4096, kGtt);
  a.read_pointer_address = 0x500100000;
  a.write_pointer_address = 0x500100008;
  auto q = f.kfd->create_queue(a);
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(f.kfd->write_doorbell(q->queue_id, 64).ok());
  ASSERT_EQ(hook.rings.size(), 1u);
  EXPECT_EQ(hook.rings[0], std::make_pair(q->queue_id, uint64_t{64}));
  const uint32_t slice = f.kfd->target(f.gpu)->doorbell_slice_size;
  auto db = f.kfd->mmap(
      {kmd::MmapDevice::kKfd, 0, q->doorbell_offset & ~uint64_t{slice - 1}, slice, 0, PROT_READ});
  ASSERT_TRUE(db.ok());
  uint64_t seen = 0;
  std::memcpy(&seen, static_cast<char*>(db->ptr()) + (q->doorbell_offset & (slice - 1)), 8);
  EXPECT_EQ(seen, 64u);
  ASSERT_TRUE(f.kfd->destroy_queue(q->queue_id).ok());
  EXPECT_EQ(hook.created, 1);
  EXPECT_EQ(hook.destroyed, 1);
}

TEST(SimKfd, SmallBarRefusesPublicVram) {
  Fixture f({SimTarget::kGfx942, 1, true});
  EXPECT_EQ(
      f.kfd->alloc_memory_of_gpu({0x600000000, 4096, 0, f.gpu, af::kVram | af::kPublic}).error(),
      EINVAL);
  EXPECT_TRUE(f.kfd->alloc_memory_of_gpu({0x600000000, 4096, 0, f.gpu, af::kVram}).ok());
  Fixture large;
  EXPECT_TRUE(
      large.kfd->alloc_memory_of_gpu({0x600000000, 4096, 0, large.gpu, af::kVram | af::kPublic})
          .ok());
}

TEST(SimKfd, NoVmNoAllocation) {
  auto k = SimKfd::create({});
  ASSERT_TRUE(k.ok());
  EXPECT_EQ((*k)->alloc_memory_of_gpu({0x700000000, 4096, 0, sim_gpu_id(0), kGtt}).error(), ENODEV);
}

TEST(SimKfd, Gfx1100IsTopologyOnlyAndCannotEnableXnack) {
  Fixture f({SimTarget::kGfx1100, 1, false});
  ASSERT_NE(f.kfd->target(f.gpu), nullptr);
  EXPECT_FALSE(f.kfd->target(f.gpu)->sim_engines);
  EXPECT_EQ(f.kfd->set_xnack_mode(1).error(), EPERM);
}

TEST(SimKfd, TopologyDirectoryIsRemovedWithTheSim) {
  std::filesystem::path root;
  {
    Fixture f({SimTarget::kGfx90a, 4, false});
    root = f.kfd->topology_root();
    EXPECT_TRUE(std::filesystem::exists(root / "nodes/4/properties"));
    EXPECT_EQ(f.kfd->topology().gpu_nodes().size(), 4u);
  }
  EXPECT_FALSE(std::filesystem::exists(root));
}

}  // namespace
}  // namespace amdrr::sim

// What LinuxKfd does beyond the Kmd contract, over the fake kernel: CPU VA ==
// GPU VA through its reservations, doorbell stores reaching the queue's
// engine, the kernel event page, and feature gating on the KFD version.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstring>
#include <vector>

#include "lib/kmd/kfd_uapi.h"
#include "lib/kmd/linux_kfd.h"
#include "tests/lib/kmd/fake_kfd_syscalls.h"

namespace amdrr::kmd::testing {
namespace {

namespace af = alloc_flags;
constexpr uint32_t kGtt = af::kGtt | af::kWritable | af::kExecutable;

class LinuxKfdTest : public ::testing::Test {
 protected:
  void open_kfd(std::optional<uint32_t> minor = std::nullopt) {
    auto fake = FakeKfdSyscalls::create({sim::SimTarget::kGfx942, 1, false});
    ASSERT_TRUE(fake.ok());
    fake_ = fake->get();
    if (minor) fake_->set_minor_version(*minor);
    auto kfd = LinuxKfd::open(std::move(*fake), fake_->linux_kfd_options());
    ASSERT_TRUE(kfd.ok()) << kfd.error();
    kfd_ = std::move(*kfd);
    gpu_ = kfd_->topology().gpu_nodes()[0]->gpu_id;
    ASSERT_TRUE(kfd_->acquire_vm({AcquireVmArgs::kOwnRenderNode, gpu_}).ok());
  }
  void SetUp() override { open_kfd(); }

  uint64_t mapped_gtt(uint64_t va, uint64_t size) {
    auto bo = kfd_->alloc_memory_of_gpu({va, size, 0, gpu_, kGtt});
    EXPECT_TRUE(bo.ok());
    std::vector<uint32_t> ids = {gpu_};
    MapMemoryArgs m{bo->handle, ids, 0};
    EXPECT_TRUE(kfd_->map_memory_to_gpu(m).ok());
    return bo->handle;
  }

  /// True when nothing is mapped at [va, va + size) in this process.
  static bool va_free(uint64_t va, uint64_t size) {
    void* p = ::mmap(reinterpret_cast<void*>(va), size, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED) return false;
    ::munmap(p, size);
    return true;
  }

  FakeKfdSyscalls* fake_ = nullptr;
  std::unique_ptr<LinuxKfd> kfd_;
  uint32_t gpu_ = 0;
};

TEST_F(LinuxKfdTest, HostVisibleBoMapsAtItsGpuVa) {
  // Above ASan's shadow memory (x86-64: up to 0x10007fff7fff), so the test
  // also runs in -DAMDRR_SANITIZE=ON builds.
  const uint64_t va = 0x300000000000ull, size = 0x4000;
  auto bo = kfd_->alloc_memory_of_gpu({va, size, 0, gpu_, kGtt});
  ASSERT_TRUE(bo.ok());
  EXPECT_FALSE(va_free(va, size));  // reserved at once
  auto m = kfd_->mmap(
      {MmapDevice::kRenderNode, gpu_, bo->mmap_offset, size, va, PROT_READ | PROT_WRITE});
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_EQ(m->addr, va);
  std::vector<uint32_t> ids = {gpu_};
  MapMemoryArgs map{bo->handle, ids, 0};
  ASSERT_TRUE(kfd_->map_memory_to_gpu(map).ok());
  std::memcpy(m->ptr(), "cpu==gpu", 9);
  char seen[9] = {};
  EXPECT_FALSE(
      fake_->sim().gpu_read(gpu_, va, {reinterpret_cast<uint8_t*>(seen), sizeof seen}).has_value());
  EXPECT_STREQ(seen, "cpu==gpu");
  ASSERT_TRUE(kfd_->munmap(*m).ok());
  EXPECT_FALSE(va_free(va, size));  // the reservation is back
  map.n_success = 0;                // a fresh call, not a resumed one
  ASSERT_TRUE(kfd_->unmap_memory_from_gpu(map).ok());
  ASSERT_TRUE(kfd_->free_memory_of_gpu(bo->handle).ok());
  EXPECT_TRUE(va_free(va, size));  // and gone with the BO
}

TEST_F(LinuxKfdTest, FixedMappingNeverClobbersForeignMemory) {
  void* foreign = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(foreign, MAP_FAILED);
  std::memcpy(foreign, "mine", 5);
  auto bo = kfd_->alloc_memory_of_gpu({0x300000000ull, 4096, 0, gpu_, kGtt});
  ASSERT_TRUE(bo.ok());
  auto m = kfd_->mmap({MmapDevice::kRenderNode, gpu_, bo->mmap_offset, 4096,
                       reinterpret_cast<uint64_t>(foreign), PROT_READ | PROT_WRITE});
  EXPECT_EQ(m.error(), EEXIST);
  EXPECT_STREQ(static_cast<char*>(foreign), "mine");
  ::munmap(foreign, 4096);
}

struct CountingHook : sim::EngineHook {
  void doorbell(const sim::SimQueue& q, uint64_t value) override {
    last_queue = q.queue_id;
    last_value = value;
    ++calls;
  }
  uint32_t last_queue = ~0u;
  uint64_t last_value = 0;
  int calls = 0;
};

TEST_F(LinuxKfdTest, DoorbellStoreReachesTheQueue) {
  CountingHook hook;
  fake_->sim().set_engine_hook(&hook);
  CreateQueueArgs a;
  a.gpu_id = gpu_;
  a.queue_type = QueueType::kSdma;
  a.ring_size = 4096;
  a.ring_base_address = 0x400000000ull;
  mapped_gtt(a.ring_base_address, 4096);
  mapped_gtt(0x400100000ull, 4096);
  a.write_pointer_address = 0x400100000ull + 56;
  a.read_pointer_address = 0x400100000ull + 128;
  auto q = kfd_->create_queue(a);
  ASSERT_TRUE(q.ok()) << q.error();
  ASSERT_TRUE(kfd_->write_doorbell(q->queue_id, 0x40).ok());
  EXPECT_EQ(hook.calls, 1);
  EXPECT_EQ(hook.last_queue, q->queue_id);
  EXPECT_EQ(hook.last_value, 0x40u);
  ASSERT_TRUE(kfd_->destroy_queue(q->queue_id).ok());
  fake_->sim().set_engine_hook(nullptr);
}

TEST_F(LinuxKfdTest, KernelEventPageIsMappedWhenNoSignalBoIsGiven) {
  EXPECT_EQ(kfd_->event_page().size, 0u);
  auto e = kfd_->create_event({0, EventType::kSignal, 1, 0});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(kfd_->event_page().size, 4096u * 8);
  EXPECT_NE(kfd_->event_page().addr, 0u);
}

TEST_F(LinuxKfdTest, OlderKernelGatesNewerCalls) {
  kfd_.reset();
  open_kfd(11);
  EXPECT_EQ(kfd_->version().minor_version, 11u);
  EXPECT_EQ(kfd_->runtime_enable({0, 0}).error(), EOPNOTSUPP);
  EXPECT_TRUE(kfd_->available_memory(gpu_).ok());  // 1.9
  CreateQueueArgs a;
  a.gpu_id = gpu_;
  a.queue_type = QueueType::kSdmaByEngId;
  EXPECT_EQ(kfd_->create_queue(a).error(), EOPNOTSUPP);
  // Other queues go out under the v1.11 (88-byte) request number.
  a.queue_type = QueueType::kSdma;
  a.ring_size = 4096;
  a.ring_base_address = 0x500000000ull;
  mapped_gtt(a.ring_base_address, 4096);
  mapped_gtt(0x500100000ull, 4096);
  a.write_pointer_address = 0x500100000ull + 56;
  a.read_pointer_address = 0x500100000ull + 128;
  auto q = kfd_->create_queue(a);
  ASSERT_TRUE(q.ok()) << q.error();
  EXPECT_EQ(fake_->last_request(0x02), uapi::kIocCreateQueueV11);
  // No event age before 1.14: none is sent, none comes back.
  auto e = kfd_->create_event({0, EventType::kSignal, 1, 0});
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE(kfd_->set_event(e->event_id).ok());
  std::vector<EventData> ev(1);
  ev[0].event_id = e->event_id;
  ev[0].last_event_age = 1;
  EXPECT_EQ(*kfd_->wait_events({ev, 0, 0}), WaitResult::kComplete);
  EXPECT_EQ(ev[0].last_event_age, 0u);
}

TEST_F(LinuxKfdTest, CurrentKernelUsesTheNewerCreateQueue) {
  EXPECT_EQ(kfd_->version().minor_version, 17u);
  EXPECT_EQ(fake_->last_request(0x01), uapi::kIocGetVersion);
  EXPECT_EQ(kfd_->get_process_apertures()->size(), 1u);
  EXPECT_EQ(fake_->last_request(0x14), uapi::kIocGetProcessAperturesNew);
}

TEST(LinuxKfdOpen, MissingDeviceIsTheOpenErrno) {
  auto fake = FakeKfdSyscalls::create({});
  ASSERT_TRUE(fake.ok());
  LinuxKfdOptions o = (*fake)->linux_kfd_options();
  o.kfd_path = "/dev/nokfd";
  EXPECT_EQ(LinuxKfd::open(std::move(*fake), o).error(), ENOENT);
}

}  // namespace
}  // namespace amdrr::kmd::testing

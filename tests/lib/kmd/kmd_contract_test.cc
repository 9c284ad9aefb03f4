// The Kmd contract, process and memory calls. Every failure case asserts the
// errno and that the backend state did not change.
#include <cstring>

#include "tests/lib/kmd/kmd_contract_fixture.h"

namespace amdrr::kmd::testing {
namespace {

TEST_P(KmdContract, VersionIsKfdMajorOne) {
  auto v = kmd_->get_version();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->major_version, 1u);
  EXPECT_GE(v->minor_version, 11u);
}

TEST_P(KmdContract, AperturesCoverEveryGpu) {
  auto ap = kmd_->get_process_apertures();
  ASSERT_TRUE(ap.ok());
  ASSERT_EQ(ap->size(), gpus_.size());
  for (size_t i = 0; i < gpus_.size(); ++i) {
    EXPECT_EQ((*ap)[i].gpu_id, gpus_[i]);
    EXPECT_LT((*ap)[i].gpuvm_base, (*ap)[i].gpuvm_limit);
    EXPECT_LE((*ap)[i].gpuvm_base, va_);
  }
}

TEST_P(KmdContract, AcquireVmUnknownGpuIsEinval) {
  EXPECT_EQ(kmd_->acquire_vm({AcquireVmArgs::kOwnRenderNode, 0xdead}).error(), EINVAL);
  EXPECT_TRUE(kmd_->acquire_vm({AcquireVmArgs::kOwnRenderNode, gpu_}).ok());  // again: fine
}

TEST_P(KmdContract, AllocRejectsBadSizesAndChangesNothing) {
  std::string before = state();
  auto avail = kmd_->available_memory(gpu_);
  ASSERT_TRUE(avail.ok());
  EXPECT_EQ(kmd_->alloc_memory_of_gpu({next_va(0), 0, 0, gpu_, kVram}).error(), EINVAL);
  EXPECT_EQ(kmd_->alloc_memory_of_gpu({next_va(0), 1ull << 62, 0, gpu_, kVram}).error(), ENOMEM);
  EXPECT_EQ(kmd_->alloc_memory_of_gpu({next_va(0), ~0ull, 0, gpu_, kGtt}).error(), ENOMEM);
  EXPECT_EQ(kmd_->alloc_memory_of_gpu({next_va(0), 4096, 0, 0xdead, kVram}).error(), EINVAL);
  EXPECT_EQ(kmd_->alloc_memory_of_gpu({next_va(0), 4096, 0, gpu_, af::kWritable}).error(), EINVAL);
  EXPECT_EQ(kmd_->alloc_memory_of_gpu({next_va(0), 4096, 0, gpu_, af::kDoorbell}).error(), EINVAL);
  EXPECT_EQ(kmd_->alloc_memory_of_gpu({next_va(0), 8192, 0, gpu_, af::kMmioRemap}).error(), EINVAL);
  EXPECT_EQ(kmd_->alloc_memory_of_gpu({next_va(0), 4096, 0x1001, gpu_, af::kUserptr}).error(),
            EINVAL);
  EXPECT_EQ(state(), before);
  EXPECT_EQ(*kmd_->available_memory(gpu_), *avail);
}

TEST_P(KmdContract, UnalignedSizeIsRoundedToPages) {
  auto avail = *kmd_->available_memory(gpu_);
  auto bo = alloc(4097, kVram);
  EXPECT_EQ(*kmd_->available_memory(gpu_), avail - 8192);
  ASSERT_TRUE(map(bo.handle, {gpu_}).ok());
  ASSERT_TRUE(unmap(bo.handle, {gpu_}).ok());
  ASSERT_TRUE(kmd_->free_memory_of_gpu(bo.handle).ok());
  EXPECT_EQ(*kmd_->available_memory(gpu_), avail);
}

TEST_P(KmdContract, HandlesCarryGpuIdAndReuseLowestFree) {
  auto a = alloc(4096, kGtt), b = alloc(4096, kGtt);
  EXPECT_EQ(handle_gpu_id(a.handle), gpu_);
  EXPECT_EQ(handle_gpu_id(b.handle), gpu_);
  EXPECT_NE(a.handle, b.handle);
  ASSERT_TRUE(kmd_->free_memory_of_gpu(a.handle).ok());
  auto c = alloc(4096, kGtt);
  EXPECT_EQ(c.handle, a.handle);  // idr hands out the lowest free id
}

TEST_P(KmdContract, DoorbellAndMmioBosTakeExactSizes) {
  auto db = alloc(target_.doorbell_slice_size, af::kDoorbell | af::kWritable);
  EXPECT_EQ(db.mmap_offset & mmap_offset::kTypeMask, mmap_offset::kTypeDoorbell);
  auto mmio = alloc(4096, af::kMmioRemap | af::kWritable);
  EXPECT_EQ(mmio.mmap_offset & mmap_offset::kTypeMask, mmap_offset::kTypeMmio);
  EXPECT_EQ(mmio.mmap_offset & mmap_offset::kGpuIdMask, mmap_offset::gpu_id_bits(gpu_));
}

TEST_P(KmdContract, DoubleFreeIsEinval) {
  auto bo = alloc(4096, kGtt);
  ASSERT_TRUE(kmd_->free_memory_of_gpu(bo.handle).ok());
  std::string before = state();
  EXPECT_EQ(kmd_->free_memory_of_gpu(bo.handle).error(), EINVAL);
  EXPECT_EQ(kmd_->free_memory_of_gpu(make_handle(0xdead, 0)).error(), EINVAL);
  EXPECT_EQ(state(), before);
}

TEST_P(KmdContract, FreeWhileMappedIsEbusy) {
  uint64_t h = mapped_bo(4096, kVram, next_va(4096));
  std::string before = state();
  EXPECT_EQ(kmd_->free_memory_of_gpu(h).error(), EBUSY);
  EXPECT_EQ(state(), before);
  ASSERT_TRUE(unmap(h, {gpu_}).ok());
  EXPECT_TRUE(kmd_->free_memory_of_gpu(h).ok());
}

// ALLOC does not check VA overlap; the conflict surfaces at MAP with EINVAL.
TEST_P(KmdContract, ConflictingVaFailsAtMap) {
  uint64_t va = next_va(1 << 20);
  uint64_t first = mapped_bo(1 << 20, kVram, va);
  auto second = kmd_->alloc_memory_of_gpu({va + 4096, 4096, 0, gpu_, kVram});
  ASSERT_TRUE(second.ok());
  std::string before = state();
  uint32_t n_success = 0;
  EXPECT_EQ(map(second->handle, {gpu_}, &n_success).error(), EINVAL);
  EXPECT_EQ(n_success, 0u);
  EXPECT_EQ(state(), before);
  // The first mapping is untouched; once it is gone the VA is free.
  ASSERT_TRUE(unmap(first, {gpu_}).ok());
  EXPECT_TRUE(map(second->handle, {gpu_}).ok());
}

TEST_P(KmdContract, UnalignedOrOutOfRangeVaFailsAtMap) {
  auto unaligned = kmd_->alloc_memory_of_gpu({next_va(4096) + 0x10, 4096, 0, gpu_, kGtt});
  ASSERT_TRUE(unaligned.ok());
  auto ap = (*kmd_->get_process_apertures())[0];
  auto beyond = kmd_->alloc_memory_of_gpu({ap.gpuvm_limit + 1, 4096, 0, gpu_, kGtt});
  ASSERT_TRUE(beyond.ok());
  std::string before = state();
  EXPECT_EQ(map(unaligned->handle, {gpu_}).error(), EINVAL);
  EXPECT_EQ(map(beyond->handle, {gpu_}).error(), EINVAL);
  EXPECT_EQ(state(), before);
}

TEST_P(KmdContract, MapArgumentErrors) {
  auto bo = alloc(4096, kGtt);
  std::string before = state();
  EXPECT_EQ(map(bo.handle, {}).error(), EINVAL);  // n_devices == 0
  uint32_t n_success = 2;
  EXPECT_EQ(map(bo.handle, {gpu_}, &n_success).error(), EINVAL);   // n_success > n_devices
  EXPECT_EQ(map(make_handle(gpu_, 999), {gpu_}).error(), ENOMEM);  // unknown handle
  EXPECT_EQ(map(make_handle(0xdead, 0), {gpu_}).error(), EINVAL);
  EXPECT_EQ(unmap(bo.handle, {gpu_}).error(), EINVAL);  // not mapped
  EXPECT_EQ(state(), before);
}

// A failure part-way leaves the GPUs before it mapped, says how many in
// n_success, and passing n_success back resumes.
TEST_P(KmdContract, MapToUnknownGpuReportsPartialSuccess) {
  auto bo = alloc(4096, kGtt);
  std::vector<uint32_t> ids = {gpu_, 0xdead};
  MapMemoryArgs a{bo.handle, ids, 0};
  EXPECT_EQ(kmd_->map_memory_to_gpu(a).error(), EINVAL);
  EXPECT_EQ(a.n_success, 1u);
  EXPECT_EQ(kmd_->free_memory_of_gpu(bo.handle).error(), EBUSY);  // gpu_ is mapped
  ids[1] = gpus_.back();
  EXPECT_TRUE(kmd_->map_memory_to_gpu(a).ok());
  EXPECT_EQ(a.n_success, 2u);
  MapMemoryArgs u{bo.handle, ids, 0};
  if (gpus_.size() == 1) ids.pop_back(), u.device_ids = ids;
  EXPECT_TRUE(kmd_->unmap_memory_from_gpu(u).ok());
  EXPECT_TRUE(kmd_->free_memory_of_gpu(bo.handle).ok());
}

TEST_P(KmdContract, MultiGpuMapping) {
  auto bo = alloc(1 << 16, kVram);
  ASSERT_TRUE(map(bo.handle, gpus_).ok());
  ASSERT_TRUE(unmap(bo.handle, gpus_).ok());
  EXPECT_TRUE(kmd_->free_memory_of_gpu(bo.handle).ok());
}

TEST_P(KmdContract, CpuMappingsShareTheBo) {
  auto bo = alloc(8192, kGtt);
  MmapArgs args{MmapDevice::kRenderNode, gpu_, bo.mmap_offset, 8192, 0, PROT_READ | PROT_WRITE};
  auto m1 = kmd_->mmap(args);
  auto m2 = kmd_->mmap(args);
  ASSERT_TRUE(m1.ok() && m2.ok());
  std::memcpy(static_cast<char*>(m1->ptr()) + 4096, "amdrr", 6);
  EXPECT_STREQ(static_cast<char*>(m2->ptr()) + 4096, "amdrr");
  EXPECT_TRUE(kmd_->munmap(*m1).ok());
  EXPECT_TRUE(kmd_->munmap(*m2).ok());
  std::string before = state();
  EXPECT_EQ(kmd_->munmap(*m2).error(), EINVAL);  // already gone
  args.size = 16384;                             // larger than the BO
  EXPECT_EQ(kmd_->mmap(args).error(), EINVAL);
  args.mmap_offset = 0x1000;  // no BO there
  args.size = 4096;
  EXPECT_EQ(kmd_->mmap(args).error(), EINVAL);
  EXPECT_EQ(state(), before);
}

TEST_P(KmdContract, DoorbellSliceMapsOnlyWhole) {
  uint64_t off = mmap_offset::kTypeDoorbell | mmap_offset::gpu_id_bits(gpu_);
  MmapArgs args{MmapDevice::kKfd, 0, off, 4096, 0, PROT_READ | PROT_WRITE};
  EXPECT_EQ(kmd_->mmap(args).error(), EINVAL);
  args.size = target_.doorbell_slice_size;
  auto m = kmd_->mmap(args);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(kmd_->munmap(*m).ok());
}

TEST_P(KmdContract, ClockCountersAdvance) {
  auto a = kmd_->get_clock_counters(gpu_);
  auto b = kmd_->get_clock_counters(gpu_);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->system_clock_freq, 1000000000u);
  EXPECT_LE(a->gpu_clock_counter, b->gpu_clock_counter);
  EXPECT_LE(a->cpu_clock_counter, b->cpu_clock_counter);
  EXPECT_GT(a->gpu_clock_counter, 0u);
  EXPECT_EQ(kmd_->get_clock_counters(0xdead)->gpu_clock_counter, 0u);
  EXPECT_EQ(kmd_->available_memory(0xdead).error(), EINVAL);
}

TEST_P(KmdContract, RuntimeEnableOnceThenEbusy) {
  EXPECT_TRUE(kmd_->runtime_enable({0, 0}).ok());  // disable: always fine
  EXPECT_TRUE(kmd_->runtime_enable({0, kRuntimeEnableMode}).ok());
  EXPECT_EQ(kmd_->runtime_enable({0, kRuntimeEnableMode}).error(), EBUSY);
  EXPECT_TRUE(kmd_->runtime_enable({0, 0}).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, KmdContract, ::testing::ValuesIn(kmd_backends()),
                         [](const auto& p) { return p.param.name; });

}  // namespace
}  // namespace amdrr::kmd::testing

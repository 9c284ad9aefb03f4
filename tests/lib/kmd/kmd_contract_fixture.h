#pragma once
// Fixture of the Kmd contract suite: written against Kmd& only.

#include <gtest/gtest.h>
#include <sys/mman.h>

#include "lib/gpu/gpu_target.h"
#include "tests/lib/kmd/kmd_backends.h"

namespace amdrr::kmd::testing {

namespace af = alloc_flags;

class KmdContract : public ::testing::TestWithParam<KmdBackend> {
 protected:
  void SetUp() override {
    if (GetParam().skip_reason) {
      if (std::string why = GetParam().skip_reason(); !why.empty()) GTEST_SKIP() << why;
    }
    kmd_ = GetParam().make();
    ASSERT_NE(kmd_, nullptr);
    for (const gpu::Node* n : kmd_->topology().gpu_nodes()) {
      gpus_.push_back(n->gpu_id);
      ASSERT_TRUE(kmd_->acquire_vm({AcquireVmArgs::kOwnRenderNode, n->gpu_id}).ok());
    }
    ASSERT_FALSE(gpus_.empty());
    gpu_ = gpus_[0];
    auto t = gpu::resolve_target(*kmd_->topology().find_gpu(gpu_));
    ASSERT_TRUE(t.ok());
    target_ = *t;
  }

  /// Backend state fingerprint, or "" when the backend cannot be inspected.
  std::string state() { return GetParam().state ? GetParam().state(*kmd_) : std::string(); }

  uint64_t next_va(uint64_t size) {
    uint64_t va = va_;
    va_ += (size + 0xFFFFF) & ~0xFFFFFull;  // 1 MiB steps keep BOs apart
    return va;
  }

  AllocMemoryResult alloc(uint64_t size, uint32_t flags, uint64_t va = 0) {
    auto r = kmd_->alloc_memory_of_gpu({va ? va : next_va(size), size, 0, gpu_, flags});
    EXPECT_TRUE(r.ok()) << "alloc errno " << r.error();
    return r.ok() ? *r : AllocMemoryResult{};
  }

  Result<void> map(uint64_t handle, std::vector<uint32_t> gpus, uint32_t* n_success = nullptr) {
    MapMemoryArgs a{handle, gpus, n_success ? *n_success : 0};
    auto r = kmd_->map_memory_to_gpu(a);
    if (n_success) *n_success = a.n_success;
    return r;
  }
  Result<void> unmap(uint64_t handle, std::vector<uint32_t> gpus) {
    MapMemoryArgs a{handle, gpus, 0};
    return kmd_->unmap_memory_from_gpu(a);
  }

  /// A BO allocated at `va` and mapped to gpu_; returns its handle.
  uint64_t mapped_bo(uint64_t size, uint32_t flags, uint64_t va) {
    auto bo = alloc(size, flags, va);
    EXPECT_TRUE(map(bo.handle, {gpu_}).ok());
    return bo.handle;
  }

  static constexpr uint32_t kGtt = af::kGtt | af::kWritable | af::kExecutable;
  static constexpr uint32_t kVram = af::kVram | af::kWritable | af::kExecutable;

  std::unique_ptr<Kmd> kmd_;
  std::vector<uint32_t> gpus_;
  uint32_t gpu_ = 0;
  gpu::GpuTarget target_;
  uint64_t va_ = 0x100000000ull;
};

}  // namespace amdrr::kmd::testing

// The emulated GPU's page table is the only way the engines reach host
// memory: an access outside every mapping is a fault value, never a host
// access. These try to escape it.

#include "lib/sim/gpu_vm.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace amdrr::sim {
namespace {

class GpuVmEscape : public ::testing::Test {
 protected:
  void SetUp() override {
    backing_.assign(2 * kPage, 0x5a);
    vm_.insert({kVa, kPage, backing_.data(), true, true, 1});
    vm_.insert({kVa + kPage, kPage, backing_.data() + kPage, false, true, 2});  // read-only
  }
  static constexpr uint64_t kPage = 4096;
  static constexpr uint64_t kVa = 0x300000000000ull;
  std::vector<uint8_t> backing_;
  GpuVm vm_;
};

// Found by fuzz_engines: a write whose end wraps past 2^64 skipped the check
// (its loop ran to va + size, which wrapped below va) and then dereferenced
// a missing mapping.
TEST_F(GpuVmEscape, AccessWrappingPastTheTopOfTheAddressSpaceFaults) {
  std::vector<uint8_t> bytes(64, 1);
  const uint64_t top = UINT64_MAX - 15;
  auto w = vm_.write(top, bytes);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->va, top);
  std::vector<uint8_t> out(64);
  auto r = vm_.read(top, out);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->va, top);
  EXPECT_TRUE(vm_.copy(top, kVa, 64).has_value());
  EXPECT_TRUE(vm_.copy(kVa, top, 64).has_value());
}

TEST_F(GpuVmEscape, AccessRunningOffAMappingFaultsAndChangesNothing) {
  std::vector<uint8_t> bytes(2 * kPage + 1, 7);
  auto w = vm_.write(kVa, bytes);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->va, kVa + kPage);  // the read-only page stops it first
  EXPECT_TRUE(w->read_only);
  for (uint8_t b : backing_) ASSERT_EQ(b, 0x5a);
  std::vector<uint8_t> out(2 * kPage + 1);
  auto r = vm_.read(kVa, out);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->va, kVa + 2 * kPage);
  EXPECT_TRUE(r->not_present);
  EXPECT_TRUE(vm_.read(kVa - 1, std::span<uint8_t>(out.data(), 2)).has_value());
  EXPECT_FALSE(vm_.read(kVa, std::span<uint8_t>(out.data(), 2 * kPage)).has_value());
}

}  // namespace
}  // namespace amdrr::sim

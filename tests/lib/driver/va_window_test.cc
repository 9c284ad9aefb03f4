#include "lib/driver/va_window.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

namespace amdrr {
namespace {

constexpr uint64_t kBase = 0x300000000000ull;

TEST(VaWindow, FirstFitIsDeterministicAndReusesFreedRanges) {
  auto w = VaWindow::reserve(kBase, 1ull << 30);
  ASSERT_TRUE(w.has_value());
  auto a = w->allocate(4096, 4096);
  auto b = w->allocate(8192, 4096);
  auto c = w->allocate(2u << 20, 2u << 20);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*a, kBase);
  EXPECT_EQ(*b, kBase + 4096);
  EXPECT_EQ(*c, kBase + (2u << 20));  // aligned up past b
  w->release(*b);
  auto d = w->allocate(4096, 4096);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, kBase + 4096);                              // the lowest hole first
  EXPECT_FALSE(w->allocate(2ull << 30, 4096).has_value());  // larger than the window
}

TEST(VaWindow, RefusesARangeThatIsAlreadyMapped) {
  void* p = mmap(reinterpret_cast<void*>(kBase + (1ull << 32)), 4096, PROT_READ,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  EXPECT_FALSE(VaWindow::reserve(kBase + (1ull << 32) - 4096, 3 * 4096).has_value());
  munmap(p, 4096);
  EXPECT_TRUE(VaWindow::reserve(kBase + (1ull << 32) - 4096, 3 * 4096).has_value());
}

}  // namespace
}  // namespace amdrr

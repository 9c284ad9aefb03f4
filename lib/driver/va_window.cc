#include "lib/driver/va_window.h"

#include <sys/mman.h>

#include "lib/base/check.h"

namespace amdrr {
namespace {

constexpr int kReserveFlags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

}  // namespace

std::optional<VaWindow> VaWindow::reserve(uint64_t base, uint64_t size) {
  void* want = reinterpret_cast<void*>(base);
  void* got = mmap(want, size, PROT_NONE, kReserveFlags | MAP_FIXED_NOREPLACE, -1, 0);
  if (got == MAP_FAILED) return std::nullopt;
  if (got != want) {  // kernels before 4.17 ignore MAP_FIXED_NOREPLACE
    munmap(got, size);
    return std::nullopt;
  }
  return VaWindow(base, size);
}

VaWindow::VaWindow(uint64_t base, uint64_t size) : base_(base), size_(size) {}

VaWindow::VaWindow(VaWindow&& other) noexcept
    : base_(other.base_), size_(other.size_), used_(std::move(other.used_)) {
  other.size_ = 0;
}

VaWindow::~VaWindow() {
  if (size_ != 0) munmap(reinterpret_cast<void*>(base_), size_);
}

std::optional<uint64_t> VaWindow::allocate(uint64_t size, uint64_t align) {
  AMDRR_REQUIRE(align >= 4096 && (align & (align - 1)) == 0, "alignment must be a power of two");
  AMDRR_REQUIRE(size > 0 && size % 4096 == 0, "size must be whole pages");
  uint64_t candidate = base_;
  for (const auto& [va, len] : used_) {
    uint64_t aligned = (candidate + align - 1) & ~(align - 1);
    if (aligned + size <= va) break;
    candidate = va + len;
  }
  uint64_t aligned = (candidate + align - 1) & ~(align - 1);
  if (aligned < candidate || !contains(aligned, size)) return std::nullopt;
  used_.emplace(aligned, size);
  return aligned;
}

void VaWindow::release(uint64_t va) {
  auto it = used_.find(va);
  AMDRR_REQUIRE(it != used_.end(), "release of a VA the window did not hand out");
  // Whatever was mapped there (a BO's CPU pages) goes back to reserved.
  void* p =
      mmap(reinterpret_cast<void*>(va), it->second, PROT_NONE, kReserveFlags | MAP_FIXED, -1, 0);
  AMDRR_ASSERT(p != MAP_FAILED, "cannot re-reserve a released VA range");
  used_.erase(it);
}

}  // namespace amdrr

#pragma once
// VaWindow: the driver's GPU virtual addresses, chosen deterministically from
// a fixed window reserved in the CPU address space when a device opens. The
// same program therefore gets the same addresses on every run (what a
// replayer needs to reserve), and host-visible buffers map their CPU pages
// at their GPU VA (CPU VA == GPU VA), so pointers inside packets and kernel
// arguments mean the same thing to both.

#include <cstdint>
#include <map>
#include <optional>

namespace amdrr {

class VaWindow {
 public:
  /// Reserves [base, base + size) as PROT_NONE, MAP_FIXED_NOREPLACE; fails
  /// (nullopt) if any of it is already mapped.
  static std::optional<VaWindow> reserve(uint64_t base, uint64_t size);
  VaWindow(VaWindow&& other) noexcept;
  VaWindow& operator=(VaWindow&&) = delete;
  ~VaWindow();

  /// First fit, lowest address first, `align` a power of two >= 4096.
  std::optional<uint64_t> allocate(uint64_t size, uint64_t align);
  /// Returns a range to the window and re-reserves its CPU pages.
  void release(uint64_t va);

  uint64_t base() const { return base_; }
  uint64_t size() const { return size_; }
  bool contains(uint64_t va, uint64_t size) const {
    return va >= base_ && size <= size_ && va - base_ <= size_ - size;
  }

 private:
  VaWindow(uint64_t base, uint64_t size);

  uint64_t base_ = 0;
  uint64_t size_ = 0;
  std::map<uint64_t, uint64_t> used_;  // va -> size
};

}  // namespace amdrr

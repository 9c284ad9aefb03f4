#pragma once
// Staging: CPU access to memory the CPU cannot map — VRAM without a large
// BAR, or any Memory::kVram buffer — the way ROCR does it: through a
// host-visible GTT bounce buffer and an SDMA copy. One per Device, created
// on the first such access, with its own SDMA queue, bounce buffer and
// signal; each call returns when the copy is done (synchronous, like the
// Buffer calls it serves). Not for bandwidth: queue your own SDMA copies.

#include <cstdint>
#include <memory>
#include <span>

#include "lib/driver/buffer.h"
#include "lib/driver/signal.h"

namespace amdrr {

class Device;
class SdmaQueue;

class Staging {
 public:
  explicit Staging(Device& device);
  ~Staging();
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;

  /// Bytes moved per SDMA round trip.
  static constexpr uint64_t kBounceBytes = 1 << 20;

  void write(const Buffer& dst, uint64_t offset, std::span<const uint8_t> bytes);
  void read(const Buffer& src, uint64_t offset, std::span<uint8_t> out);
  /// Whole dwords by CONSTANT_FILL; unaligned edges through the bounce.
  void fill(const Buffer& dst, uint64_t offset, uint64_t size, uint8_t value);

  /// Submits what is queued and waits for it.
  void run();

 private:
  Device& device_;
  std::unique_ptr<SdmaQueue> queue_;
  Buffer bounce_;
  Signal done_;
  uint64_t ticket_ = 0;
};

}  // namespace amdrr

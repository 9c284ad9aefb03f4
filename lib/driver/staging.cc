#include "lib/driver/staging.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "lib/driver/device.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"

namespace amdrr {

Staging::Staging(Device& device)
    : device_(device),
      queue_(SdmaQueue::create(device)),
      bounce_(device.alloc(kBounceBytes, Memory::kGtt, "staging")),
      done_(device.system().make_signal(0)) {}

Staging::~Staging() = default;

void Staging::run() {
  queue_->signal(done_, ++ticket_).submit();
  done_.wait_at_least(ticket_);
}

void Staging::write(const Buffer& dst, uint64_t offset, std::span<const uint8_t> bytes) {
  for (uint64_t at = 0; at < bytes.size(); at += kBounceBytes) {
    const uint64_t n = std::min<uint64_t>(kBounceBytes, bytes.size() - at);
    bounce_.write(0, bytes.subspan(at, n));  // reported to the seam
    queue_->copy(dst.va() + offset + at, bounce_.va(), n);
    run();
  }
}

void Staging::read(const Buffer& src, uint64_t offset, std::span<uint8_t> out) {
  for (uint64_t at = 0; at < out.size(); at += kBounceBytes) {
    const uint64_t n = std::min<uint64_t>(kBounceBytes, out.size() - at);
    queue_->copy(bounce_.va(), src.va() + offset + at, n);
    run();
    bounce_.read(0, out.subspan(at, n));
  }
}

void Staging::fill(const Buffer& dst, uint64_t offset, uint64_t size, uint8_t value) {
  // Edges that are not whole dwords go through the bounce buffer.
  const uint64_t head = std::min<uint64_t>(size, (4 - offset % 4) % 4);
  const uint64_t body = (size - head) & ~uint64_t{3};
  const uint64_t tail = size - head - body;
  std::vector<uint8_t> edge(std::max(head, tail), value);
  if (head) write(dst, offset, {edge.data(), head});
  if (body) {
    queue_->fill(dst.va() + offset + head, value * 0x01010101u, body);
    run();
  }
  if (tail) write(dst, offset + head + body, {edge.data(), tail});
}

}  // namespace amdrr

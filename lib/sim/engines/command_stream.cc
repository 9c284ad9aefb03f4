#include "lib/sim/engines/command_stream.h"

#include <algorithm>

namespace amdrr::sim {
namespace {
// Ring dwords fetched at once; larger packets fetch what they need.
constexpr uint64_t kWindowDwords = 4096;
}  // namespace

CommandStream::CommandStream(GpuMemory& mem, const pkt::PacketTable& table, uint64_t ring_va,
                             uint32_t ring_bytes, uint32_t unit_bytes)
    : mem_(mem),
      table_(table),
      ring_va_(ring_va),
      ring_dwords_(ring_bytes / 4),
      unit_bytes_(unit_bytes) {}

bool CommandStream::set_wptr(uint64_t wptr) {
  // UNVERIFIED: the CP compares wrapped offsets; a pointer behind the read
  // pointer or more than a ring ahead is treated as a queue error here.
  if (wptr < rptr_ || (wptr - rptr_) * unit_bytes_ > ring_dwords_ * 4) return false;
  // UNVERIFIED: SDMA ignoring the low bits of a byte pointer; rejected here.
  if ((wptr * unit_bytes_) % 4 != 0) return false;
  wptr_ = wptr;
  return true;
}

std::optional<GpuFault> CommandStream::refill(uint64_t min_dwords) {
  const uint64_t pending = (wptr_ - rptr_) * unit_bytes_ / 4;
  const uint64_t n = std::min(pending, std::max(min_dwords, kWindowDwords));
  window_.resize(n);
  window_pos_ = 0;
  // Read with wrap: [offset, end of ring) then from the ring start.
  const uint64_t offset = (rptr_ * unit_bytes_ / 4) % ring_dwords_;
  const uint64_t first = std::min(n, ring_dwords_ - offset);
  auto bytes = [](uint32_t* p) { return reinterpret_cast<uint8_t*>(p); };
  if (auto f = mem_.read(ring_va_ + offset * 4, {bytes(window_.data()), first * 4})) return f;
  if (n > first) {
    if (auto f = mem_.read(ring_va_, {bytes(window_.data() + first), (n - first) * 4})) return f;
  }
  return std::nullopt;
}

CommandStream::Fetch CommandStream::next() {
  return ibs_.empty() ? next_from_ring() : next_from_ib();
}

CommandStream::Fetch CommandStream::next_from_ring() {
  const uint64_t pending = (wptr_ - rptr_) * unit_bytes_ / 4;
  if (pending == 0) return Fetch::kEmpty;
  if (window_pos_ >= window_.size()) {
    if (auto f = refill(1)) {
      fault_ = *f;
      return Fetch::kFault;
    }
  }
  packet_ = pkt::decode_one(table_, window_, window_pos_);
  packet_va_ = ring_va_ + ((rptr_ * unit_bytes_ / 4) % ring_dwords_) * 4;
  if (packet_.status != pkt::DecodeStatus::kTruncated) return Fetch::kPacket;
  if (packet_.declared_dwords > ring_dwords_) {
    message_ = "packet larger than the ring";
    return Fetch::kMalformed;
  }
  // Truncated in the window: fetch what it needs, or wait for the writer.
  // Each round needs more dwords than the last, so this ends.
  while (packet_.status == pkt::DecodeStatus::kTruncated) {
    const uint64_t need = std::max<uint64_t>(packet_.declared_dwords, packet_.dwords.size() + 1);
    if (need > pending) return Fetch::kPartial;
    if (auto f = refill(need)) {
      fault_ = *f;
      return Fetch::kFault;
    }
    packet_ = pkt::decode_one(table_, window_, 0);
  }
  return Fetch::kPacket;
}

CommandStream::Fetch CommandStream::next_from_ib() {
  Ib& ib = ibs_.back();
  if (ib.pos >= ib.dwords.size()) {
    ibs_.pop_back();  // IB done: back to the caller
    return next();
  }
  packet_ = pkt::decode_one(table_, ib.dwords, ib.pos);
  packet_va_ = ib.va + ib.pos * 4;
  if (packet_.status == pkt::DecodeStatus::kTruncated) {
    // UNVERIFIED: what the CP fetches past an IB's end; an error here.
    message_ = "packet runs past the end of its indirect buffer";
    return Fetch::kMalformed;
  }
  return Fetch::kPacket;
}

void CommandStream::consume() {
  const size_t n = packet_.dwords.size();
  if (!ibs_.empty()) {
    ibs_.back().pos += n;
    return;
  }
  window_pos_ += n;
  rptr_ += n * 4 / unit_bytes_;
  if (window_pos_ >= window_.size()) window_.clear(), window_pos_ = 0;
}

std::optional<GpuFault> CommandStream::call_ib(uint64_t va, uint32_t dwords, bool chain) {
  Ib ib;
  ib.va = va;
  ib.dwords.resize(dwords);
  if (auto f = mem_.read(va, {reinterpret_cast<uint8_t*>(ib.dwords.data()), size_t{dwords} * 4})) {
    return f;
  }
  if (chain && !ibs_.empty()) ibs_.pop_back();
  ibs_.push_back(std::move(ib));
  return std::nullopt;
}

}  // namespace amdrr::sim

#include "lib/sim/engines/gpu_memory.h"

#include <algorithm>

#include "lib/sim/sim_kfd.h"

namespace amdrr::sim {
namespace {
constexpr uint64_t kChunk = uint64_t{4} << 20;
}  // namespace

void WriteLog::add(uint32_t gpu_id, uint32_t queue_id, uint64_t va, uint64_t size) {
  if (size == 0) return;
  if (!ranges_.empty()) {
    WrittenRange& last = ranges_.back();
    if (last.gpu_id == gpu_id && last.queue_id == queue_id && last.va + last.size == va) {
      last.size += size;
      return;
    }
  }
  ranges_.push_back({gpu_id, queue_id, va, size});
}

std::optional<GpuFault> GpuMemory::read(uint64_t va, std::span<uint8_t> out) {
  return kfd_.gpu_read(gpu_id_, va, out);
}

std::optional<GpuFault> GpuMemory::write(uint64_t va, std::span<const uint8_t> in) {
  auto f = kfd_.gpu_write(gpu_id_, va, in);
  if (!f) log_.add(gpu_id_, queue_id_, va, in.size());
  return f;
}

std::optional<GpuFault> GpuMemory::copy(uint64_t dst, uint64_t src, uint64_t bytes) {
  auto f = kfd_.gpu_copy(gpu_id_, dst, src, bytes);
  if (!f) log_.add(gpu_id_, queue_id_, dst, bytes);
  return f;
}

std::optional<GpuFault> GpuMemory::fill(uint64_t dst, uint32_t pattern, uint64_t bytes) {
  bounce_.resize(std::min(kChunk, bytes));
  for (size_t i = 0; i < bounce_.size(); ++i) bounce_[i] = uint8_t(pattern >> (8 * (i % 4)));
  for (uint64_t done = 0; done < bytes;) {
    const uint64_t n = std::min<uint64_t>(bounce_.size(), bytes - done);
    if (auto f = write(dst + done, std::span(bounce_).first(n))) return f;
    done += n;
  }
  return std::nullopt;
}

}  // namespace amdrr::sim

#include "lib/sim/engines/gpu_memory.h"

#include <algorithm>

#include "lib/sim/engines/fault_injector.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr::sim {
namespace {
constexpr uint64_t kChunk = uint64_t{4} << 20;
}  // namespace

void WriteLog::add(uint32_t gpu_id, uint32_t queue_id, uint64_t va, uint64_t size) {
  if (size == 0 || !enabled_) return;
  std::unique_lock lock(mu_, std::defer_lock);
  if (concurrent_) lock.lock();
  if (!ranges_.empty()) {
    WrittenRange& last = ranges_.back();
    if (last.gpu_id == gpu_id && last.queue_id == queue_id && last.va + last.size == va) {
      last.size += size;
      return;
    }
  }
  ranges_.push_back({gpu_id, queue_id, va, size});
}

std::optional<GpuFault> GpuMemory::injected_fault(uint64_t va, uint64_t size) {
  uint64_t at = 0;
  const FaultPlan::VmFault* v = faults_ ? faults_->vm_fault(gpu_id_, va, size, &at) : nullptr;
  if (!v) return std::nullopt;
  injected_ = describe_vm_fault(*v);
  faults_->record({injected_, gpu_id_, queue_id_, at, 0});
  GpuFault f;
  f.va = at;
  f.not_present = true;  // as if the page were not mapped
  return f;
}

std::optional<GpuFault> GpuMemory::read(uint64_t va, std::span<uint8_t> out) {
  if (auto f = injected_fault(va, out.size())) return f;
  return kfd_.gpu_read(gpu_id_, va, out);
}

std::optional<GpuFault> GpuMemory::write(uint64_t va, std::span<const uint8_t> in) {
  if (auto f = injected_fault(va, in.size())) return f;
  auto f = kfd_.gpu_write(gpu_id_, va, in);
  if (!f) log_.add(gpu_id_, queue_id_, va, in.size());
  return f;
}

std::optional<GpuFault> GpuMemory::copy(uint64_t dst, uint64_t src, uint64_t bytes) {
  if (auto f = injected_fault(src, bytes)) return f;
  if (auto f = injected_fault(dst, bytes)) return f;
  if (auto f = kfd_.gpu_copy(gpu_id_, dst, src, bytes)) return f;
  log_.add(gpu_id_, queue_id_, dst, bytes);
  std::string what;
  const auto bit = faults_ && bytes ? faults_->next_copy(&what) : std::nullopt;
  if (bit) {
    // The copy "succeeded" with one bit wrong, as a flaky link would leave it.
    const uint64_t b = *bit % (bytes * 8);
    uint8_t byte = 0;
    if (!kfd_.gpu_read(gpu_id_, dst + b / 8, {&byte, 1})) {
      byte ^= uint8_t(1u << (b % 8));
      (void)kfd_.gpu_write(gpu_id_, dst + b / 8, {&byte, 1});
    }
    faults_->record({what, gpu_id_, queue_id_, dst, b});
  }
  return std::nullopt;
}

std::optional<GpuFault> GpuMemory::fill(uint64_t dst, uint32_t pattern, uint64_t bytes) {
  const size_t words = static_cast<size_t>((std::min(kChunk, bytes) + 3) / 4);
  if (bounce_pattern_ != pattern) {
    std::fill(bounce_.begin(), bounce_.end(), pattern);
    bounce_pattern_ = pattern;
  }
  if (bounce_.size() < words) bounce_.resize(words, pattern);
  // Little-endian words: byte i of the pattern repeats at i mod 4.
  const auto source = std::as_bytes(std::span(bounce_));
  for (uint64_t done = 0; done < bytes;) {
    const uint64_t n = std::min<uint64_t>(source.size(), bytes - done);
    const auto chunk = source.first(n);
    if (auto f =
            write(dst + done, {reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size()})) {
      return f;
    }
    done += n;
  }
  return std::nullopt;
}

}  // namespace amdrr::sim

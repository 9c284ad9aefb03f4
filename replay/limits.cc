#include "replay/limits.h"

namespace amdrr::replay {

uint64_t limit_value(const ReplayLimits& limits, Limit limit) {
  switch (limit) {
    case Limit::kAllocBytes:
      return limits.max_alloc_bytes;
    case Limit::kTotalAllocBytes:
      return limits.max_total_alloc_bytes;
    case Limit::kQueues:
      return limits.max_queues;
    case Limit::kBuffers:
      return limits.max_buffers;
    case Limit::kRecordBytes:
      return limits.max_record_bytes;
    case Limit::kBlobBytes:
      return limits.max_blob_bytes;
    case Limit::kSeconds:
      return limits.max_seconds;
  }
  return 0;
}

const char* limit_flag(Limit limit) {
  switch (limit) {
    case Limit::kAllocBytes:
      return "--max-alloc";
    case Limit::kTotalAllocBytes:
      return "--max-total-alloc";
    case Limit::kQueues:
      return "--max-queues";
    case Limit::kBuffers:
      return "--max-buffers";
    case Limit::kRecordBytes:
      return "--max-record";
    case Limit::kBlobBytes:
      return "--max-blob";
    case Limit::kSeconds:
      return "--max-seconds";
  }
  return "?";
}

std::string limit_message(Limit limit, const std::string& what, uint64_t value,
                          const ReplayLimits& limits) {
  return std::string("the trace asks for ")
      .append(what)
      .append(" (")
      .append(std::to_string(value))
      .append("), over the limit of ")
      .append(std::to_string(limit_value(limits, limit)))
      .append("; raise it with ")
      .append(limit_flag(limit));
}

std::chrono::steady_clock::time_point deadline_after(std::chrono::steady_clock::time_point start,
                                                     uint64_t seconds) {
  using Clock = std::chrono::steady_clock;
  const auto left =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::time_point::max() - start);
  if (seconds >= uint64_t(left.count())) return Clock::time_point::max();
  return start + std::chrono::seconds(seconds);
}

}  // namespace amdrr::replay

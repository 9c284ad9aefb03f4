#pragma once
// Replayer: pulls a trace's records and re-issues them on a Kmd backend, in
// the recorded global order, remapping what the kernel hands out (BO
// handles, gpu_ids, mmap offsets, queue ids) and checking what must stay
// the same (event ids, the values CPU waits saw, observed memory, recorded
// GPU errors). The first difference ends the replay with a verdict and a
// report of where; nothing a trace holds makes it crash or write outside
// the mappings the replay made.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "format/kmd_records.h"
#include "format/trace_reader.h"
#include "lib/gpu/gpu_target.h"
#include "lib/kmd/kmd.h"
#include "replay/address_space.h"
#include "replay/divergence_report.h"
#include "replay/replay_options.h"
#include "replay/replay_result.h"

namespace amdrr::sim {
class EngineScheduler;
}  // namespace amdrr::sim

namespace amdrr::replay {

/// Every range the trace maps at a fixed address (CPU mappings of BOs and
/// USERPTR memory), for AddressSpace::reserve. Reads `reader` to the end.
/// False with a message if a record cannot be read (trace_scan.h does more).
bool collect_fixed_ranges(format::TraceReader& reader, std::vector<VaRange>* ranges,
                          std::string* error);

class Replayer {
 public:
  /// `engines` (may be null) is the emulated GPU's scheduler, asked which
  /// queues stopped and why. `space` holds the reservations already made.
  /// `records_total` (0 if unknown) is for progress reports.
  Replayer(format::TraceReader& reader, kmd::Kmd& kmd, AddressSpace& space,
           sim::EngineScheduler* engines, ReplayOptions options, uint64_t records_total = 0);

  /// Replays from the record after the header to the end (or the stop
  /// ReplayOptions asks for).
  ReplayResult run();

 private:
  struct QueueInfo {
    uint32_t id = 0;   // the replay's queue id
    uint32_t gpu = 0;  // the replay's gpu_id
    kmd::CreateQueueArgs args;
  };

  /// `failure` defaults to `message` (ReplayResult::failure: give one when
  /// the message names a submission or a value that leaving work out moves).
  void stop(Verdict verdict, std::string message, std::string details = {},
            std::string failure = {});
  bool stopped() const { return result_.verdict != Verdict::kSame || until_reached_; }

  void replay_record(const format::RecordView& view);
  void replay_kmd_call(schema::KmdCall::Reader call);
  template <format::KmdOp Op>
  void replay_call(format::KmdCallOf<Op>& call, int32_t recorded_errno);
  bool size_queue_buffers(kmd::CreateQueueArgs& args, uint32_t gpu);
  void replay_doorbell(schema::Doorbell::Reader doorbell, uint64_t record);
  void replay_mem_write(schema::MemWrite::Reader write);
  void replay_wait(schema::WaitResult::Reader wait);
  void replay_observed(schema::ObservedMemory::Reader observed);
  void replay_gpu_error(schema::GpuError::Reader error);
  void replay_annotation(schema::Annotation::Reader annotation);
  void report_difference(schema::ObservedMemory::Reader observed);
  void drain();
  /// Blocks until the queue has read far enough that a write pointer of
  /// `wptr` leaves no unread packet overwritten; false when it stopped.
  bool wait_for_ring_room(uint32_t queue_id, const kmd::CreateQueueArgs& args, uint64_t wptr);
  void check_stopped_queues();
  void check_exceptions(const std::vector<kmd::EventData>& events);
  void check_errno(int32_t recorded, int replayed);
  bool out_of_time();
  std::string time_limit_message() const;

  bool read_bytes(schema::BlobRef::Reader ref, std::vector<uint8_t>* out);
  std::optional<uint32_t> gpu(uint32_t recorded);
  std::optional<uint64_t> handle(uint64_t recorded);
  const gpu::GpuTarget* target_of(uint32_t replay_gpu) const;

  format::TraceReader& reader_;
  kmd::Kmd& kmd_;
  AddressSpace& space_;
  sim::EngineScheduler* engines_;
  ReplayOptions options_;
  ReplayResult result_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  std::optional<std::pair<Verdict, std::string>> gpu_error_;  // first fault seen
  size_t stopped_queues_seen_ = 0;
  bool verifying_ = true;  // false before options_.from_label
  bool until_reached_ = false;
  bool last_wait_timed_out_ = false;  // the last WAIT_EVENTS replayed
  uint64_t record_ = 0;               // number of the record being replayed

  std::map<uint32_t, uint32_t> gpu_ids_;                           // recorded -> replay
  std::map<uint32_t, gpu::GpuTarget> targets_;                     // replay gpu -> target
  std::map<uint64_t, uint64_t> handles_;                           // recorded -> replay
  std::map<std::pair<uint32_t, uint64_t>, uint64_t> drm_offsets_;  // (gpu, offset) -> offset
  std::map<uint32_t, QueueInfo> queues_;                           // recorded id -> replay
  std::map<uint64_t, kmd::CpuMapping> cpu_maps_;                   // recorded addr -> replay

  // For the divergence report.
  std::optional<Submission> last_submission_;
  BufferMap buffers_;
  std::string last_label_;
};

}  // namespace amdrr::replay

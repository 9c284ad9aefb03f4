#pragma once
// Queue: a user-mode ring the GPU reads, created through KFD. Commands are
// appended to a pending batch and go to the GPU with submit(): copied into
// the ring (waiting on the engine's read pointer when the ring is full —
// never overwriting unread packets), then the write pointer, then the
// doorbell. Every CPU store into the ring and the pointers is reported to
// the seam, so a capture holds exactly the packets behind each doorbell.

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lib/driver/buffer.h"
#include "lib/kmd/kmd_types.h"

namespace amdrr {

class Device;
class Signal;

enum class QueueKind : uint8_t { kPm4, kAql, kSdma, kSdmaXgmi };
const char* queue_kind_name(QueueKind kind);

struct QueueOptions {
  uint32_t ring_bytes = 64 * 1024;  // a power of two
  uint32_t priority = 7;            // KFD 0..15
  /// SDMA only: pin the queue to this engine (KFD >= 1.17); else KFD picks.
  int32_t sdma_engine = -1;
  /// How long submit() waits for ring space before calling the queue hung.
  std::chrono::milliseconds full_timeout = std::chrono::seconds(10);
};

class Queue {
 public:
  virtual ~Queue();
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  QueueKind kind() const { return kind_; }
  uint32_t id() const { return id_; }
  Device& device() const { return device_; }
  const Buffer& ring() const { return ring_; }
  /// "SDMA queue 3 on GPU 0": how errors name it.
  std::string name() const;

  /// Raw packet dwords appended to the pending batch (PM4 and SDMA queues).
  Queue& append(std::span<const uint32_t> dwords);
  /// Sends the pending batch: ring, write pointer, doorbell.
  void submit();
  size_t pending_dwords() const { return pending_.size(); }

  /// Destroys the KFD queue; any later use is an Error.
  void destroy();
  bool destroyed() const { return destroyed_; }

  /// Bytes written to the ring so far (monotonic), and the engine's read
  /// position in bytes as it last published it.
  uint64_t written_bytes() const { return put_bytes_; }
  uint64_t read_bytes() const;

 protected:
  Queue(Device& device, QueueKind kind, const QueueOptions& options);
  /// Called by submit() before the batch goes out: a queue appends what must
  /// follow its commands (e.g. a progress signal for its kernarg arena).
  virtual void before_submit() {}
  /// Whether submit() has anything to send (PM4/SDMA: pending dwords).
  virtual bool has_pending() const { return !pending_.empty(); }
  /// Writes the pending batch into the ring and forgets it; submit() then
  /// publishes. PM4/SDMA copy the dwords; AQL writes packets header last.
  virtual void write_pending();
  /// Allocates the ring and control page, creates the KFD queue.
  void create_kfd_queue(kmd::CreateQueueArgs args);
  /// A compute queue (PM4 or AQL): allocates the EOP buffer and the
  /// context-save area of the topology's sizes, then create_kfd_queue.
  void create_compute_kfd_queue(kmd::QueueType type);
  /// Copies `bytes` into the ring at the write position (wrapping), first
  /// waiting for room.
  void write_ring(std::span<const uint8_t> bytes);
  /// Stores the write pointer and rings the doorbell, in the queue's units.
  void publish();
  /// The queue stayed full past its timeout, polling `read_va` (last seen
  /// `value`): tells the seam (a capture records a GPU error) and returns
  /// `message`, for the caller to throw as an Error.
  std::string report_full(uint64_t read_va, uint64_t value, std::string message) const;
  void require_live(const char* what) const;
  /// Makes a buffer or signal address usable from this queue's GPU.
  void reach(const Buffer& memory) const;

  Device& device_;
  QueueKind kind_;
  QueueOptions options_;
  Buffer ring_;
  Buffer control_;  // wptr at +56, rptr at +128 (an amd_queue_t for AQL)
  Buffer eop_;
  Buffer cwsr_;
  uint32_t id_ = 0;
  bool created_ = false;
  bool destroyed_ = false;
  uint64_t put_bytes_ = 0;
  std::vector<uint32_t> pending_;
};

/// Control page layout shared by every queue kind (amd_queue_t offsets).
inline constexpr uint64_t kWritePointerOffset = 56;
inline constexpr uint64_t kReadPointerOffset = 128;

}  // namespace amdrr

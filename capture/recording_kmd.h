#pragma once
// RecordingKmd: a Kmd decorator that writes everything the driver asks of
// the kernel and the GPU into a trace, then forwards it to the real backend.
//
//  - every call: a KmdCall `issued` record before forwarding (so a call that
//    crashes or never returns is still in the trace), a `returned` one after,
//    with the results and errno;
//  - write_doorbell: a Doorbell record instead (queue, raw value, pointers in
//    memory, the packet bytes written since the previous doorbell of that
//    queue), plus a returned KmdCall only when the doorbell fails;
//  - note_cpu_write: a MemWrite (source driver), except for ring and write
//    pointer bytes, which the Doorbell records carry;
//  - WAIT_EVENTS and note_cpu_wait: WaitResult records; exception data that
//    a wait returns, and note_cpu_wait_failed: GpuError records;
//  - after each satisfied wait: ObservedMemory (packetTarget) for the
//    destinations of the decoded PM4/SDMA packets the wait shows complete
//    (CompletionTracker); note_cpu_read: ObservedMemory (afterWait);
//  - note_code_object: a CodeObject record (the ELF through the blob store);
//  - annotate() / observe(): Annotation and ObservedMemory records.
//
// Thread-safe: the writer is; the queue, mapping and event tables are under
// one lock.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string_view>

#include "capture/completion_tracker.h"
#include "capture/queue_tracker.h"
#include "format/trace_writer.h"
#include "lib/kmd/kmd.h"

namespace amdrr::capture {

class StoreTracker;

/// Packet bytes above this go to a blob instead of the record's dword list.
inline constexpr size_t kInlinePacketBytes = 16 * 1024;
/// Observed ranges up to this size carry their bytes (through the blob store).
inline constexpr uint64_t kDefaultObserveContentMax = 64 * 1024;

class RecordingKmd final : public kmd::Kmd {
 public:
  RecordingKmd(kmd::Kmd& inner, format::TraceWriter& writer);
  ~RecordingKmd() override;

  /// Called after each recorded wait (the session flushes frames there).
  void set_wait_listener(std::function<void()> listener) { wait_listener_ = std::move(listener); }
  /// Page-protection tracking of program stores into mapped BOs (optional).
  /// Flushed before every doorbell, wait and driver store. The tracker must
  /// outlive this object.
  void set_store_tracker(StoreTracker* tracker);
  /// Stops store tracking for good: records what the tracker saw, unprotects
  /// every page and lets go of it, under the lock, so threads still using
  /// this Kmd see the tracker or none, never one half torn down.
  void detach_store_tracker();
  /// Decode doorbells' packets for packetTarget observations (on by default).
  void set_observe_packets(bool on) { observe_packets_ = on; }
  /// Observed ranges up to `bytes` carry their content (0: hashes only).
  void set_observe_content_max(uint64_t bytes) { observe_content_max_ = bytes; }
  /// Stops recording for good (the trace was closed, or this is a fork
  /// child); calls are then only forwarded.
  void stop() { recording_.store(false, std::memory_order_release); }
  bool recording() const { return recording_.load(std::memory_order_acquire); }

  /// A user label in the trace ("dispatch kernel X").
  void annotate(std::string_view label, std::string_view detail = {});
  /// A content hash of [va, va + size), which the program declares as a
  /// result worth comparing on replay. False if the range is not CPU-mapped.
  bool observe(uint64_t va, uint64_t size);
  /// A syscall (read, pread, recv) wrote `bytes` at `va`: a MemWrite with
  /// source syscall, if `va` is in a CPU mapping of a BO.
  void note_syscall_write(uint64_t va, std::span<const uint8_t> bytes);
  /// Writes what the store tracker saw as MemWrite records now.
  void flush_stores();

  // --- Kmd -------------------------------------------------------------------
  const gpu::Topology& topology() const override { return inner_.topology(); }
  Result<kmd::GetVersionResult> get_version() override;
  Result<std::vector<kmd::ProcessDeviceApertures>> get_process_apertures() override;
  Result<void> acquire_vm(const kmd::AcquireVmArgs& args) override;
  Result<uint32_t> runtime_enable(const kmd::RuntimeEnableArgs& args) override;
  Result<int32_t> set_xnack_mode(int32_t xnack_enabled) override;
  Result<kmd::ClockCounters> get_clock_counters(uint32_t gpu_id) override;
  Result<uint64_t> available_memory(uint32_t gpu_id) override;
  Result<kmd::AllocMemoryResult> alloc_memory_of_gpu(const kmd::AllocMemoryArgs& args) override;
  Result<void> free_memory_of_gpu(uint64_t handle) override;
  Result<void> map_memory_to_gpu(kmd::MapMemoryArgs& args) override;
  Result<void> unmap_memory_from_gpu(kmd::MapMemoryArgs& args) override;
  Result<kmd::CpuMapping> mmap(const kmd::MmapArgs& args) override;
  Result<void> munmap(const kmd::CpuMapping& mapping) override;
  Result<kmd::CreateQueueResult> create_queue(const kmd::CreateQueueArgs& args) override;
  Result<void> destroy_queue(uint32_t queue_id) override;
  Result<void> update_queue(const kmd::UpdateQueueArgs& args) override;
  Result<void> write_doorbell(uint32_t queue_id, uint64_t value) override;
  Result<kmd::CreateEventResult> create_event(const kmd::CreateEventArgs& args) override;
  Result<void> destroy_event(uint32_t event_id) override;
  Result<void> set_event(uint32_t event_id) override;
  Result<void> reset_event(uint32_t event_id) override;
  Result<kmd::WaitResult> wait_events(const kmd::WaitEventsArgs& args) override;
  void prepare_cpu_write(uint64_t va, uint64_t size) override;
  void note_cpu_write(uint64_t va, std::span<const uint8_t> bytes) override;
  void poll() override;
  void note_cpu_wait(const kmd::CpuWait& wait) override;
  void note_cpu_wait_failed(const kmd::CpuWaitFailure& failure) override;
  void note_cpu_read(uint64_t va, std::span<const uint8_t> bytes) override;
  void note_code_object(uint64_t load_va, std::span<const uint8_t> elf,
                        const std::string& name) override;

 private:
  /// Records issued, forwards `call`, records returned. `args` are the
  /// arguments as passed in (in/out ones copied before the call).
  template <auto Op, typename WriteArgs, typename Call, typename ToResult>
  auto recorded(const WriteArgs& args, Call&& call, ToResult&& to_result);
  bool cpu_mapped(uint64_t va, uint64_t size) const;  // under mutex_
  /// The mapping holding [va, va + size), or nullptr.  Under mutex_.
  const kmd::MmapDevice* mapping_device(uint64_t va, uint64_t size) const;
  /// ObservedMemory records for completed packet targets the CPU can read.
  void observe_completed(const std::vector<PacketTarget>& targets);  // under mutex_
  void write_observed(uint64_t va, std::span<const uint8_t> bytes, schema::ObservedReason reason,
                      bool volatile_bytes);
  uint64_t read_position(uint32_t queue_id) const { return queues_.read_position(queue_id); }
  void record_gpu_errors(const kmd::WaitEventsArgs& returned);
  void after_wait();

  kmd::Kmd& inner_;
  format::TraceWriter& writer_;
  std::atomic<bool> recording_{true};
  std::atomic<uint64_t> next_seq_{1};
  std::function<void()> wait_listener_;
  // Written under mutex_; read under it, or without it only to skip work
  // (the tracker itself outlives this object).
  std::atomic<StoreTracker*> store_tracker_{nullptr};
  uint64_t observe_content_max_ = kDefaultObserveContentMax;
  bool observe_packets_ = true;

  mutable std::mutex mutex_;  // guards everything below
  QueueTracker queues_;
  CompletionTracker completions_;
  struct Mapping {
    uint64_t size = 0;
    kmd::MmapDevice device = kmd::MmapDevice::kRenderNode;
  };
  std::map<uint64_t, Mapping> cpu_mappings_;                        // by address
  std::map<uint32_t, kmd::EventType> event_types_;                  // event_id -> type
  std::map<uint32_t, kmd::MemoryExceptionData> last_memory_error_;  // by event id
  std::map<uint32_t, kmd::HwExceptionData> last_hw_error_;          // by event id
};

}  // namespace amdrr::capture

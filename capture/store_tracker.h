#pragma once
// StoreTracker: plain stores by the program into host-visible BOs, seen by
// write-protecting the mapped pages. The first store to a page faults; the
// SIGSEGV handler (crash_handlers.cc) asks on_fault() first, which snapshots
// the page, marks it dirty and unprotects it, so the store then completes.
// At each flush point (doorbell, wait, driver store, spin) flush() protects
// the dirty pages again and writes the bytes that differ from the snapshot as
// MemWrite records (source trappedStore). Driver writes reported through
// Kmd::note_cpu_write are folded into the snapshot, so they are not recorded
// twice.
//
// Works on VM_PFNMAP mappings (real KFD BOs) as on memfd ones: it needs only
// mprotect. It never writes the memory, so GPU-written data is never touched.
// Writes by the kernel on the program's behalf never fault (read(2) into a
// protected page gets EFAULT): syscall_interpose.cc unprotects the pages
// before read / pread / recv and records their bytes. Not seen: other
// syscalls writing into a mapped BO (EFAULT while tracked), writes through
// another mapping of the same memory, and stores while the program's own
// SIGSEGV handler replaced ours. On hardware the GPU runs concurrently, so a
// GPU write to a page the CPU dirtied, between the CPU's fault and the next
// flush, is recorded as a CPU write (the emulated GPU only runs inside Kmd
// calls, where the tracker has flushed first).

#include <signal.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "format/trace_writer.h"

namespace amdrr::capture {

class StoreTracker {
 public:
  StoreTracker();
  ~StoreTracker();
  StoreTracker(const StoreTracker&) = delete;
  StoreTracker& operator=(const StoreTracker&) = delete;

  /// Write-protects a new CPU mapping and starts tracking it.
  void track(uint64_t addr, uint64_t size);
  /// Stops tracking (call flush() first) before the mapping goes away. Its
  /// pages become writable; a store fault handled meanwhile is waited for.
  void untrack(uint64_t addr, uint64_t size);
  /// Unprotects and forgets every mapping (the capture ends).
  void untrack_all();
  /// Leaves [addr, addr + size) writable and untracked (rings: their bytes
  /// go into Doorbell records). Page-granular: whole pages are excluded.
  void exclude(uint64_t addr, uint64_t size);
  /// A syscall is about to write [addr, addr + size): unprotects the tracked
  /// pages in it as a store fault would (snapshot, dirty). True if any is
  /// tracked.
  bool make_writable(uint64_t addr, uint64_t size);
  /// The driver is about to write [addr, addr + size) and will absorb()
  /// its bytes: the tracked pages in it become dirty and writable with one
  /// mprotect per region; only partly covered pages are snapshotted (the
  /// driver's bytes complete the others' snapshots).
  void prepare_driver_write(uint64_t addr, uint64_t size);
  /// The driver wrote `bytes` at `va` (already stored): not a program store.
  void absorb(uint64_t va, std::span<const uint8_t> bytes);
  /// True if a page is waiting to be flushed (cheap: one atomic load).
  bool has_dirty() const {
    return tail_.load(std::memory_order_acquire) != head_.load(std::memory_order_relaxed) ||
           overflow_.load(std::memory_order_relaxed);
  }
  /// Re-protects dirty pages and records what changed. One flusher at a time.
  void flush(format::TraceWriter& writer);

  /// From the SIGSEGV handler: true if the fault was a store to a tracked
  /// page and has been handled (the store will complete on return). Also
  /// true, once, for a fault outside every tracked page after an untrack():
  /// it may be a store to a page untrack() made writable meanwhile, which
  /// then completes; any other fault comes back at the same address.
  bool on_fault(void* address) noexcept;

  uint64_t faults() const { return faults_.load(std::memory_order_relaxed); }

 private:
  struct Region {
    std::atomic<uint64_t> start{0};
    std::atomic<uint64_t> size{0};          // 0: slot unused
    uint8_t* shadow = nullptr;              // snapshot of each page at its fault
    std::atomic<uint8_t>* state = nullptr;  // per page: kClean, kDirty, kExcluded
  };
  struct DirtyEntry {
    std::atomic<uint32_t> region{0};
    std::atomic<uint32_t> page{0};
    std::atomic<bool> valid{false};
  };
  static constexpr size_t kMaxRegions = 4096;
  static constexpr size_t kDirtyCapacity = 1u << 16;

  Region* find(uint64_t addr, size_t* index) noexcept;
  /// Puts a page that just became dirty on the flush list.
  void push_dirty(size_t region, uint64_t page) noexcept;
  /// Protects the pages (sorted, runs coalesced), then records each.
  void flush_pages(format::TraceWriter& writer, std::vector<std::pair<uint32_t, uint32_t>>& pages);
  /// Records what changed in one protected dirty page; marks it clean.
  void record_page(format::TraceWriter& writer, uint32_t region, uint32_t page);
  void flush_by_scan(format::TraceWriter& writer);

  std::array<Region, kMaxRegions> regions_;
  std::atomic<size_t> used_{0};  // regions_[used_..] have never been used
  std::array<DirtyEntry, kDirtyCapacity> dirty_;
  std::atomic<uint64_t> tail_{0};  // handlers append here
  std::atomic<uint64_t> head_{0};  // the flusher consumes here
  std::atomic<bool> overflow_{false};
  std::atomic<uint64_t> faults_{0};
  std::atomic<int> in_fault_{0};        // on_fault() calls running (untrack() waits for them)
  std::atomic<bool> untracked_{false};  // untrack() ran at least once
  uint64_t page_size_;
};

}  // namespace amdrr::capture

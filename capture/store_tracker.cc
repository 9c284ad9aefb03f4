#include "capture/store_tracker.h"

#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

namespace amdrr::capture {
namespace {

constexpr uint8_t kClean = 0;  // write-protected, snapshot stale
constexpr uint8_t kDirty = 1;  // writable, snapshot taken at the fault
constexpr uint8_t kExcluded = 2;
// Writable, and about to be written whole by the driver, which records those
// bytes itself: no snapshot, and the flush re-protects it without comparing
// (a 1 GiB upload saves a copy and a compare of every byte). A store by
// another thread racing the driver's write to the same page is not seen.
constexpr uint8_t kDriverWhole = 3;

bool is_dirty(uint8_t state) {
  return state == kDirty || state == kDriverWhole;
}

// The page of the last fault on this thread that on_fault() let run again
// without finding it tracked (0: none since its last tracked fault).
thread_local uint64_t t_retried_page = 0;

}  // namespace

StoreTracker::StoreTracker() : page_size_(static_cast<uint64_t>(sysconf(_SC_PAGESIZE))) {}

StoreTracker::~StoreTracker() {
  untrack_all();
}

void StoreTracker::untrack_all() {
  for (size_t i = 0; i < used_.load(); ++i) {
    Region& r = regions_[i];
    uint64_t size = r.size.load();
    if (size == 0) continue;
    untrack(r.start.load(), size);
  }
}

void StoreTracker::track(uint64_t addr, uint64_t size) {
  if (size == 0 || addr % page_size_ != 0) return;
  size = (size + page_size_ - 1) / page_size_ * page_size_;
  const uint64_t pages = size / page_size_;
  for (size_t i = 0; i < regions_.size(); ++i) {
    Region& r = regions_[i];
    if (r.size.load(std::memory_order_acquire) != 0) continue;
    if (i >= used_.load(std::memory_order_relaxed)) used_.store(i + 1, std::memory_order_release);
    // Snapshots cost memory only for pages that fault (anonymous, untouched).
    void* shadow = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (shadow == MAP_FAILED) return;
    r.shadow = static_cast<uint8_t*>(shadow);
    r.state = new std::atomic<uint8_t>[pages];
    for (uint64_t p = 0; p < pages; ++p) r.state[p].store(kClean, std::memory_order_relaxed);
    r.start.store(addr, std::memory_order_relaxed);
    ::mprotect(reinterpret_cast<void*>(addr), size, PROT_READ);
    r.size.store(size, std::memory_order_release);  // visible to the handler last
    return;
  }
  // More mappings than slots: this one is not tracked (and says nothing);
  // kMaxRegions is far above what the driver maps.
}

void StoreTracker::untrack(uint64_t addr, uint64_t size) {
  (void)size;
  for (Region& r : regions_) {
    uint64_t rsize = r.size.load(std::memory_order_acquire);
    if (rsize == 0 || r.start.load(std::memory_order_relaxed) != addr) continue;
    untracked_.store(true, std::memory_order_relaxed);
    // Writable, then not found (seq_cst, with find() and in_fault_: a
    // handler either misses the region or is counted below): a store that
    // faulted before but whose handler misses the region completes on its
    // retry (on_fault).
    ::mprotect(reinterpret_cast<void*>(addr), rsize, PROT_READ | PROT_WRITE);
    r.size.store(0);
    // A handler that found the region may still use its snapshot and states.
    // It takes microseconds; the bound is for a count left by a thread that
    // does not exist here (a fork child's copy).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (in_fault_.load() != 0 && std::chrono::steady_clock::now() < deadline) sched_yield();
    ::munmap(r.shadow, rsize);
    delete[] r.state;
    r.shadow = nullptr;
    r.state = nullptr;
    return;
  }
}

StoreTracker::Region* StoreTracker::find(uint64_t addr, size_t* index) noexcept {
  // Linear, but only over slots ever used: the driver maps few BOs, and the
  // signal handler needs a lock-free lookup.
  const size_t used = used_.load(std::memory_order_acquire);
  for (size_t i = 0; i < used; ++i) {
    Region& r = regions_[i];
    uint64_t size = r.size.load();  // seq_cst: see untrack()
    if (size == 0) continue;
    uint64_t start = r.start.load(std::memory_order_relaxed);
    if (addr >= start && addr < start + size) {
      *index = i;
      return &r;
    }
  }
  return nullptr;
}

void StoreTracker::exclude(uint64_t addr, uint64_t size) {
  uint64_t first = addr / page_size_ * page_size_;
  for (uint64_t p = first; p < addr + size; p += page_size_) {
    size_t index = 0;
    Region* r = find(p, &index);
    if (!r) continue;
    uint64_t page = (p - r->start.load()) / page_size_;
    r->state[page].store(kExcluded, std::memory_order_release);
    ::mprotect(reinterpret_cast<void*>(p), page_size_, PROT_READ | PROT_WRITE);
  }
}

bool StoreTracker::make_writable(uint64_t addr, uint64_t size) {
  bool any = false;
  for (uint64_t p = addr / page_size_ * page_size_; p < addr + size; p += page_size_) {
    size_t index = 0;
    if (find(p, &index) == nullptr) continue;
    any = true;
    on_fault(reinterpret_cast<void*>(p));
  }
  return any;
}

void StoreTracker::absorb(uint64_t va, std::span<const uint8_t> bytes) {
  uint64_t end = va + bytes.size();
  for (uint64_t p = va / page_size_ * page_size_; p < end; p += page_size_) {
    size_t index = 0;
    Region* r = find(p, &index);
    if (!r) continue;
    uint64_t start = r->start.load();
    uint64_t page = (p - start) / page_size_;
    if (r->state[page].load(std::memory_order_acquire) != kDirty) continue;
    uint64_t lo = std::max(va, p);
    uint64_t hi = std::min(end, p + page_size_);
    std::memcpy(r->shadow + (lo - start), bytes.data() + (lo - va), hi - lo);
  }
}

bool StoreTracker::on_fault(void* address) noexcept {
  const uint64_t addr = reinterpret_cast<uint64_t>(address);
  struct Counted {
    std::atomic<int>& n;
    explicit Counted(std::atomic<int>& count) : n(count) { n.fetch_add(1); }
    ~Counted() { n.fetch_sub(1); }
  } counted(in_fault_);
  size_t index = 0;
  Region* r = find(addr, &index);
  const uint64_t fault_page = addr / page_size_ + 1;  // never 0
  if (!r) {
    // Perhaps a store to a page untrack() has made writable since it faulted
    // (the capture closing under a storing thread): run it once more.
    if (untracked_.load(std::memory_order_relaxed) && t_retried_page != fault_page) {
      t_retried_page = fault_page;
      return true;
    }
    t_retried_page = 0;
    return false;
  }
  t_retried_page = 0;
  const uint64_t start = r->start.load(std::memory_order_relaxed);
  const uint64_t page = (addr - start) / page_size_;
  uint8_t expected = kClean;
  if (!r->state[page].compare_exchange_strong(expected, kDirty, std::memory_order_acq_rel)) {
    // Dirty: another thread faulted and is unprotecting it, or the flusher is
    // re-protecting it and will mark it clean. Excluded pages are writable,
    // so a fault there is not ours... unless the page was never unprotected.
    if (expected == kExcluded) {
      ::mprotect(reinterpret_cast<void*>(start + page * page_size_), page_size_,
                 PROT_READ | PROT_WRITE);
    }
    return true;  // retry the store
  }
  faults_.fetch_add(1, std::memory_order_relaxed);
  uint8_t* p = reinterpret_cast<uint8_t*>(start + page * page_size_);
  std::memcpy(r->shadow + page * page_size_, p, page_size_);
  push_dirty(index, page);
  ::mprotect(p, page_size_, PROT_READ | PROT_WRITE);
  return true;
}

void StoreTracker::push_dirty(size_t index, uint64_t page) noexcept {
  uint64_t slot = tail_.load(std::memory_order_relaxed);
  do {
    if (slot - head_.load(std::memory_order_acquire) >= kDirtyCapacity) {
      overflow_.store(true, std::memory_order_release);  // flush() scans instead
      slot = UINT64_MAX;
      break;
    }
  } while (!tail_.compare_exchange_weak(slot, slot + 1, std::memory_order_acq_rel));
  if (slot != UINT64_MAX) {
    DirtyEntry& e = dirty_[slot % kDirtyCapacity];
    e.region.store(static_cast<uint32_t>(index), std::memory_order_relaxed);
    e.page.store(static_cast<uint32_t>(page), std::memory_order_relaxed);
    e.valid.store(true, std::memory_order_release);
  }
}

void StoreTracker::prepare_driver_write(uint64_t addr, uint64_t size) {
  const uint64_t end = addr + size;
  uint64_t p = addr / page_size_ * page_size_;
  while (p < end) {
    size_t index = 0;
    Region* r = find(p, &index);
    if (!r) {
      p += page_size_;
      continue;
    }
    const uint64_t start = r->start.load(std::memory_order_relaxed);
    const uint64_t stop = std::min(end, start + r->size.load(std::memory_order_relaxed));
    const uint64_t first = p;
    for (; p < stop; p += page_size_) {
      const uint64_t page = (p - start) / page_size_;
      const bool whole = p >= addr && p + page_size_ <= end;
      uint8_t expected = kClean;
      if (!r->state[page].compare_exchange_strong(expected, whole ? kDriverWhole : kDirty,
                                                  std::memory_order_acq_rel)) {
        continue;  // already writable
      }
      // The driver's bytes complete a partly covered page's snapshot (absorb()).
      if (!whole) {
        std::memcpy(r->shadow + page * page_size_, reinterpret_cast<const void*>(p), page_size_);
      }
      push_dirty(index, page);
    }
    // Excluded and already dirty pages are writable anyway: one call.
    ::mprotect(reinterpret_cast<void*>(first), p - first, PROT_READ | PROT_WRITE);
  }
}

void StoreTracker::record_page(format::TraceWriter& writer, uint32_t region, uint32_t page) {
  Region& r = regions_[region];
  const uint64_t start = r.start.load(std::memory_order_relaxed);
  const uint8_t* p = reinterpret_cast<const uint8_t*>(start + uint64_t{page} * page_size_);
  if (r.state[page].load(std::memory_order_acquire) == kDriverWhole) {
    r.state[page].store(kClean, std::memory_order_release);
    return;
  }
  // Unchanged (the common case after a driver write): while the page is
  // still dirty, and protected, neither it nor its snapshot can change.
  if (std::memcmp(p, r.shadow + uint64_t{page} * page_size_, page_size_) == 0) {
    r.state[page].store(kClean, std::memory_order_release);
    return;
  }
  // Compare copies: once the page is clean, another thread's fault may
  // overwrite the snapshot, and another thread's store may not (it faults).
  thread_local std::vector<uint8_t> now, before;
  now.assign(p, p + page_size_);
  before.assign(r.shadow + uint64_t{page} * page_size_, r.shadow + uint64_t{page + 1} * page_size_);
  r.state[page].store(kClean, std::memory_order_release);
  // One MemWrite per run of changed bytes; runs closer than 32 bytes merge.
  // Equal stretches are skipped eight bytes at a time.
  constexpr size_t kMergeGap = 32;
  auto differs = [&](size_t k) { return now[k] != before[k]; };
  size_t i = 0;
  while (i < page_size_) {
    if (i % 8 == 0 && i + 8 <= page_size_ && std::memcmp(&now[i], &before[i], 8) == 0) {
      i += 8;
      continue;
    }
    if (!differs(i)) {
      ++i;
      continue;
    }
    size_t end = i + 1;
    for (size_t k = i + 1; k < page_size_ && k < end + kMergeGap; ++k) {
      if (differs(k)) end = k + 1;
    }
    std::span<const uint8_t> run(now.data() + i, end - i);
    format::BlobId blob = writer.put_blob(run);
    uint64_t va = start + uint64_t{page} * page_size_ + i;
    writer.write([&](schema::Record::Builder rec) {
      auto w = rec.initMemWrite();
      w.setVa(va);
      format::TraceWriter::set_blob_ref(w.initContent(), blob);
      w.setSource(schema::WriteSource::TRAPPED_STORE);
    });
    i = end;
  }
}

void StoreTracker::flush_pages(format::TraceWriter& writer,
                               std::vector<std::pair<uint32_t, uint32_t>>& pages) {
  std::sort(pages.begin(), pages.end());
  pages.erase(std::unique(pages.begin(), pages.end()), pages.end());
  // Protect first, then read: a store after this faults again and is not
  // lost. Adjacent pages of a region share one mprotect.
  size_t run = 0;
  for (size_t k = 0; k <= pages.size(); ++k) {
    bool breaks = k == pages.size() || pages[k].first != pages[run].first ||
                  pages[k].second != pages[run].second + (k - run);
    if (!breaks) continue;
    if (k > run) {
      Region& r = regions_[pages[run].first];
      uint64_t at =
          r.start.load(std::memory_order_relaxed) + uint64_t{pages[run].second} * page_size_;
      ::mprotect(reinterpret_cast<void*>(at), (k - run) * page_size_, PROT_READ);
    }
    run = k;
  }
  for (const auto& [region, page] : pages) record_page(writer, region, page);
}

void StoreTracker::flush_by_scan(format::TraceWriter& writer) {
  std::vector<std::pair<uint32_t, uint32_t>> pages;
  const size_t used = used_.load(std::memory_order_acquire);
  for (size_t i = 0; i < used; ++i) {
    Region& r = regions_[i];
    uint64_t size = r.size.load(std::memory_order_acquire);
    for (uint64_t page = 0; page < size / page_size_; ++page) {
      if (is_dirty(r.state[page].load(std::memory_order_acquire))) {
        pages.emplace_back(static_cast<uint32_t>(i), static_cast<uint32_t>(page));
      }
    }
  }
  flush_pages(writer, pages);
}

void StoreTracker::flush(format::TraceWriter& writer) {
  thread_local std::vector<std::pair<uint32_t, uint32_t>> pages;
  pages.clear();
  uint64_t head = head_.load(std::memory_order_relaxed);
  const uint64_t tail = tail_.load(std::memory_order_acquire);
  while (head != tail) {
    DirtyEntry& e = dirty_[head % kDirtyCapacity];
    // A handler reserved this slot but has not filled it yet: next time.
    if (!e.valid.load(std::memory_order_acquire)) break;
    uint32_t region = e.region.load(std::memory_order_relaxed);
    uint32_t page = e.page.load(std::memory_order_relaxed);
    e.valid.store(false, std::memory_order_relaxed);
    ++head;
    head_.store(head, std::memory_order_release);
    Region& r = regions_[region];
    // The region may be another mapping since (untracked, slot reused).
    const uint64_t size = r.size.load(std::memory_order_acquire);
    if (uint64_t{page} < size / page_size_ &&
        is_dirty(r.state[page].load(std::memory_order_acquire))) {
      pages.emplace_back(region, page);
    }
  }
  flush_pages(writer, pages);
  if (overflow_.exchange(false, std::memory_order_acq_rel)) flush_by_scan(writer);
}

}  // namespace amdrr::capture

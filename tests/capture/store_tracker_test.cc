// StoreTracker on its own: what its SIGSEGV entry point answers.
#include "capture/store_tracker.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

namespace amdrr::capture {
namespace {

class Mapping {
 public:
  Mapping() {
    data_ = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  }
  ~Mapping() { ::munmap(data_, kBytes); }
  uint64_t addr() const { return reinterpret_cast<uint64_t>(data_); }
  static constexpr uint64_t kBytes = 2 * 4096;

 private:
  void* data_;
};

TEST(StoreTracker, FaultOnATrackedPageIsHandled) {
  Mapping m;
  StoreTracker tracker;
  tracker.track(m.addr(), Mapping::kBytes);
  EXPECT_TRUE(tracker.on_fault(reinterpret_cast<void*>(m.addr() + 8)));
  EXPECT_EQ(tracker.faults(), 1u);
  tracker.untrack_all();
}

// A store that faulted on a tracked page while another thread untracked it
// (the capture closing) reaches the handler after the page became writable:
// it must run again, not be taken for a crash. A real fault there comes
// back at the same address, and is one then.
TEST(StoreTracker, FaultOnAPageUntrackedMeanwhileRunsOnceMore) {
  Mapping m;
  StoreTracker tracker;
  void* at = reinterpret_cast<void*>(m.addr() + 8);
  EXPECT_FALSE(tracker.on_fault(at)) << "nothing was ever tracked: a real fault";
  tracker.track(m.addr(), Mapping::kBytes);
  tracker.untrack(m.addr(), Mapping::kBytes);
  EXPECT_TRUE(tracker.on_fault(at));
  EXPECT_FALSE(tracker.on_fault(at));
  EXPECT_TRUE(tracker.on_fault(at)) << "a later fault gets its retry again";
  EXPECT_EQ(tracker.faults(), 0u);
}

}  // namespace
}  // namespace amdrr::capture

// Closing a capture while other threads still use the GPU through it: driver
// writes, plain stores into mapped (write-protected) buffers, submissions and
// waits go on before, during and after the close. The close detaches and
// flushes the store tracker under the recorder's lock, and the threads see
// either the tracker or nothing: no data race (this test runs under TSan in
// CI), no store fault taken for a crash, and a trace that reads back whole.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "lib/driver/sdma_queue.h"
#include "tests/capture/sim_capture.h"
#include "tests/capture/trace_records.h"
#include "tests/support/temp_dir.h"

// TSan cannot see the order page protection gives the store tracker's
// accesses to program memory (a store to a page being flushed faults and
// waits in the handler until the flush is done with it), so it takes the
// tracker's reads of pages other threads write for races. Those functions
// only; the tracker's own state is atomics and the recorder's lock.
extern "C" const char* __tsan_default_suppressions() {
  return "race:amdrr::capture::StoreTracker::record_page\n"
         "race:amdrr::capture::StoreTracker::on_fault\n"
         "race:amdrr::capture::StoreTracker::prepare_driver_write\n";
}

namespace amdrr::capture {
namespace {

using testing::SimCapture;

constexpr int kThreads = 3;
constexpr uint64_t kPages = 4;

struct Worker {
  Buffer buffer;
  Signal done;
  std::unique_ptr<SdmaQueue> queue;
  std::atomic<uint64_t> rounds{0};
  uint64_t last = 0;  // the value of the last round, in every page
};

// One round: a driver write and a plain store into each page, a submission
// and a wait on it (flush points: the tracker re-protects the pages).
void round(Worker& w, uint64_t n) {
  uint8_t* p = w.buffer.data();
  for (uint64_t page = 0; page < kPages; ++page) {
    const uint64_t value = n;
    w.buffer.write(page * 4096, {reinterpret_cast<const uint8_t*>(&value), sizeof(value)});
    std::memcpy(p + page * 4096 + 64, &value, sizeof(value));
  }
  w.queue->signal(w.done, n).submit();
  w.done.wait_at_least(n);
  w.last = n;
}

TEST(CaptureClose, ClosingWhileOtherThreadsUseTheGpuIsSafe) {
  amdrr::testing::TempDir dir;
  const std::string path = dir.file("close.amdrr");
  {
    SimCapture capture(path, /*track_stores=*/true);
    System& system = capture.system();
    Device& dev = system.device(0);
    std::vector<std::unique_ptr<Worker>> workers;
    for (int i = 0; i < kThreads; ++i) {
      auto w = std::make_unique<Worker>();
      w->buffer = dev.alloc(kPages * 4096, Memory::kGtt, "worker");
      w->done = system.make_signal(0);
      w->queue = SdmaQueue::create(dev);
      workers.push_back(std::move(w));
    }
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (auto& w : workers) {
      threads.emplace_back([&w = *w, &stop] {
        for (uint64_t n = 1; !stop.load(); ++n) {
          round(w, n);
          w.rounds.store(n);
        }
      });
    }
    auto all_reach = [&](uint64_t rounds) {
      for (int waited = 0; waited < 20000; ++waited) {
        bool all = true;
        for (auto& w : workers) all = all && w->rounds.load() >= rounds;
        if (all) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      return false;
    };
    // Close while every thread is in the middle of its rounds, then let
    // each do more rounds on the closed capture.
    EXPECT_TRUE(all_reach(20));
    EXPECT_TRUE(capture.session().close());
    uint64_t after = 0;
    for (auto& w : workers) after = std::max(after, w->rounds.load());
    EXPECT_TRUE(all_reach(after + 20));
    stop.store(true);
    for (auto& t : threads) t.join();
    // Every page holds the last round's values: no store was lost or undone.
    for (auto& w : workers) {
      for (uint64_t page = 0; page < kPages; ++page) {
        uint64_t driver = 0, plain = 0;
        std::memcpy(&driver, w->buffer.data() + page * 4096, 8);
        std::memcpy(&plain, w->buffer.data() + page * 4096 + 64, 8);
        EXPECT_EQ(driver, w->last);
        EXPECT_EQ(plain, w->last);
      }
    }
    for (auto& w : workers) w->queue.reset();
    workers.clear();
    capture.finish();
  }
  const testing::Trace t = testing::read_trace(path);
  EXPECT_EQ(t.end, format::TraceEnd::kClean);
  size_t doorbells = 0, trapped = 0;
  for (const testing::Rec& r : t.records) {
    doorbells += r.kind == schema::Record::DOORBELL;
    trapped +=
        r.kind == schema::Record::MEM_WRITE && r.source == schema::WriteSource::TRAPPED_STORE;
  }
  EXPECT_GE(doorbells, size_t{kThreads} * 20);
  EXPECT_GT(trapped, 0u);
}

}  // namespace
}  // namespace amdrr::capture

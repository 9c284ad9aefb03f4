// fault_hang: a known-failing workload. An SDMA queue waits for a signal
// value that nothing ever writes, so the work behind it never runs and the
// CPU wait times out. Exits 1 saying so.

#include <cstdio>
#include <exception>

#include "lib/driver/error.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"

int main() try {
  auto system = amdrr::System::open();
  amdrr::Device& gpu = system->device(0);
  amdrr::Buffer dst = gpu.alloc(4096, amdrr::Memory::kGtt, "dst");
  amdrr::Signal never = system->make_signal(0);
  amdrr::Signal done = system->make_signal(0);
  auto sdma = amdrr::SdmaQueue::create(gpu);
  // The bug: nobody signals `never`.
  sdma->wait(never, 1).fill(dst.va(), 1, 4096).signal(done, 1).submit();
  done.wait_at_least(1, std::chrono::seconds(2));
  std::printf("fault_hang: the queue ran past a wait that nothing satisfies\n");
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "fault_hang: %s\n", e.what());
  return 1;
}

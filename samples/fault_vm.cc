// fault_vm: a known-failing workload. An SDMA copy writes to a GPU address
// that nothing is mapped at: the GPU raises a VM fault, KFD signals the
// process's memory event, and the CPU wait reports the address and GPU.
// Exits 1 with that message; the capture, replay and bisect parts catch it.

#include <cstdio>
#include <exception>

#include "lib/driver/error.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"

int main() try {
  auto system = amdrr::System::open();
  amdrr::Device& gpu = system->device(0);
  amdrr::Buffer src = gpu.alloc(4096, amdrr::Memory::kGtt, "src");
  amdrr::Signal done = system->make_signal(0);
  auto sdma = amdrr::SdmaQueue::create(gpu);
  // The bug: an address past the end of every allocation in the window.
  const uint64_t unmapped = gpu.va_window().base() + (512ull << 30);
  sdma->copy(unmapped, src.va(), 4096).signal(done, 1).submit();
  done.wait_at_least(1, std::chrono::seconds(5));
  std::printf("fault_vm: the copy to an unmapped address completed: the GPU did not fault\n");
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "fault_vm: %s\n", e.what());
  return 1;
}

// bisect_workload: the workload bisect and minimize tests capture. N SDMA
// submissions, each filling its own 64-byte slot with a value of its own,
// signalling, and waited for by the CPU, which then declares the slot as a
// result (compared on replay). A test alters one submission in the capture.
// With FAULT_AT, submission FAULT_AT (1-based) fills an address nothing maps
// and the CPU waits only at the end (benchmarks: a real fault, N doorbells).
//
//   bisect_workload N [FAULT_AT]

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "capture/capture_api.h"
#include "lib/driver/error.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"

int main(int argc, char** argv) try {
  const uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 8;
  const uint64_t fault_at = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 0;
  amdrr::SystemOptions options;
  options.notice = nullptr;
  auto system = amdrr::System::open(options);
  amdrr::Device& gpu = system->device(0);
  amdrr::Buffer slots = gpu.alloc(64 * n, amdrr::Memory::kGtt, "slots");
  amdrr::Signal done = system->make_signal(0);
  auto sdma = amdrr::SdmaQueue::create(gpu);
  for (uint64_t i = 0; i < n; ++i) {
    const bool faulty = i + 1 == fault_at;
    const uint64_t unmapped = gpu.va_window().base() + (512ull << 30);
    sdma->fill(faulty ? unmapped : slots.va() + 64 * i, static_cast<uint32_t>(0x5107000 + i), 64)
        .signal(done, i + 1)
        .submit();
    if (fault_at != 0 && i + 1 >= fault_at) continue;  // the queue stopped there
    done.wait_at_least(i + 1);
    amdrr::capture::observe(slots.as<uint8_t>() + 64 * i, 64);
  }
  if (fault_at != 0) done.wait_at_least(n);  // reports the fault
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bisect_workload: %s\n", e.what());
  return 1;
}

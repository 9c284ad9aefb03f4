// fault_race: a known-failing workload. A compute queue writes a value and
// an SDMA queue copies it, with no GPU-side wait between the two, so the
// copy may run first. Whether it does depends on the interleaving: on the
// emulated GPU, on the scheduling seed (AMDRR_SIM_SEED). Exits 1 when the
// race is lost (the copy saw the old value), 0 when it happened to work.

#include <cstdio>
#include <exception>

#include "lib/driver/compute_queue.h"
#include "lib/driver/error.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"

int main() try {
  auto system = amdrr::System::open();
  amdrr::Device& gpu = system->device(0);
  amdrr::Buffer value = gpu.alloc(4096, amdrr::Memory::kGtt, "value");
  amdrr::Buffer copy = gpu.alloc(4096, amdrr::Memory::kGtt, "copy");
  value.fill(0, 4096, 0);
  amdrr::Signal wrote = system->make_signal(0);
  amdrr::Signal copied = system->make_signal(0);
  auto compute = amdrr::ComputeQueue::create(gpu);
  auto sdma = amdrr::SdmaQueue::create(gpu);
  const uint32_t answer[] = {42};
  // Both queues have work ahead of the racing packets, so neither doorbell
  // finishes its queue at once and the interleaving decides.
  for (int i = 0; i < 40; ++i) compute->write(value.va() + 64 + 4 * (i % 32), answer);
  compute->write(value.va(), answer).signal(wrote, 1).submit();
  for (int i = 0; i < 40; ++i) sdma->fill(copy.va() + 64 + 4 * (i % 32), 0, 4);
  // The bug: no sdma->wait(wrote, 1) before the copy.
  sdma->copy(copy.va(), value.va(), 4).signal(copied, 1).submit();
  wrote.wait_at_least(1);
  copied.wait_at_least(1);
  uint32_t seen = copy.as<uint32_t>()[0];
  if (seen != 42) {
    std::fprintf(stderr, "fault_race: the copy read %u before the write of 42 landed\n", seen);
    return 1;
  }
  std::printf("fault_race: the copy happened to run after the write (42)\n");
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "fault_race: %s\n", e.what());
  return 1;
}

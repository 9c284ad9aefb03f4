// queue_stress: 8 queues (per GPU: PM4, AQL and two SDMA) on 2 GPUs, each
// given --submissions submissions, one doorbell each, on small rings so the
// rings wrap many times. Submission i of a queue marks slot i of the queue's
// result array (PM4: WRITE_DATA i+1; SDMA: a fill of i+1; AQL: a timestamp)
// and signals i+1; every --cross-every submissions it first waits on the
// next queue's signal (on the other GPU for half of them), so queues order
// each other through GPU-side waits only. At the end every slot is checked:
// a lost fence, a lost or overwritten packet or a missed wait shows as a
// wrong slot or signal. Exit 0 when all verified.
//   queue_stress [--submissions N] [--ring-bytes B] [--cross-every K]
// Run it with AMDRR_SIM_MODE=threaded AMDRR_SIM_GPUS=2 (the default here).

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "lib/driver/aql_queue.h"
#include "lib/driver/compute_queue.h"
#include "lib/driver/error.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"

namespace {

using amdrr::AqlQueue;
using amdrr::Buffer;
using amdrr::ComputeQueue;
using amdrr::SdmaQueue;
using amdrr::Signal;

struct Lane {
  std::string name;
  std::unique_ptr<ComputeQueue> pm4;
  std::unique_ptr<AqlQueue> aql;
  std::unique_ptr<SdmaQueue> sdma;
  Buffer results;  // 8 bytes per submission
  Signal done;
};

}  // namespace

int main(int argc, char** argv) try {
  uint64_t submissions = 100000;
  uint32_t ring_bytes = 4096;
  uint64_t cross_every = 64;
  CLI::App app{"queue_stress: 8 queues on 2 GPUs, every submission verified"};
  app.add_option("--submissions", submissions, "submissions per queue");
  app.add_option("--ring-bytes", ring_bytes, "ring size of every queue (a power of two)");
  app.add_option("--cross-every", cross_every, "a cross-queue wait every K submissions");
  CLI11_PARSE(app, argc, argv);
  setenv("AMDRR_SIM_GPUS", "2", 0);
  setenv("AMDRR_SIM_MODE", "threaded", 0);

  auto system = amdrr::System::open();
  if (system->device_count() < 2) {
    std::fprintf(stderr, "queue_stress: needs 2 GPUs, found %zu\n", system->device_count());
    return 2;
  }
  amdrr::QueueOptions options;
  options.ring_bytes = ring_bytes;
  options.full_timeout = std::chrono::seconds(60);
  std::vector<Lane> lanes;
  for (size_t g = 0; g < 2; ++g) {
    amdrr::Device& gpu = system->device(g);
    for (int k = 0; k < 4; ++k) {
      Lane l{std::string(k == 0   ? "pm4"
                         : k == 1 ? "aql"
                                  : "sdma") +
                 std::to_string(k) + "@gpu" + std::to_string(g),
             nullptr,
             nullptr,
             nullptr,
             gpu.alloc(submissions * 8, amdrr::Memory::kGtt, "results"),
             system->make_signal(0)};
      l.results.fill(0, submissions * 8, 0);
      if (k == 0) l.pm4 = ComputeQueue::create(gpu, options);
      if (k == 1) l.aql = AqlQueue::create(gpu, options);
      if (k >= 2) l.sdma = SdmaQueue::create(gpu, options);
      lanes.push_back(std::move(l));
    }
  }

  const auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < submissions; ++i) {
    for (size_t q = 0; q < lanes.size(); ++q) {
      Lane& l = lanes[q];
      // Wait for a neighbour (the other GPU's for odd lanes) that the host
      // has already submitted past: always satisfiable, never free.
      const Signal* dep = nullptr;
      if (i > 0 && i % cross_every == 0) {
        const size_t other = q % 2 ? (q + 4) % lanes.size() : (q + 1) % lanes.size();
        dep = &lanes[other].done;
      }
      const uint64_t slot = l.results.va() + 8 * i;
      const uint32_t mark[] = {static_cast<uint32_t>(i + 1)};
      if (l.pm4) {
        if (dep) l.pm4->wait(*dep, i - cross_every + 1);
        l.pm4->write(slot, mark).signal(l.done, i + 1).submit();
      } else if (l.aql) {
        if (dep) l.aql->wait(*dep, i - cross_every + 1);
        l.aql->timestamp(slot).signal(l.done, i + 1).submit();
      } else {
        if (dep) l.sdma->wait(*dep, i - cross_every + 1);
        l.sdma->fill(slot, static_cast<uint32_t>(i + 1), 4).signal(l.done, i + 1).submit();
      }
    }
  }
  for (Lane& l : lanes) l.done.wait_at_least(submissions, std::chrono::seconds(120));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  uint64_t bad = 0;
  for (Lane& l : lanes) {
    const auto* v = l.results.as<uint64_t>();
    uint64_t lane_bad = 0, last = 0;
    for (uint64_t i = 0; i < submissions; ++i) {
      const bool ok = l.aql ? (v[i] != 0 && v[i] >= last) : (v[i] & 0xffffffffu) == i + 1;
      if (l.aql) last = v[i];
      if (!ok && lane_bad++ < 3) {
        std::fprintf(stderr, "queue_stress: %s slot %lu holds %#lx\n", l.name.c_str(),
                     static_cast<unsigned long>(i), static_cast<unsigned long>(v[i]));
      }
    }
    if (l.done.value() != submissions) {
      std::fprintf(stderr, "queue_stress: %s signal is %lu, not %lu\n", l.name.c_str(),
                   static_cast<unsigned long>(l.done.value()),
                   static_cast<unsigned long>(submissions));
      ++lane_bad;
    }
    bad += lane_bad;
  }
  const uint64_t total = submissions * lanes.size();
  const uint64_t wraps = submissions * 32 / ring_bytes;  // >= 32 bytes per submission
  std::printf(
      "queue_stress: %lu submissions on %zu queues (2 GPUs), rings of %u bytes wrapped >= %lu "
      "times each, in %.2f s (%.0f submissions/s): %s\n",
      static_cast<unsigned long>(total), lanes.size(), ring_bytes,
      static_cast<unsigned long>(wraps), seconds, static_cast<double>(total) / seconds,
      bad == 0 ? "every slot and signal verified" : "MISMATCHES");
  return bad == 0 ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "queue_stress: %s\n", e.what());
  return 1;
}

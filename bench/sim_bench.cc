// Emulated-GPU figures, each measured side by side with its comparison in the
// same run (ratios, not absolute times, are the result):
//
//   COPY_LINEAR   SDMA copy throughput per size vs memcpy of the same bytes
//   PM4 packets   simple packets (SET_SH_REG, NOP) executed per second in
//                 deterministic mode (target >= 10 M/s)
//   latency       doorbell to completion of a tiny PM4 submission (WRITE_DATA
//                 + RELEASE_MEM), seen by a CPU spin, threaded vs
//                 deterministic mode

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "lib/pkt/pm4_build.h"
#include "lib/pkt/sdma_build.h"
#include "lib/sim/engines/scheduler.h"
#include "lib/sim/sim_kfd.h"

namespace {

using namespace amdrr;
using Clock = std::chrono::steady_clock;
namespace af = kmd::alloc_flags;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Bo {
  uint64_t va = 0;
  uint8_t* host = nullptr;
};

struct Gpu {
  std::unique_ptr<sim::SimKfd> kfd;
  std::unique_ptr<sim::EngineScheduler> sched;
  uint32_t gpu = 0;
  uint64_t next_va = 0x100000000;

  explicit Gpu(sim::EngineOptions options = {}) {
    kfd = std::move(sim::SimKfd::create({}).value());
    gpu = sim::sim_gpu_id(0);
    (void)kfd->acquire_vm({-1, gpu});
    sched = std::make_unique<sim::EngineScheduler>(*kfd, options);
  }
  Bo alloc(uint64_t size) {
    Bo b{next_va, nullptr};
    next_va += size + (1 << 20);
    auto r = kfd->alloc_memory_of_gpu({b.va, size, 0, gpu, af::kGtt | af::kWritable});
    std::vector<uint32_t> ids = {gpu};
    kmd::MapMemoryArgs m{r->handle, ids, 0};
    (void)kfd->map_memory_to_gpu(m);
    auto cpu = kfd->mmap(
        {kmd::MmapDevice::kRenderNode, gpu, r->mmap_offset, size, 0, PROT_READ | PROT_WRITE});
    b.host = static_cast<uint8_t*>(cpu->ptr());
    return b;
  }
};

struct Ring {
  Gpu& g;
  uint32_t id = 0;
  Bo ring, ptrs;
  uint64_t size, wptr = 0;
  uint32_t unit;
  Ring(Gpu& gpu, kmd::QueueType type, uint64_t bytes) : g(gpu), size(bytes) {
    unit = type == kmd::QueueType::kSdma ? 1 : 4;
    ring = g.alloc(bytes);
    ptrs = g.alloc(4096);
    kmd::CreateQueueArgs a;
    a.ring_base_address = ring.va;
    a.ring_size = static_cast<uint32_t>(bytes);
    a.read_pointer_address = ptrs.va;
    a.write_pointer_address = ptrs.va + 8;
    a.gpu_id = g.gpu;
    a.queue_type = type;
    if (type == kmd::QueueType::kCompute) {
      const gpu::GpuTarget& t = *g.kfd->target(g.gpu);
      a.eop_buffer_address = g.alloc(t.eop_buffer_size).va;
      a.eop_buffer_size = t.eop_buffer_size;
      a.ctl_stack_size = t.cwsr.ctl_stack_size;
      a.ctx_save_restore_size = t.cwsr.cwsr_size;
      a.ctx_save_restore_address = g.alloc(t.cwsr.bo_size(t.cwsr.cwsr_size, t.num_xcc)).va;
    }
    id = g.kfd->create_queue(a)->queue_id;
  }
  /// Writes the packets and the write pointer; ring() rings the doorbell.
  void write(const std::vector<uint32_t>& dw) {
    uint64_t pos = wptr * unit / 4;
    for (uint32_t v : dw) reinterpret_cast<uint32_t*>(ring.host)[pos++ % (size / 4)] = v;
    wptr = pos * 4 / unit;
    std::memcpy(ptrs.host + 8, &wptr, 8);
  }
  void ring_doorbell() { (void)g.kfd->write_doorbell(id, wptr); }
  void submit(const std::vector<uint32_t>& dw) {
    write(dw);
    ring_doorbell();
  }
};

void copy_linear() {
  std::printf("COPY_LINEAR (SDMA v4.4, deterministic) vs memcpy\n");
  std::printf("%10s %12s %12s %8s\n", "size", "sim MB/s", "memcpy MB/s", "ratio");
  Gpu g;
  constexpr uint64_t kMax = 64ull << 20;
  Bo src = g.alloc(kMax), dst = g.alloc(kMax);
  std::memset(src.host, 0x5A, kMax);
  std::memset(dst.host, 0, kMax);
  Ring q(g, kmd::QueueType::kSdma, 1 << 16);
  for (uint64_t size = 4096; size <= kMax; size *= 4) {
    const uint64_t reps = std::max<uint64_t>(4, (256ull << 20) / size);
    std::vector<uint32_t> dw;
    for (uint64_t done = 0; done < size;) {
      done += pkt::sdma::copy_linear(dw, pkt::SdmaVersion::kV4_4, dst.va + done, src.va + done,
                                     size - done);
    }
    // One untimed copy first: the engines reach memory through SimKfd's own
    // mapping of each BO, whose page tables fill on first touch, while the
    // memcpy below runs on CPU mappings the memsets above already touched.
    // Without it the first-touch faults (~0.1 us a page) were billed to the
    // emulator: 64 MiB measured 0.4-0.57x.
    q.submit(dw);
    g.sched->run();
    auto t = Clock::now();
    for (uint64_t i = 0; i < reps; ++i) {
      q.submit(dw);
      g.sched->run();
    }
    const double sim = double(size * reps) / seconds_since(t) / 1e6;
    t = Clock::now();
    for (uint64_t i = 0; i < reps; ++i) {
      std::memcpy(dst.host, src.host, size);
      asm volatile("" ::: "memory");
    }
    const double mc = double(size * reps) / seconds_since(t) / 1e6;
    std::printf("%10llu %12.0f %12.0f %8.2f\n", static_cast<unsigned long long>(size), sim, mc,
                sim / mc);
  }
}

void pm4_packets() {
  Gpu g;
  Ring q(g, kmd::QueueType::kCompute, 4 << 20);
  std::vector<uint32_t> dw;
  uint64_t packets = 0;
  while (dw.size() + 8 < (4u << 20) / 4 / 2) {
    pkt::pm4::set_sh_reg(dw, 0x2E40, std::vector<uint32_t>{uint32_t(packets)});
    pkt::pm4::nop(dw, 0);
    packets += 2;
  }
  const int rounds = 20;
  auto t = Clock::now();
  for (int i = 0; i < rounds; ++i) {
    q.submit(dw);
    g.sched->run();
  }
  const double rate = double(packets) * rounds / seconds_since(t);
  std::printf("PM4 simple packets (SET_SH_REG + NOP, deterministic): %.1f M/s (target >= 10)\n",
              rate / 1e6);
}

struct Latency {
  double median_us = 0, p99_us = 0;
};

// Doorbell to the RELEASE_MEM value seen by a CPU spin that, like the
// driver's Signal::wait, calls Kmd::poll() between loads (the deterministic
// GPU advances only there; the threaded one does not need it).
Latency doorbell_latency(sim::EngineMode mode, int runs) {
  sim::EngineOptions o;
  o.mode = mode;
  Gpu g(o);
  Ring q(g, kmd::QueueType::kCompute, 1 << 16);
  Bo mem = g.alloc(4096);
  std::memset(mem.host, 0, 4096);
  auto signal = std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(mem.host + 64));
  std::vector<double> us;
  const int warmup = runs / 10;
  for (int i = 1; i <= runs + warmup; ++i) {
    std::vector<uint32_t> dw;
    pkt::pm4::write_data(dw, {.addr = mem.va}, std::vector<uint32_t>{uint32_t(i)});
    pkt::pm4::ReleaseMemGfx9 r;
    r.addr = mem.va + 64;
    r.data_sel = 1;
    r.data = uint32_t(i);
    pkt::pm4::release_mem(dw, r);
    q.write(dw);
    const auto t = Clock::now();
    q.ring_doorbell();
    while (signal.load(std::memory_order_acquire) != uint32_t(i)) g.kfd->poll();
    if (i > warmup) us.push_back(seconds_since(t) * 1e6);
  }
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us[std::min(us.size() - 1, us.size() * 99 / 100)]};
}

void latency() {
  constexpr int kRuns = 2000;
  const Latency t = doorbell_latency(sim::EngineMode::kThreaded, kRuns);
  const Latency d = doorbell_latency(sim::EngineMode::kDeterministic, kRuns);
  std::printf("Doorbell to completion (PM4 WRITE_DATA + RELEASE_MEM, CPU spin), %d runs\n", kRuns);
  std::printf("%15s %12s %12s\n", "mode", "median us", "p99 us");
  std::printf("%15s %12.2f %12.2f\n", "threaded", t.median_us, t.p99_us);
  std::printf("%15s %12.2f %12.2f\n", "deterministic", d.median_us, d.p99_us);
}

}  // namespace

int main() {
  copy_linear();
  pm4_packets();
  latency();
  return 0;
}

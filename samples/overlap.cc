// overlap: compute kernels and SDMA copies in flight together, ordered only
// by GPU-side waits, with the overlap measured from GPU timestamps.
//
// Phase 1, one GPU, a three-stage pipeline over chunks of a vector:
//   SDMA "up"    copies chunk k of a from GTT to VRAM, signals uploaded = k+1
//   compute      waits uploaded >= k+1, runs c = a + b on chunk k,
//                signals computed = k+1
//   SDMA "down"  waits computed >= k+1, copies chunk k of c back to GTT
// Phase 2, two GPUs over xGMI:
//   GPU 0 compute runs c = a + b on chunk k, an xGMI SDMA queue on GPU 0
//   waits for it and copies the chunk into GPU 1's VRAM, and GPU 1's compute
//   waits for that copy and runs d = c + b there.
// Everything is queued before the CPU waits once at the end; every stage
// brackets its work with timestamps (RELEASE_MEM on compute queues,
// TIMESTAMP on SDMA), from which the sample prints how long compute and
// copies were busy, and for how long both were busy at once.
//
// Timestamps are GPU clock counts, the counter Kmd::get_clock_counters
// reads (100 MHz on MI200/MI300, UNVERIFIED per board). Each GPU's counts
// are moved onto GPU 0's by the difference of their counters read together
// (the rate is assumed equal). On the emulated GPU the clock is virtual: it
// advances with each packet and each byte moved, so overlap there shows how
// the scheduler interleaved the engines, not hardware speed.
//
//   overlap [--elements N] [--chunks K] [--queue aql|pm4]

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <vector>

#include "lib/driver/aql_queue.h"
#include "lib/driver/compute_queue.h"
#include "lib/driver/error.h"
#include "lib/driver/program.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"
#include "lib/kmd/kmd.h"

namespace {

using amdrr::Buffer;
using amdrr::Device;
using amdrr::Signal;

struct Interval {
  uint64_t start, end;
};
using Intervals = std::vector<Interval>;

// Total length of the union of `v`.
uint64_t busy(Intervals v) {
  std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.start < b.start; });
  uint64_t total = 0, cur_start = 0, cur_end = 0;
  bool open = false;
  for (auto [s, e] : v) {
    if (open && s <= cur_end) {
      cur_end = std::max(cur_end, e);
      continue;
    }
    if (open) total += cur_end - cur_start;
    cur_start = s, cur_end = e, open = true;
  }
  if (open) total += cur_end - cur_start;
  return total;
}

// Length of (union of a) ∩ (union of b): |A| + |B| - |A ∪ B|.
uint64_t overlap(const Intervals& a, const Intervals& b) {
  Intervals both = a;
  both.insert(both.end(), b.begin(), b.end());
  return busy(a) + busy(b) - busy(both);
}

// Where timestamps go: two per stage per chunk.
class Stamps {
 public:
  Stamps(Device& dev, size_t count)
      : memory_(dev.alloc(count * 16, amdrr::Memory::kGttCoherent, "timestamps")) {}
  const Buffer& memory() const { return memory_; }
  // The pair of slots for the next interval.
  uint64_t next() { return memory_.va() + 16 * used_++; }
  Interval at(size_t i, int64_t offset) const {
    const uint64_t* t = memory_.as<uint64_t>() + 2 * i;
    return {t[0] + offset, t[1] + offset};
  }

 private:
  Buffer memory_;
  size_t used_ = 0;
};

void print(const char* what, const Intervals& compute, const Intervals& copies) {
  Intervals all = compute;
  all.insert(all.end(), copies.begin(), copies.end());
  uint64_t first = ~0ull, last = 0;
  for (auto [s, e] : all) first = std::min(first, s), last = std::max(last, e);
  const uint64_t c = busy(compute), d = busy(copies), both = overlap(compute, copies);
  const uint64_t span = last - first;
  std::printf(
      "overlap: %s: span %llu ticks (%.1f us at 100 MHz), compute busy %llu, copies busy "
      "%llu, both at once %llu ticks = %.0f%% of compute time; busy sum / span "
      "%.2f\n",
      what, static_cast<unsigned long long>(span), span / 100.0, static_cast<unsigned long long>(c),
      static_cast<unsigned long long>(d), static_cast<unsigned long long>(both),
      c ? 100.0 * both / c : 0.0, span ? double(c + d) / span : 0.0);
}

struct Kernel {
  amdrr::Program program;
  amdrr::KernelHandle handle;
};

Kernel load_kernel(Device& gpu) {
  std::string path = AMDRR_SAMPLE_KERNEL_DIR "/vector_add_" + gpu.target().name + ".co";
  Kernel k{amdrr::Program::load_file(gpu, path), {}};
  k.handle = k.program.kernel("vector_add");
  return k;
}

// One vector_add over `m` elements at element `at`, bracketed by timestamps.
template <typename ComputeQ>
void add_chunk(ComputeQ& q, const Kernel& k, uint64_t x, uint64_t y, uint64_t out, uint32_t at,
               uint32_t m, Stamps& stamps) {
  amdrr::KernelArgs args(k.handle);
  args.set(0, x + at * 4ull).set(1, y + at * 4ull).set(2, out + at * 4ull).set(3, m);
  amdrr::LaunchDims dims;
  dims.grid[0] = m;
  const uint64_t ts = stamps.next();
  q.timestamp(ts).dispatch(k.handle, args, dims).timestamp(ts + 8);
}

void copy_chunk(amdrr::SdmaQueue& q, uint64_t dst, uint64_t src, uint64_t bytes, Stamps& stamps) {
  const uint64_t ts = stamps.next();
  q.timestamp(ts).copy(dst, src, bytes).timestamp(ts + 8);
}

bool check(const char* what, const std::vector<float>& got, const std::vector<float>& want) {
  for (size_t i = 0; i < want.size(); ++i) {
    if (got[i] != want[i]) {
      std::fprintf(stderr, "overlap: %s: element %zu is %g, expected %g\n", what, i, got[i],
                   want[i]);
      return false;
    }
  }
  return true;
}

template <typename ComputeQ, typename Create>
int run(amdrr::System& system, uint32_t n, uint32_t chunks, Create create) {
  Device& g0 = system.device(0);
  const bool two = system.device_count() > 1;
  Device* g1 = two ? &system.device(1) : nullptr;  // opened before signals are made
  const uint32_t m = n / chunks;
  const uint64_t bytes = uint64_t{n} * 4, chunk_bytes = uint64_t{m} * 4;

  std::vector<float> a(n), b(n);
  for (uint32_t i = 0; i < n; ++i) a[i] = float(i % 1000) * 0.25f, b[i] = float(i % 7) + 0.5f;
  auto as_bytes = [](const std::vector<float>& v) {
    return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(v.data()), v.size() * 4);
  };
  Kernel k0 = load_kernel(g0);
  Stamps stamps(g0, size_t{chunks} * 6);

  // ---- phase 1: upload, compute, download on GPU 0 ----
  Buffer host_a = g0.alloc(bytes, amdrr::Memory::kGtt, "a (host)");
  Buffer host_c = g0.alloc(bytes, amdrr::Memory::kGtt, "c (host)");
  Buffer dev_a = g0.alloc(bytes, amdrr::Memory::kVram, "a");
  Buffer dev_b = g0.alloc(bytes, amdrr::Memory::kVram, "b");
  Buffer dev_c = g0.alloc(bytes, amdrr::Memory::kVram, "c");
  host_a.write(0, as_bytes(a));
  dev_b.write(0, as_bytes(b));  // VRAM the CPU cannot map: staged through GTT by SDMA
  auto up = amdrr::SdmaQueue::create(g0);
  auto down = amdrr::SdmaQueue::create(g0);
  auto compute = create(g0);
  Signal uploaded = system.make_signal(0), computed = system.make_signal(0);
  Signal downloaded = system.make_signal(0);
  for (uint32_t c = 0; c < chunks; ++c) {
    copy_chunk(*up, dev_a.va() + c * chunk_bytes, host_a.va() + c * chunk_bytes, chunk_bytes,
               stamps);
    up->signal(uploaded, c + 1);
    compute->wait(uploaded, c + 1);
    add_chunk(*compute, k0, dev_a.va(), dev_b.va(), dev_c.va(), c * m, m, stamps);
    compute->signal(computed, c + 1);
    down->wait(computed, c + 1);
    copy_chunk(*down, host_c.va() + c * chunk_bytes, dev_c.va() + c * chunk_bytes, chunk_bytes,
               stamps);
    down->signal(downloaded, c + 1);
  }
  // Submitted in the order that would deadlock a CPU-ordered program: the
  // last stage first. Only the GPU-side waits order them.
  down->submit();
  compute->submit();
  up->submit();
  downloaded.wait_at_least(chunks, std::chrono::seconds(120));
  std::vector<float> sum(n), got(n);
  for (uint32_t i = 0; i < n; ++i) sum[i] = a[i] + b[i];
  host_c.read(0, {reinterpret_cast<uint8_t*>(got.data()), bytes});
  if (!check("one GPU", got, sum)) return 1;
  Intervals copies, kernels;
  for (uint32_t c = 0; c < chunks; ++c) {
    copies.push_back(stamps.at(3 * c, 0));
    kernels.push_back(stamps.at(3 * c + 1, 0));
    copies.push_back(stamps.at(3 * c + 2, 0));
  }
  print("one GPU (SDMA up + compute + SDMA down)", kernels, copies);

  if (!two) {
    std::printf("overlap: one GPU only: the xGMI phase needs two (AMDRR_SIM_GPUS=2)\n");
    std::printf("overlap: results verified\n");
    return 0;
  }

  // ---- phase 2: GPU 0 compute -> xGMI copy -> GPU 1 compute ----
  Kernel k1 = load_kernel(*g1);
  Buffer b1 = g1->alloc(bytes, amdrr::Memory::kVram, "b on GPU 1");
  Buffer in1 = g1->alloc(bytes, amdrr::Memory::kVram, "c on GPU 1");
  Buffer out1 = g1->alloc(bytes, amdrr::Memory::kVram, "d on GPU 1");
  b1.write(0, as_bytes(b));
  stamps.memory().map_to(*g1);
  auto compute0 = create(g0);
  auto xgmi = amdrr::SdmaQueue::create(g0, {}, /*xgmi=*/true);
  in1.map_to(g0);
  auto compute1 = create(*g1);
  Signal made = system.make_signal(0), moved = system.make_signal(0);
  Signal finished = system.make_signal(0);
  const size_t base = size_t{chunks} * 3;
  for (uint32_t c = 0; c < chunks; ++c) {
    add_chunk(*compute0, k0, dev_a.va(), dev_b.va(), dev_c.va(), c * m, m, stamps);
    compute0->signal(made, c + 1);
    xgmi->wait(made, c + 1);
    copy_chunk(*xgmi, in1.va() + c * chunk_bytes, dev_c.va() + c * chunk_bytes, chunk_bytes,
               stamps);
    xgmi->signal(moved, c + 1);
    compute1->wait(moved, c + 1);
    add_chunk(*compute1, k1, in1.va(), b1.va(), out1.va(), c * m, m, stamps);
    compute1->signal(finished, c + 1);
  }
  // GPU 1's timestamps onto GPU 0's clock (read together, before the run).
  auto c0 = amdrr::check(system.kmd().get_clock_counters(g0.gpu_id()), "clock counters");
  auto c1 = amdrr::check(system.kmd().get_clock_counters(g1->gpu_id()), "clock counters");
  const int64_t offset1 = int64_t(c0.gpu_clock_counter) - int64_t(c1.gpu_clock_counter);
  compute1->submit();
  xgmi->submit();
  compute0->submit();
  finished.wait_at_least(chunks, std::chrono::seconds(120));
  std::vector<float> twice(n);
  for (uint32_t i = 0; i < n; ++i) twice[i] = sum[i] + b[i];
  out1.read(0, {reinterpret_cast<uint8_t*>(got.data()), bytes});  // staged back
  if (!check("two GPUs", got, twice)) return 1;
  Intervals k_both, x_copies;
  for (uint32_t c = 0; c < chunks; ++c) {
    k_both.push_back(stamps.at(base + 3 * c, 0));
    x_copies.push_back(stamps.at(base + 3 * c + 1, 0));
    k_both.push_back(stamps.at(base + 3 * c + 2, offset1));
  }
  print("two GPUs (GPU 0 compute + xGMI copy + GPU 1 compute)", k_both, x_copies);
  std::printf("overlap: results verified\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"overlap: compute and SDMA copies in flight together, measured by GPU timestamps"};
  uint32_t n = 1 << 20, chunks = 16;
  std::string queue_kind = "aql";
  app.add_option("--elements", n, "vector length");
  app.add_option("--chunks", chunks, "pipeline stages per phase");
  app.add_option("--queue", queue_kind, "compute queue kind")->check(CLI::IsMember({"aql", "pm4"}));
  CLI11_PARSE(app, argc, argv);
  if (chunks == 0 || n == 0 || n % (64 * chunks) != 0) {
    std::fprintf(stderr, "overlap: --elements must be a positive multiple of 64 * --chunks\n");
    return 2;
  }
  auto system = amdrr::System::open();
  std::printf("overlap: %u elements in %u chunks on %zu GPU(s), %s compute queues\n", n, chunks,
              system->device_count(), queue_kind.c_str());
  if (queue_kind == "aql") {
    return run<amdrr::AqlQueue>(*system, n, chunks,
                                [](Device& d) { return amdrr::AqlQueue::create(d); });
  }
  return run<amdrr::ComputeQueue>(*system, n, chunks,
                                  [](Device& d) { return amdrr::ComputeQueue::create(d); });
} catch (const std::exception& e) {
  std::fprintf(stderr, "overlap: %s\n", e.what());
  return 1;
}

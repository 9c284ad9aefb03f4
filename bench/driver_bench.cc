// Host-side cost of building and submitting a packet with the driver API:
// ns per submission of a small kernel dispatch (AQL and PM4) and of a small
// SDMA copy, as a ratio to the cost of the doorbell write alone.
//
// Runs on the emulated GPU with the engine work excluded: a Kmd decorator
// in front of SimKfd swallows doorbells while a batch is timed (so the
// engines and the shader interpreter do nothing then). Between timed
// batches it lets doorbells through and the queue is drained untimed, so
// ring space, kernarg arenas and progress timelines behave as in real use
// and no batch ever waits for the GPU (batches are far smaller than rings
// and arenas). What is timed: argument checks, kernarg layout and copy,
// packet building, ring writes with their seam reports, the write pointer,
// and the doorbell call through the seam.
//
// The doorbell alone is that same swallowed Kmd::write_doorbell call (a
// virtual call into the decorator); a bare 64-bit release store (what a
// doorbell is on hardware, before the PCIe write costs anything) is printed
// beside it for scale.
//
//   driver_bench [batches]

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "lib/driver/aql_queue.h"
#include "lib/driver/compute_queue.h"
#include "lib/driver/error.h"
#include "lib/driver/program.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"
#include "lib/sim/engines/scheduler.h"
#include "lib/sim/isa/isa_dispatch_runner.h"
#include "lib/sim/sim_kfd.h"

namespace {

using namespace amdrr;
using Clock = std::chrono::steady_clock;

// Forwards every call to `inner`, except doorbells while swallowing.
class DoorbellGate final : public kmd::Kmd {
 public:
  explicit DoorbellGate(kmd::Kmd& inner) : inner_(inner) {}
  bool swallow = false;
  uint64_t swallowed = 0;

  const gpu::Topology& topology() const override { return inner_.topology(); }
  Result<kmd::GetVersionResult> get_version() override { return inner_.get_version(); }
  Result<std::vector<kmd::ProcessDeviceApertures>> get_process_apertures() override {
    return inner_.get_process_apertures();
  }
  Result<void> acquire_vm(const kmd::AcquireVmArgs& a) override { return inner_.acquire_vm(a); }
  Result<uint32_t> runtime_enable(const kmd::RuntimeEnableArgs& a) override {
    return inner_.runtime_enable(a);
  }
  Result<int32_t> set_xnack_mode(int32_t x) override { return inner_.set_xnack_mode(x); }
  Result<kmd::ClockCounters> get_clock_counters(uint32_t g) override {
    return inner_.get_clock_counters(g);
  }
  Result<uint64_t> available_memory(uint32_t g) override { return inner_.available_memory(g); }
  Result<kmd::AllocMemoryResult> alloc_memory_of_gpu(const kmd::AllocMemoryArgs& a) override {
    return inner_.alloc_memory_of_gpu(a);
  }
  Result<void> free_memory_of_gpu(uint64_t h) override { return inner_.free_memory_of_gpu(h); }
  Result<void> map_memory_to_gpu(kmd::MapMemoryArgs& a) override {
    return inner_.map_memory_to_gpu(a);
  }
  Result<void> unmap_memory_from_gpu(kmd::MapMemoryArgs& a) override {
    return inner_.unmap_memory_from_gpu(a);
  }
  Result<kmd::CpuMapping> mmap(const kmd::MmapArgs& a) override { return inner_.mmap(a); }
  Result<void> munmap(const kmd::CpuMapping& m) override { return inner_.munmap(m); }
  Result<kmd::CreateQueueResult> create_queue(const kmd::CreateQueueArgs& a) override {
    return inner_.create_queue(a);
  }
  Result<void> destroy_queue(uint32_t q) override { return inner_.destroy_queue(q); }
  Result<void> update_queue(const kmd::UpdateQueueArgs& a) override {
    return inner_.update_queue(a);
  }
  Result<void> write_doorbell(uint32_t queue_id, uint64_t value) override {
    if (swallow) {
      ++swallowed;
      last_[queue_id] = value;
      return {};
    }
    return inner_.write_doorbell(queue_id, value);
  }
  Result<kmd::CreateEventResult> create_event(const kmd::CreateEventArgs& a) override {
    return inner_.create_event(a);
  }
  Result<void> destroy_event(uint32_t e) override { return inner_.destroy_event(e); }
  Result<void> set_event(uint32_t e) override { return inner_.set_event(e); }
  Result<void> reset_event(uint32_t e) override { return inner_.reset_event(e); }
  Result<kmd::WaitResult> wait_events(const kmd::WaitEventsArgs& a) override {
    return inner_.wait_events(a);
  }
  void note_cpu_write(uint64_t va, std::span<const uint8_t> b) override {
    inner_.note_cpu_write(va, b);
  }
  void poll() override { inner_.poll(); }
  void note_cpu_wait(const kmd::CpuWait& w) override { inner_.note_cpu_wait(w); }
  void note_code_object(uint64_t va, std::span<const uint8_t> elf,
                        const std::string& name) override {
    inner_.note_code_object(va, elf, name);
  }

 private:
  kmd::Kmd& inner_;
  std::map<uint32_t, uint64_t> last_;
};

constexpr int kBatch = 64;

struct Figure {
  double ns = 0;
  uint64_t n = 0;
};

// Times `submit_one` kBatch times per batch with doorbells swallowed, then
// drains the queue with `drain` (untimed, doorbells through).
template <typename Submit, typename Drain>
Figure measure(DoorbellGate& gate, int batches, Submit submit_one, Drain drain) {
  Figure f;
  for (int b = 0; b < batches + 1; ++b) {  // the first batch warms up
    gate.swallow = true;
    auto t0 = Clock::now();
    for (int i = 0; i < kBatch; ++i) submit_one();
    auto t1 = Clock::now();
    gate.swallow = false;
    drain();
    if (b == 0) continue;
    f.ns += std::chrono::duration<double, std::nano>(t1 - t0).count();
    f.n += kBatch;
  }
  return f;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

}  // namespace

int main(int argc, char** argv) try {
  const int batches = argc > 1 ? std::atoi(argv[1]) : 200;
  sim::SimProfile profile;
  auto sim = check(sim::SimKfd::create(profile), "emulated GPU");
  sim::EngineScheduler engines(*sim);
  sim::isa::IsaDispatchRunner runner(*sim);
  engines.set_dispatch_runner(&runner);
  DoorbellGate gate(*sim);
  SystemOptions options;
  auto system = System::on(gate, Backend::kSim, options);
  Device& dev = system->device(0);

  Program program =
      Program::load_file(dev, std::string(AMDRR_SAMPLE_KERNEL_DIR) + "/vector_add_gfx942.co");
  KernelHandle kernel = program.kernel("vector_add");
  Buffer a = dev.alloc(4096, Memory::kGtt), c = dev.alloc(4096, Memory::kGtt);
  KernelArgs args(kernel);
  args.set(0, a).set(1, a).set(2, c).set(3, uint32_t{64});
  LaunchDims dims;
  dims.grid[0] = 64;
  Signal done = system->make_signal(0);
  uint64_t ticket = 0;

  auto aql = AqlQueue::create(dev);
  Figure f_aql = measure(
      gate, batches, [&] { aql->dispatch(kernel, args, dims).submit(); }, [&] { aql->finish(); });
  auto pm4 = ComputeQueue::create(dev);
  Figure f_pm4 = measure(
      gate, batches, [&] { pm4->dispatch(kernel, args, dims).submit(); }, [&] { pm4->finish(); });
  auto sdma = SdmaQueue::create(dev);
  Figure f_copy = measure(
      gate, batches, [&] { sdma->copy(c.va(), a.va(), 256).submit(); },
      [&] {
        sdma->signal(done, ++ticket).submit();
        done.wait_at_least(ticket);
      });
  // The doorbell alone: the same swallowed seam call, value after value.
  uint64_t value = 1 << 20;
  Figure f_bell = measure(
      gate, batches, [&] { (void)gate.write_doorbell(sdma->id(), ++value); }, [] {});
  // A bare 64-bit release store, for scale.
  std::atomic<uint64_t> reg{0};
  auto t0 = Clock::now();
  const int stores = batches * kBatch;
  for (int i = 0; i < stores; ++i) reg.store(i, std::memory_order_release);
  double store_ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / stores;

  const double bell = f_bell.ns / f_bell.n;
  auto row = [&](const char* what, const Figure& f) {
    const double ns = f.ns / f.n;
    std::printf("  %-34s %8.0f ns  %7.1fx the doorbell\n", what, ns, ns / bell);
  };
  std::printf(
      "driver_bench: host cost per submission, engines excluded (%llu submissions "
      "each; %u cores, %s)\n",
      static_cast<unsigned long long>(f_copy.n), std::thread::hardware_concurrency(),
      cpu_model().c_str());
  row("AQL dispatch + submit (vector_add)", f_aql);
  row("PM4 dispatch + submit (vector_add)", f_pm4);
  row("SDMA copy 256 B + submit", f_copy);
  std::printf("  %-34s %8.1f ns  (Kmd::write_doorbell through the seam, swallowed)\n",
              "doorbell alone", bell);
  std::printf("  %-34s %8.1f ns  (a bare 64-bit release store, for scale)\n", "store", store_ns);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "driver_bench: %s\n", e.what());
  return 1;
}

// Replay speed against the original run on the emulated GPU (deterministic
// mode, seed 0). Each workload runs plain (no capture), then captured, and
// the capture is replayed with and without verification, alternating, best
// of three; the figures are ratios to the plain run measured in the same
// process (whole runs: System or replayer set-up to tear-down).
//
//   submissions  N small SDMA fills over four queues, a wait and a 256-byte
//                observation every 64 submissions
//   bulk         32 MiB through 1 MiB CPU writes and SDMA copies, each copy
//                waited for and its 1 MiB destination observed
//
// "Without verification" replays with --from-label naming no annotation:
// every call, write, doorbell and wait is replayed, nothing is compared.
//
//   replay_bench [--submissions N] [--only submissions|bulk]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "capture/capture_session.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"
#include "lib/sim/engines/scheduler.h"
#include "lib/sim/sim_kfd.h"
#include "replay/replay_trace.h"

namespace {

using namespace amdrr;
using Clock = std::chrono::steady_clock;

// The workload's System, on the emulated GPU, recording when `trace` is set.
struct Rig {
  std::unique_ptr<sim::SimKfd> kfd;
  std::unique_ptr<sim::EngineScheduler> engines;
  std::unique_ptr<capture::CaptureSession> session;
  std::unique_ptr<System> system;

  explicit Rig(const std::string& trace) {
    kfd = std::move(sim::SimKfd::create({}).value());
    engines = std::make_unique<sim::EngineScheduler>(*kfd);
    kmd::Kmd* k = kfd.get();
    if (!trace.empty()) {
      capture::CaptureOptions o;
      o.path = trace;
      o.backend = schema::Backend::SIM;
      o.sim_profile = "gfx942";
      o.track_stores = false;
      o.signal_handlers = false;
      std::string error;
      session = capture::CaptureSession::start(*kfd, o, &error);
      if (!session) {
        std::fprintf(stderr, "replay_bench: %s\n", error.c_str());
        std::exit(1);
      }
      k = &session->kmd();
    }
    SystemOptions so;
    so.backend = Backend::kSim;
    system = System::on(*k, Backend::kSim, so);
  }
  void observe(const Buffer& b, uint64_t offset, uint64_t size) {
    if (session) session->kmd().observe(b.va() + offset, size);
  }
  void finish() {
    system.reset();
    if (session) session->close();
  }
};

void submissions(Rig& rig, int n) {
  Device& dev = rig.system->device(0);
  Buffer dst = dev.alloc(1 << 16, Memory::kGtt, "dst");
  std::vector<std::unique_ptr<SdmaQueue>> queues;
  std::vector<Signal> done;
  for (int q = 0; q < 4; ++q) {
    queues.push_back(SdmaQueue::create(dev));
    done.push_back(rig.system->make_signal(0));
  }
  for (int i = 0; i < n; ++i) {
    int q = i % 4;
    queues[q]->fill(dst.va() + 64 * q, static_cast<uint32_t>(i), 64);
    if (i % 64 >= 60) queues[q]->signal(done[q], static_cast<uint64_t>(i / 4 + 1));
    queues[q]->submit();
    if (i % 64 == 63) {
      for (int w = 0; w < 4; ++w) done[w].wait_at_least(static_cast<uint64_t>((i - 3 + w) / 4 + 1));
      rig.observe(dst, 0, 256);
    }
  }
}

void bulk(Rig& rig, uint64_t total) {
  Device& dev = rig.system->device(0);
  const uint64_t chunk = 1 << 20;
  Buffer src = dev.alloc(chunk, Memory::kGtt, "src");
  Buffer dst = dev.alloc(chunk, Memory::kGtt, "dst");
  auto q = SdmaQueue::create(dev);
  Signal done = rig.system->make_signal(0);
  std::vector<uint8_t> data(chunk);
  for (uint64_t i = 0; i < total / chunk; ++i) {
    for (uint64_t j = 0; j < chunk; j += 8) {
      uint64_t v = (j + 1) * 0x9E3779B97F4A7C15ull ^ (i + 1) * 0xD6E8FEB86659FD93ull;
      std::memcpy(data.data() + j, &v, 8);
    }
    src.write(0, data);
    q->copy(dst, src, chunk).signal(done, i + 1).submit();
    done.wait_at_least(i + 1);
    rig.observe(dst, 0, chunk);
  }
}

double run_workload(const std::function<void(Rig&)>& workload, const std::string& trace) {
  auto t0 = Clock::now();
  {
    Rig rig(trace);
    workload(rig);
    rig.finish();
  }
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double run_replay(const std::string& trace, bool verify, replay::ReplayResult* result) {
  replay::ReplayTraceOptions options;
  options.backend = "sim";
  options.sim_mode = "deterministic";
  if (!verify) options.from_label = "\x01 no such label";
  auto t0 = Clock::now();
  *result = replay::replay_trace(trace, options);
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (result->verdict != replay::Verdict::kSame) {
    std::fprintf(stderr, "replay_bench: replay %s: %s\n", replay::verdict_name(result->verdict),
                 result->message.c_str());
    std::exit(1);
  }
  return seconds;
}

void measure(const char* name, const std::function<void(Rig&)>& workload,
             const std::string& trace) {
  double plain = 1e30, captured = 1e30, verified = 1e30, unverified = 1e30;
  replay::ReplayResult result, unverified_result;
  for (int i = 0; i < 3; ++i) {
    plain = std::min(plain, run_workload(workload, std::string()));
    captured = std::min(captured, run_workload(workload, trace));
    verified = std::min(verified, run_replay(trace, true, &result));
    unverified = std::min(unverified, run_replay(trace, false, &unverified_result));
  }
  std::printf(
      "%-12s %llu submissions, %llu observations: original %.3f s (captured %.3f s); replay "
      "%.3f s verified (ratio %.2f), %.3f s without verification (ratio %.2f)\n",
      name, static_cast<unsigned long long>(result.submissions),
      static_cast<unsigned long long>(result.observations_checked), plain, captured, verified,
      verified / plain, unverified, unverified / plain);
}

}  // namespace

int main(int argc, char** argv) {
  int n = 20000;
  std::string only;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--submissions") == 0) n = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--only") == 0) only = argv[i + 1];
  }
  auto wanted = [&](const char* name) { return only.empty() || only == name; };
  const std::string trace = (std::filesystem::temp_directory_path() /
                             ("replay_bench-" + std::to_string(getpid()) + ".amdrr"))
                                .string();
  if (wanted("submissions"))
    measure(
        "submissions", [&](Rig& rig) { submissions(rig, n); }, trace);
  if (wanted("bulk"))
    measure(
        "bulk", [](Rig& rig) { bulk(rig, 32ull << 20); }, trace);
  std::filesystem::remove(trace);
  return 0;
}

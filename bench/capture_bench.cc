// Capture overhead on the emulated GPU (deterministic mode, seed 0), each
// workload run without and with capture in the same process, alternating,
// best of five (submissions) or three, wall time and the calling thread's CPU
// time (ratios, not absolute times, are the result):
//
//   submissions   N small SDMA submissions (a 64-byte fill each) over four
//                 queues, a wait every 64 submissions: wall time with
//                 capture / without (target <= 1.10) and the added time per
//                 doorbell in ns, with packet observations on and off
//                 (AMDRR_CAPTURE_OBSERVE_PACKETS)
//   uploads       Buffer::write of 1 GiB (--upload-mib) in 1 MiB writes, half of them
//                 one repeated content (driver writes, recorded exactly):
//                 ratio, with store tracking on (the driver makes the
//                 pages writable first, Kmd::prepare_cpu_write) and off, and
//                 trace size against what the unique content compresses to
//   mapped        plain stores through mapped pointers, one per 4 KiB page
//                 per round, a wait per round (page-protection path): ratio
//
//                 (timed until the trace holds everything), and the time that
//                 writing the unique half to a file alone takes: the floor
//                 for any recorder that stores it
//
//   capture_bench [--submissions N] [--upload-mib N] [--only submissions|uploads|mapped]
//   capture_bench --once plain|captured|unobserved [--submissions N]
//   capture_bench --once uploads|uploads-plain [--upload-mib N]
//                 one run, nothing compared (for callgrind); --keep PATH keeps its trace

#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <zstd.h>

#include "capture/capture_session.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"
#include "lib/sim/engines/scheduler.h"
#include "lib/sim/sim_kfd.h"

namespace {

using namespace amdrr;
using Clock = std::chrono::steady_clock;

// Wall time, and CPU time of the calling thread (where the program and, in
// deterministic mode, the emulated GPU run; capture's compressor threads
// are not in it). On a loaded machine the second is the steadier ratio.
struct Times {
  double wall = 0;
  double cpu = 0;
};

double thread_cpu() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct Stopwatch {
  Clock::time_point wall0 = Clock::now();
  double cpu0 = thread_cpu();
  Times read() const {
    return {std::chrono::duration<double>(Clock::now() - wall0).count(), thread_cpu() - cpu0};
  }
};

struct Rig {
  std::unique_ptr<sim::SimKfd> kfd;
  std::unique_ptr<sim::EngineScheduler> engines;
  std::unique_ptr<capture::CaptureSession> session;
  std::unique_ptr<System> system;

  explicit Rig(const std::string& trace, bool track_stores = true, bool observe_packets = true) {
    kfd = std::move(sim::SimKfd::create({}).value());
    engines = std::make_unique<sim::EngineScheduler>(*kfd);
    kmd::Kmd* k = kfd.get();
    if (!trace.empty()) {
      capture::CaptureOptions o;
      o.path = trace;
      o.backend = schema::Backend::SIM;
      o.track_stores = track_stores;
      o.observe_packets = observe_packets;
      std::string error;
      session = capture::CaptureSession::start(*kfd, o, &error);
      if (!session) {
        std::fprintf(stderr, "capture_bench: %s\n", error.c_str());
        std::exit(1);
      }
      k = &session->kmd();
    }
    SystemOptions so;
    so.backend = Backend::kSim;
    system = System::on(*k, Backend::kSim, so);
  }
  void finish() {
    system.reset();
    if (session) session->close();
  }
};

Times submissions(const std::string& trace, int n, bool observe_packets) {
  Rig rig(trace, true, observe_packets);
  Times seconds;
  {
    Device& dev = rig.system->device(0);
    Buffer dst = dev.alloc(1 << 16, Memory::kGtt, "dst");
    std::vector<std::unique_ptr<SdmaQueue>> queues;
    std::vector<Signal> done;
    for (int q = 0; q < 4; ++q) {
      queues.push_back(SdmaQueue::create(dev));
      done.push_back(rig.system->make_signal(0));
    }
    Stopwatch watch;
    for (int i = 0; i < n; ++i) {
      int q = i % 4;
      queues[q]->fill(dst.va() + 64 * q, static_cast<uint32_t>(i), 64);
      uint64_t ticket = static_cast<uint64_t>(i / 4 + 1);
      if (i % 64 >= 60) queues[q]->signal(done[q], ticket);
      queues[q]->submit();
      if (i % 64 == 63) {
        for (int w = 0; w < 4; ++w)
          done[w].wait_at_least(static_cast<uint64_t>((i - 3 + w) / 4 + 1));
      }
    }
    for (int w = 0; w < 4; ++w) queues[w]->signal(done[w], 1u << 30).submit();
    for (int w = 0; w < 4; ++w) done[w].wait_at_least(1u << 30);
    seconds = watch.read();
  }
  rig.finish();
  return seconds;
}

// Chunk `i` of the uploads: even chunks repeat one content, odd ones are all
// different.
void upload_chunk(std::vector<uint8_t>& data, uint64_t i) {
  uint64_t seed = i % 2 == 0 ? 0 : i;
  for (uint64_t j = 0; j < data.size(); j += 8) {
    uint64_t v = (j + 1) * 0x9E3779B97F4A7C15ull ^ seed * 0xD6E8FEB86659FD93ull;
    std::memcpy(data.data() + j, &v, 8);
  }
}

// What the uploads' unique content compresses to with the writer's zstd
// level (1), chunk by chunk: the floor for the trace's size.
uint64_t unique_compressed(uint64_t total, uint64_t chunk) {
  std::vector<uint8_t> data(chunk), out(ZSTD_compressBound(chunk));
  uint64_t sum = 0;
  for (uint64_t i = 0; i < total / chunk; ++i) {
    if (i % 2 == 0 && i != 0) continue;  // the repeated content, once
    upload_chunk(data, i);
    sum += ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 1);
  }
  return sum;
}

Times uploads(const std::string& trace, uint64_t total, bool track_stores) {
  Rig rig(trace, track_stores);
  Times seconds;
  {
    Device& dev = rig.system->device(0);
    const uint64_t chunk = 1 << 20;
    Buffer b = dev.alloc(chunk, Memory::kGtt, "upload");
    std::vector<uint8_t> data(chunk);
    Stopwatch watch;
    for (uint64_t i = 0; i < total / chunk; ++i) {
      upload_chunk(data, i);
      b.write(0, data);
    }
    // Until the trace holds it all: the compressors' backlog is capture's time too.
    if (rig.session) rig.session->writer().flush();
    seconds = watch.read();
  }
  rig.finish();
  return seconds;
}

// What storing the unique half costs any recorder at the least: writing its
// bytes to a file (page cache, no compression, no fsync), alone.
Times persist_floor(const std::string& path, uint64_t total) {
  const uint64_t chunk = 1 << 20;
  std::vector<uint8_t> data(chunk);
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return {};
  Stopwatch watch;
  for (uint64_t i = 0; i < total / chunk; ++i) {
    if (i % 2 == 0 && i != 0) continue;
    upload_chunk(data, i);
    if (std::fwrite(data.data(), 1, chunk, f) != chunk) break;
  }
  std::fflush(f);
  Times t = watch.read();
  std::fclose(f);
  std::filesystem::remove(path);
  return t;
}

Times mapped(const std::string& trace, int rounds) {
  Rig rig(trace);
  Times seconds;
  {
    Device& dev = rig.system->device(0);
    const uint64_t size = 4 << 20;
    Buffer b = dev.alloc(size, Memory::kGtt, "mapped");
    auto q = SdmaQueue::create(dev);
    Signal done = rig.system->make_signal(0);
    uint8_t* p = b.data();
    Stopwatch watch;
    for (int r = 1; r <= rounds; ++r) {
      for (uint64_t off = 0; off < size; off += 4096) p[off + (r % 64)] = static_cast<uint8_t>(r);
      q->signal(done, static_cast<uint64_t>(r)).submit();
      done.wait_at_least(static_cast<uint64_t>(r));
    }
    seconds = watch.read();
  }
  rig.finish();
  return seconds;
}

struct Pair {
  Times plain{1e30, 1e30};
  Times captured{1e30, 1e30};
  double wall_ratio() const { return captured.wall / plain.wall; }
  double cpu_ratio() const { return captured.cpu / plain.cpu; }
};

// Alternating runs, best of `n` for each figure.
template <typename F>
Pair best_of(int n, F run, const std::string& trace) {
  Pair best;
  auto keep = [](Times& b, Times t) {
    b.wall = std::min(b.wall, t.wall);
    b.cpu = std::min(b.cpu, t.cpu);
  };
  for (int i = 0; i < n; ++i) {
    keep(best.plain, run(std::string()));
    keep(best.captured, run(trace));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  int n = 100000;
  uint64_t upload_mib = 1024;
  std::string only;
  std::string once;  // one submissions run, for profilers: plain, captured or unobserved
  std::string keep;  // --once: the trace is kept there
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--submissions") == 0) n = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--upload-mib") == 0)
      upload_mib = std::strtoull(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--only") == 0) only = argv[i + 1];
    if (std::strcmp(argv[i], "--once") == 0) once = argv[i + 1];
    if (std::strcmp(argv[i], "--keep") == 0) keep = argv[i + 1];
  }
  auto wanted = [&](const char* name) { return only.empty() || only == name; };
  const std::string trace = !keep.empty()
                                ? keep
                                : (std::filesystem::temp_directory_path() /
                                   ("capture_bench-" + std::to_string(getpid()) + ".amdrr"))
                                      .string();

  if (once == "uploads" || once == "uploads-plain") {
    Times t = uploads(once == "uploads" ? trace : std::string{}, upload_mib << 20, true);
    std::printf("uploads      %llu MiB, %s: wall %.3f s, calling thread CPU %.3f s\n",
                static_cast<unsigned long long>(upload_mib), once.c_str(), t.wall, t.cpu);
    if (keep.empty()) std::filesystem::remove(trace);
    return 0;
  }
  if (!once.empty()) {
    const bool plain = once == "plain";
    Times t = submissions(plain ? std::string{} : trace, n, once != "unobserved");
    std::printf("submissions  %d, %s: wall %.3f s, calling thread CPU %.3f s\n", n, once.c_str(),
                t.wall, t.cpu);
    if (keep.empty()) std::filesystem::remove(trace);
    return 0;
  }
  if (wanted("submissions")) {
    for (bool observe : {true, false}) {
      auto r = best_of(
          5, [&](const std::string& t) { return submissions(t, n, observe); }, trace);
      std::printf(
          "submissions  %d over 4 SDMA queues, packet observations %s: wall %.3f s plain, %.3f "
          "s captured, ratio %.3f; calling thread CPU %.3f / %.3f s, ratio %.3f, +%.0f ns per "
          "doorbell; trace %.1f MiB\n",
          n, observe ? "on " : "off", r.plain.wall, r.captured.wall, r.wall_ratio(), r.plain.cpu,
          r.captured.cpu, r.cpu_ratio(), (r.captured.cpu - r.plain.cpu) * 1e9 / n,
          static_cast<double>(std::filesystem::file_size(trace)) / (1 << 20));
    }
  }
  if (wanted("uploads")) {
    const uint64_t total = upload_mib << 20;
    for (bool track : {true, false}) {
      auto r = best_of(
          3, [&](const std::string& t) { return uploads(t, total, track); }, trace);
      std::printf(
          "uploads      %llu MiB (half repeated), store tracking %s: wall %.3f s plain, %.3f s "
          "captured, ratio %.2f; calling thread CPU %.3f / %.3f s, ratio %.2f\n",
          static_cast<unsigned long long>(total >> 20), track ? "on " : "off", r.plain.wall,
          r.captured.wall, r.wall_ratio(), r.plain.cpu, r.captured.cpu, r.cpu_ratio());
    }
    Times persist{1e30, 1e30};
    for (int i = 0; i < 3; ++i)
      persist.wall = std::min(persist.wall, persist_floor(trace + ".floor", total).wall);
    std::printf(
        "uploads      writing the unique half to a file alone: %.3f s wall (%.2f GB/s); a "
        "recorder that stores it cannot take less\n",
        persist.wall, static_cast<double>(total / 2) / persist.wall / 1e9);
    const double floor = static_cast<double>(unique_compressed(total, 1 << 20));
    const double size = static_cast<double>(std::filesystem::file_size(trace));
    std::printf(
        "uploads      trace %.2f MiB, unique content compressed (zstd -1) %.2f MiB: %+.2f %%\n",
        size / (1 << 20), floor / (1 << 20), (size / floor - 1) * 100);
  }
  if (wanted("mapped")) {
    const int rounds = 200;
    auto r = best_of(
        3, [&](const std::string& t) { return mapped(t, rounds); }, trace);
    std::printf(
        "mapped       %d rounds x 1024 pages stored through pointers: wall %.3f s plain, %.3f s "
        "captured, ratio %.1f, %.2f us per trapped page (calling thread CPU)\n",
        rounds, r.plain.wall, r.captured.wall, r.wall_ratio(),
        (r.captured.cpu - r.plain.cpu) * 1e6 / (rounds * 1024.0));
  }
  std::filesystem::remove(trace);
  return 0;
}

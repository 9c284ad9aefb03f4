// sdma_stress: every SDMA engine of every GPU copying, sizes 4 KiB up to
// 256 MiB, many iterations, every destination verified. Prints bandwidth
// per engine (each alone) and aggregate (all at once), like TransferBench:
// GB/s as min / median / max over the iterations, from wall-clock time.
//
//   sdma_stress [--min-size 4K] [--max-size 256M] [--iterations 10] [--gpus N]

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <vector>

#include "lib/driver/error.h"
#include "lib/driver/sdma_queue.h"
#include "lib/driver/system.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Lane {  // one engine: its queue and buffers
  amdrr::Device* gpu = nullptr;
  uint32_t engine = 0;
  std::unique_ptr<amdrr::SdmaQueue> queue;
  amdrr::Buffer src, dst;
  amdrr::Signal done;
  uint64_t ticket = 0;
};

uint64_t parse_size(const std::string& text) {
  char* end = nullptr;
  uint64_t v = std::strtoull(text.c_str(), &end, 0);
  switch (*end) {
    case 'K':
    case 'k':
      return v << 10;
    case 'M':
    case 'm':
      return v << 20;
    case 'G':
    case 'g':
      return v << 30;
    default:
      return v;
  }
}

std::string size_text(uint64_t bytes) {
  char buf[32];
  if (bytes >= (1u << 20)) {
    std::snprintf(buf, sizeof(buf), "%llu MiB", static_cast<unsigned long long>(bytes >> 20));
  } else {
    std::snprintf(buf, sizeof(buf), "%llu KiB", static_cast<unsigned long long>(bytes >> 10));
  }
  return buf;
}

// Makes the destination differ from the source, copies, and checks it.
void start_copy(Lane& lane, uint64_t size, uint32_t iteration) {
  lane.queue->fill(lane.dst.va(), ~iteration, size);
  lane.queue->copy(lane.dst, lane.src, size).signal(lane.done, ++lane.ticket).submit();
}

void finish_copy(Lane& lane, uint64_t size) {
  lane.done.wait_at_least(lane.ticket, std::chrono::seconds(60));
  if (std::memcmp(lane.dst.data(), lane.src.data(), size) != 0) {
    throw amdrr::Error("engine " + std::to_string(lane.engine) + " on GPU " +
                       std::to_string(lane.gpu->index()) + ": the copy of " + size_text(size) +
                       " does not match its source");
  }
}

void print_stats(const char* what, std::vector<double> gbps) {
  std::sort(gbps.begin(), gbps.end());
  std::printf("  %-22s %8.2f %8.2f %8.2f GB/s\n", what, gbps.front(), gbps[gbps.size() / 2],
              gbps.back());
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"sdma_stress: copy on every SDMA engine of every GPU and verify every byte"};
  std::string min_text = "4K", max_text = "256M";
  uint32_t iterations = 10, gpu_limit = 0;
  app.add_option("--min-size", min_text, "smallest copy (e.g. 4K)");
  app.add_option("--max-size", max_text, "largest copy (e.g. 256M)");
  app.add_option("--iterations", iterations, "copies per size and engine")
      ->check(CLI::PositiveNumber);
  app.add_option("--gpus", gpu_limit, "use at most this many GPUs (0: all)");
  CLI11_PARSE(app, argc, argv);
  const uint64_t min_size = parse_size(min_text), max_size = parse_size(max_text);
  if (min_size < 4 || min_size % 4 != 0 || max_size < min_size) {
    std::fprintf(stderr, "sdma_stress: sizes must be multiples of 4 with min <= max\n");
    return 2;
  }

  auto system = amdrr::System::open();
  size_t gpus = system->device_count();
  if (gpu_limit != 0) gpus = std::min<size_t>(gpus, gpu_limit);
  std::vector<Lane> lanes;
  for (size_t g = 0; g < gpus; ++g) {
    amdrr::Device& gpu = system->device(g);
    uint32_t engines = gpu.sdma_engines() + gpu.xgmi_sdma_engines();
    amdrr::Memory memory = gpu.large_bar() ? amdrr::Memory::kVramHostVisible : amdrr::Memory::kGtt;
    for (uint32_t e = 0; e < engines; ++e) {
      Lane lane;
      lane.gpu = &gpu;
      lane.engine = e;
      amdrr::QueueOptions options;
      options.sdma_engine = static_cast<int32_t>(e);
      lane.queue = amdrr::SdmaQueue::create(gpu, options);
      lane.src = gpu.alloc(max_size, memory, "src");
      lane.dst = gpu.alloc(max_size, memory, "dst");
      lane.done = system->make_signal(0);
      for (uint64_t i = 0; i < max_size; i += 4) {
        uint32_t word = static_cast<uint32_t>(i * 2654435761u) ^ (e << 24);
        std::memcpy(lane.src.data() + i, &word, 4);
      }
      system->kmd().note_cpu_write(lane.src.va(), {lane.src.data(), max_size});
      lanes.push_back(std::move(lane));
    }
    std::printf("GPU %zu: %s, %u SDMA engines (%u xGMI), %s memory\n", g, gpu.name().c_str(),
                engines, gpu.xgmi_sdma_engines(), amdrr::memory_name(memory));
  }

  for (uint64_t size = min_size; size <= max_size; size *= 4) {
    std::printf("%s x %u iterations            min   median      max\n", size_text(size).c_str(),
                iterations);
    for (Lane& lane : lanes) {
      std::vector<double> gbps;
      for (uint32_t it = 0; it < iterations; ++it) {
        auto start = Clock::now();
        start_copy(lane, size, it);
        finish_copy(lane, size);
        double s = std::chrono::duration<double>(Clock::now() - start).count();
        gbps.push_back(static_cast<double>(size) / s / 1e9);
      }
      char label[64];
      std::snprintf(label, sizeof(label), "GPU %zu engine %u", lane.gpu->index(), lane.engine);
      print_stats(label, gbps);
    }
    std::vector<double> aggregate;
    for (uint32_t it = 0; it < iterations; ++it) {
      auto start = Clock::now();
      for (Lane& lane : lanes) start_copy(lane, size, it);
      for (Lane& lane : lanes) finish_copy(lane, size);
      double s = std::chrono::duration<double>(Clock::now() - start).count();
      aggregate.push_back(static_cast<double>(size) * static_cast<double>(lanes.size()) / s / 1e9);
    }
    print_stats("all engines at once", aggregate);
    if (size > max_size / 4) break;
  }
  std::printf("sdma_stress: every destination verified\n");
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "sdma_stress: %s\n", e.what());
  return 1;
}

#include "replay/replay_trace.h"

#include "format/trace_reader.h"
#include "replay/address_space.h"
#include "replay/replayer.h"
#include "replay/sim_backend.h"

namespace amdrr::replay {

namespace {

ReplayResult cannot(std::string message) {
  ReplayResult result;
  result.verdict = Verdict::kCannotReplay;
  result.message = std::move(message);
  return result;
}

}  // namespace

ReplayResult replay_trace(const std::string& path, const ReplayTraceOptions& options) {
  std::string error;
  auto reader = format::TraceReader::open(path, &error);
  if (!reader) return cannot(error);
  // The reservations outlive the backend, which maps inside them.
  AddressSpace space;
  std::vector<VaRange> ranges;
  if (!collect_fixed_ranges(*reader, &ranges, &error)) return cannot(error);
  auto backend = SimBackend::create(reader->header(), options.seed, &error);
  if (!backend) return cannot(error);
  auto apertures = backend->kmd().get_process_apertures();
  if (!apertures.ok()) return cannot("cannot read the GPU apertures");
  std::vector<VaRange> windows;
  for (const auto& a : apertures.value()) {
    if (a.gpuvm_limit > a.gpuvm_base) {
      windows.push_back({a.gpuvm_base, a.gpuvm_limit - a.gpuvm_base + 1});
    }
  }
  if (!space.reserve(std::move(ranges), windows, &error)) return cannot(error);
  Replayer replayer(*reader, backend->kmd(), space, &backend->engines(),
                    ReplayOptions{options.timeout_ms});
  ReplayResult result = replayer.run();
  if (options.inspect) options.inspect(space);
  return result;
}

}  // namespace amdrr::replay

#include "replay/replay_trace.h"

#include <chrono>
#include <cstdlib>

#include "format/trace_reader.h"
#include "lib/gpu/gpu_target.h"
#include "lib/sim/engines/engine_types.h"
#include "lib/sim/engines/scheduler.h"
#include "replay/address_space.h"
#include "replay/limits.h"
#include "replay/replayer.h"
#include "replay/sim_backend.h"
#include "replay/trace_scan.h"

namespace amdrr::replay {

namespace {

ReplayResult cannot(std::string message) {
  ReplayResult result;
  result.verdict = Verdict::kCannotReplay;
  result.message = std::move(message);
  return result;
}

std::string choice(const std::string& given, const char* variable, const char* fallback) {
  if (!given.empty()) return given;
  const char* env = std::getenv(variable);
  return env && *env ? env : fallback;
}

std::unique_ptr<ReplayBackend> make_backend(schema::Header::Reader header,
                                            const ReplayTraceOptions& options, std::string* error) {
  if (options.backend_factory) return options.backend_factory(header, error);
  const std::string backend = choice(options.backend, "AMDRR_BACKEND", "sim");
  if (backend == "kfd") return KmdBackend::open_kfd(error);
  if (backend != "sim") {
    *error = "unknown backend \"" + backend + "\" (sim or kfd)";
    return nullptr;
  }
  const std::string mode = choice(options.sim_mode, "AMDRR_SIM_MODE", "deterministic");
  if (mode != "deterministic" && mode != "threaded") {
    *error = "unknown emulated GPU mode \"" + mode + "\" (deterministic or threaded)";
    return nullptr;
  }
  return SimBackend::create(
      header, options.seed,
      mode == "threaded" ? sim::EngineMode::kThreaded : sim::EngineMode::kDeterministic, error);
}

// The recorded GPUs must be there, each of the same generation, unless
// forced. The emulated GPU is built from the header, so it always matches.
bool check_targets(schema::Header::Reader header, ReplayBackend& backend, bool force,
                   std::string* error) {
  auto recorded = header.getGpus();
  auto nodes = backend.kmd().topology().gpu_nodes();
  if (recorded.size() > nodes.size()) {
    *error = "the trace uses " + std::to_string(recorded.size()) + " GPUs; this machine has " +
             std::to_string(nodes.size());
    return false;
  }
  if (force || backend.built_from_trace()) return true;
  for (unsigned i = 0; i < recorded.size(); ++i) {
    auto target = gpu::resolve_target(*nodes[i]);
    const std::string want = recorded[i].getGfxTarget();
    const std::string have = target.ok() ? target->name : "an unknown target";
    if (want != have) {
      *error = "GPU " + std::to_string(i) + " was " + want + " at capture, is " + have +
               " here (--force replays anyway)";
      return false;
    }
  }
  return true;
}

std::vector<VaRange> apertures_of(kmd::Kmd& kmd) {
  std::vector<VaRange> windows;
  auto apertures = kmd.get_process_apertures();
  if (!apertures.ok()) return windows;
  for (const auto& a : apertures.value()) {
    if (a.gpuvm_limit > a.gpuvm_base) {
      windows.push_back({a.gpuvm_base, a.gpuvm_limit - a.gpuvm_base + 1});
    }
  }
  return windows;
}

}  // namespace

ReplayResult replay_trace(const std::string& path, const ReplayTraceOptions& options) {
  std::string error;
  format::ReadLimits read_limits = rereading_limits();  // read again after the scan
  read_limits.max_blob_bytes = options.limits.max_blob_bytes;
  auto reader = format::TraceReader::open(path, &error, read_limits);
  if (!reader) return cannot(error);
  TraceScan scan;
  if (!scan_trace(*reader, options.limits, &scan, &error)) return cannot(error);
  // The reservations outlive the backend, which maps inside them.
  AddressSpace space;
  auto backend = make_backend(reader->header(), options, &error);
  if (!backend) return cannot(error);
  if (!check_targets(reader->header(), *backend, options.force, &error)) return cannot(error);
  if (!space.reserve(std::move(scan.fixed_ranges), apertures_of(backend->kmd()), &error)) {
    ReplayResult result = cannot(error);
    result.address_collision = space.collided();
    return result;
  }
  ReplayOptions replay_options = options;
  if (options.timeout_ms) replay_options.timeout.fixed_ms = options.timeout_ms;
  replay_options.timeout.slowdown = backend->slowdown(reader->header().getBackend());
  replay_options.backend_reserves_bo_va = backend->reserves_bo_va();
  const auto header = reader->header();
  replay_options.exact_wait_values = header.getBackend() == schema::Backend::SIM &&
                                     !header.getSimThreaded() && backend->engines() != nullptr &&
                                     !backend->engines()->threaded();
  replay_options.deadline =
      deadline_after(std::chrono::steady_clock::now(), options.limits.max_seconds);
  backend->set_deadline(*replay_options.deadline);
  Replayer replayer(*reader, backend->kmd(), space, backend->engines(), std::move(replay_options),
                    scan.records);
  ReplayResult result = replayer.run();
  if (options.inspect) options.inspect(space);
  return result;
}

RepeatedReplay replay_trace_repeated(const std::string& path, const ReplayTraceOptions& options,
                                     uint64_t repeat) {
  RepeatedReplay out;
  for (uint64_t i = 0; i < repeat; ++i) {
    out.results.push_back(replay_trace(path, options));
    const Verdict verdict = out.results.back().verdict;
    if (verdict != Verdict::kSame) ++out.failed;
    if (verdict == Verdict::kCannotReplay) break;
  }
  return out;
}

}  // namespace amdrr::replay

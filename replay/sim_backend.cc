#include "replay/sim_backend.h"

#include <string_view>

#include "lib/sim/engines/scheduler.h"
#include "lib/sim/isa/isa_dispatch_runner.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr::replay {

namespace {

std::optional<sim::SimTarget> target_named(std::string_view name) {
  if (name == "gfx942") return sim::SimTarget::kGfx942;
  if (name == "gfx90a") return sim::SimTarget::kGfx90a;
  if (name == "gfx1100") return sim::SimTarget::kGfx1100;
  return std::nullopt;
}

}  // namespace

std::unique_ptr<SimBackend> SimBackend::create(schema::Header::Reader header,
                                               std::optional<uint64_t> seed, sim::EngineMode mode,
                                               std::string* error) {
  sim::SimProfile profile;
  std::string_view name(header.getSimProfile().cStr(), header.getSimProfile().size());
  if (name.empty() && header.getGpus().size() > 0) {
    auto gpu = header.getGpus()[0];
    name = std::string_view(gpu.getGfxTarget().cStr(), gpu.getGfxTarget().size());
  }
  if (name.empty()) name = "gfx942";
  auto target = target_named(name);
  if (!target) {
    *error = "the emulated GPU has no profile for " + std::string(name);
    return nullptr;
  }
  profile.target = *target;
  const uint32_t gpus = header.getGpus().size();
  if (gpus > 8) {
    *error = "the trace has " + std::to_string(gpus) + " GPUs; the emulated GPU has at most 8";
    return nullptr;
  }
  profile.num_gpus = gpus == 0 ? 1 : gpus;

  auto kfd = sim::SimKfd::create(profile);
  if (!kfd.ok()) {
    *error = "cannot create the emulated GPU: errno " + std::to_string(kfd.error());
    return nullptr;
  }
  std::unique_ptr<SimBackend> backend(new SimBackend());
  backend->kfd_ = std::move(kfd.value());
  sim::EngineOptions options;
  options.seed = seed.value_or(header.getSimSeed());
  options.mode = mode;
  backend->engines_ = std::make_unique<sim::EngineScheduler>(*backend->kfd_, options);
  backend->runner_ = std::make_unique<sim::isa::IsaDispatchRunner>(*backend->kfd_);
  backend->engines_->set_dispatch_runner(backend->runner_.get());
  return backend;
}

SimBackend::~SimBackend() {
  engines_.reset();
  runner_.reset();
  kfd_.reset();
}

void SimBackend::set_deadline(std::chrono::steady_clock::time_point deadline) {
  runner_->set_deadline(deadline);
}

kmd::Kmd& SimBackend::kmd() {
  return *kfd_;
}

double SimBackend::slowdown(schema::Backend recorded) const {
  // UNVERIFIED: a rough ratio of hardware to the shader interpreter; the
  // timeout floor covers short waits whatever it is.
  return recorded == schema::Backend::KFD ? 1000.0 : 1.0;
}

}  // namespace amdrr::replay

#include "lib/driver/system.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <ostream>

#include "capture/capture_session.h"
#include "lib/driver/error.h"
#include "lib/sim/engines/scheduler.h"
#include "lib/sim/isa/isa_dispatch_runner.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr {
namespace {

bool kfd_usable() {
  int fd = ::open("/dev/kfd", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

Backend choose_backend(const SystemOptions& options) {
  if (options.backend) return *options.backend;
  if (const char* env = std::getenv("AMDRR_BACKEND")) {
    if (std::strcmp(env, "kfd") == 0) return Backend::kKfd;
    if (std::strcmp(env, "sim") == 0) return Backend::kSim;
    throw Error(std::string("AMDRR_BACKEND=") + env + " is not a backend: use kfd or sim");
  }
  if (kfd_usable()) return Backend::kKfd;
  if (options.notice) {
    *options.notice << "amdrr: /dev/kfd is not usable here; using the emulated GPU "
                       "(AMDRR_BACKEND=sim)\n";
  }
  return Backend::kSim;
}

sim::SimProfile sim_profile_from_env(sim::SimProfile profile) {
  if (const char* target = std::getenv("AMDRR_SIM_TARGET")) {
    if (std::strcmp(target, "gfx942") == 0) {
      profile.target = sim::SimTarget::kGfx942;
    } else if (std::strcmp(target, "gfx90a") == 0) {
      profile.target = sim::SimTarget::kGfx90a;
    } else {
      throw Error(std::string("AMDRR_SIM_TARGET=") + target +
                  " is not an emulated target: use gfx942 or gfx90a");
    }
  }
  if (const char* gpus = std::getenv("AMDRR_SIM_GPUS")) {
    char* end = nullptr;
    unsigned long n = std::strtoul(gpus, &end, 10);
    if (*gpus == '\0' || *end != '\0' || n < 1 || n > 8) {
      throw Error(std::string("AMDRR_SIM_GPUS=") + gpus + " must be a number from 1 to 8");
    }
    profile.num_gpus = static_cast<uint32_t>(n);
  }
  return profile;
}

}  // namespace

const char* backend_name(Backend backend) {
  return backend == Backend::kKfd ? "kfd" : "sim";
}

std::unique_ptr<System> System::open(const SystemOptions& options) {
  Backend backend = choose_backend(options);
  if (backend == Backend::kKfd) {
    throw Error(
        "the KFD backend (LinuxKfd) is not part of this build yet: run with AMDRR_BACKEND=sim");
  }
  auto sim = check(sim::SimKfd::create(sim_profile_from_env(options.sim_profile)),
                   "cannot create the emulated GPU");
  sim::SimKfd* raw = sim.get();
  std::unique_ptr<System> system(new System(*raw, Backend::kSim, options));
  system->owned_ = std::move(sim);
  system->sim_ = raw;
  sim::EngineOptions engine_options;
  engine_options.mode = check(sim::engine_mode_from_env(), "AMDRR_SIM_MODE");
  engine_options.seed = options.sim_seed;
  if (const char* seed = std::getenv("AMDRR_SIM_SEED")) {
    engine_options.seed = std::strtoull(seed, nullptr, 0);
  }
  system->engines_ = std::make_unique<sim::EngineScheduler>(*raw, engine_options);
  system->dispatch_runner_ = std::make_unique<sim::isa::IsaDispatchRunner>(*raw);
  system->engines_->set_dispatch_runner(system->dispatch_runner_.get());
  system->options_.sim_seed = engine_options.seed;
  system->start_capture_from_env();
  return system;
}

namespace {
const char* sim_target_name(sim::SimTarget target) {
  switch (target) {
    case sim::SimTarget::kGfx942:
      return "gfx942";
    case sim::SimTarget::kGfx90a:
      return "gfx90a";
    case sim::SimTarget::kGfx1100:
      return "gfx1100";
  }
  return "?";
}
}  // namespace

void System::start_capture_from_env() {
  std::string error;
  auto options = capture::capture_options_from_env(&error);
  if (!error.empty()) throw Error(error);
  if (!options) return;
  // One trace per process: the first System captures.
  if (capture::active_session() != nullptr) return;
  options->backend = backend_ == Backend::kSim ? schema::Backend::SIM : schema::Backend::KFD;
  options->sim_seed = options_.sim_seed;
  options->sim_threaded = engines_ && engines_->threaded();
  options->sim_profile = sim_target_name(sim_profile_from_env(options_.sim_profile).target);
  capture_ = capture::CaptureSession::start(*kmd_, *options, &error);
  if (!capture_) {
    throw Error("cannot capture into AMDRR_CAPTURE=" + options->path + ": " + error);
  }
  kmd_ = &capture_->kmd();
  // Programs this one execs would overwrite the trace: they capture only
  // when the path names each process ("%p").
  if (options->path.find("%p") == std::string::npos) unsetenv("AMDRR_CAPTURE");
}

std::unique_ptr<System> System::on(kmd::Kmd& kmd, Backend backend, const SystemOptions& options) {
  return std::unique_ptr<System>(new System(kmd, backend, options));
}

System::System(kmd::Kmd& kmd, Backend backend, const SystemOptions& options)
    : kmd_(&kmd), backend_(backend), options_(options) {
  gpu_nodes_ = kmd.topology().gpu_nodes();
}

System::~System() {
  events_.reset();
  devices_.clear();  // buffers and VMs go before the backend
  capture_.reset();  // closes the trace while the backend still exists
  engines_.reset();
  dispatch_runner_.reset();  // after the scheduler that calls it
  owned_.reset();
}

Device& System::device(size_t index) {
  if (index >= gpu_nodes_.size()) {
    throw Error("no GPU " + std::to_string(index) + ": this system has " +
                std::to_string(gpu_nodes_.size()));
  }
  if (devices_.size() <= index) devices_.resize(index + 1);
  if (!devices_[index]) {
    const gpu::Node& node = *gpu_nodes_[index];
    auto target =
        check(gpu::resolve_target(node), "GPU " + std::to_string(index) + " (gfx_target_version " +
                                             std::to_string(node.gfx_target_version()) +
                                             ") is not a generation amdrr knows");
    check(kmd_->acquire_vm({kmd::AcquireVmArgs::kOwnRenderNode, node.gpu_id}),
          "acquire_vm on GPU " + std::to_string(index));
    uint64_t base = options_.va_base + index * options_.va_window_size;
    auto window = VaWindow::reserve(base, options_.va_window_size);
    if (!window) {
      throw Error("cannot reserve the GPU VA window at " + std::to_string(base) +
                  ": something else is mapped there (choose SystemOptions::va_base)");
    }
    devices_[index].reset(new Device(*this, index, node, std::move(target), std::move(*window)));
    if (events_) events_->map_to(*devices_[index]);
  }
  return *devices_[index];
}

EventSet& System::events() {
  if (!events_) {
    Device* first = nullptr;
    for (auto& d : devices_) {
      if (d && !first) first = d.get();
    }
    if (!first) first = &device(0);
    events_ = std::make_unique<EventSet>(*first);
    for (auto& d : devices_) {
      if (d && d.get() != first) events_->map_to(*d);
    }
  }
  return *events_;
}

Signal System::make_signal(uint64_t initial) {
  EventSet& ev = events();
  Device* home = nullptr;
  for (auto& d : devices_) {
    if (d && !home) home = d.get();
  }
  Buffer memory = home->alloc(4096, Memory::kGttCoherent, "signal");
  // amd_signal_t: kind USER, the value, and the mailbox + event id the GPU
  // uses to interrupt waiters [S-AMDSIG].
  uint64_t fields[4] = {1, initial, ev.mailbox_va(), ev.signal_event_id()};
  memory.write(0, {reinterpret_cast<const uint8_t*>(fields), sizeof(fields)});
  for (auto& d : devices_) {
    if (d && d.get() != home) memory.map_to(*d);
  }
  return Signal(*this, std::move(memory));
}

}  // namespace amdrr

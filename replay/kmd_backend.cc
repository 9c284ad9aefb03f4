#include <cstring>

#include "lib/kmd/linux_kfd.h"
#include "lib/kmd/syscalls.h"
#include "replay/replay_backend.h"

namespace amdrr::replay {

std::unique_ptr<KmdBackend> KmdBackend::open_kfd(std::string* error) {
  auto kfd = kmd::LinuxKfd::open(std::make_unique<kmd::RealSyscalls>());
  if (!kfd.ok()) {
    *error = std::string("cannot open /dev/kfd: ").append(std::strerror(kfd.error()));
    return nullptr;
  }
  return std::make_unique<KmdBackend>(std::move(kfd.value()), nullptr);
}

KmdBackend::KmdBackend(std::unique_ptr<kmd::Kmd> kmd, sim::EngineScheduler* engines,
                       std::shared_ptr<void> keep_alive)
    : keep_alive_(std::move(keep_alive)), kmd_(std::move(kmd)), engines_(engines) {}

KmdBackend::~KmdBackend() = default;

double KmdBackend::slowdown(schema::Backend) const {
  return 1.0;
}

}  // namespace amdrr::replay

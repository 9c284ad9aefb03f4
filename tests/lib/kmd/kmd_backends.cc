#include "tests/lib/kmd/kmd_backends.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lib/kmd/linux_kfd.h"
#include "lib/sim/sim_kfd.h"
#include "tests/lib/kmd/fake_kfd_syscalls.h"

namespace amdrr::kmd::testing {
namespace {

std::string sim_state(const sim::SimKfd& kfd) {
  auto c = kfd.counts();
  return "bos=" + std::to_string(c.bos) + " gpu_maps=" + std::to_string(c.gpu_mappings) +
         " cpu_maps=" + std::to_string(c.cpu_mappings) + " queues=" + std::to_string(c.queues) +
         " events=" + std::to_string(c.events);
}

/// LinuxKfd packing raw ioctl structs for a fake kernel that unpacks them
/// into SimKfd.
KmdBackend linux_kfd_over_fake(sim::SimTarget target, const char* target_name, uint32_t gpus) {
  return KmdBackend{"LinuxKfdFake_" + std::string(target_name) + "_" + std::to_string(gpus) + "gpu",
                    [target, gpus]() -> std::unique_ptr<Kmd> {
                      auto fake = FakeKfdSyscalls::create({target, gpus, false});
                      if (!fake) return nullptr;
                      LinuxKfdOptions options = (*fake)->linux_kfd_options();
                      auto kfd = LinuxKfd::open(std::move(*fake), options);
                      return kfd.ok() ? std::move(*kfd) : nullptr;
                    },
                    [](Kmd& kmd) {
                      auto& fake =
                          dynamic_cast<FakeKfdSyscalls&>(static_cast<LinuxKfd&>(kmd).syscalls());
                      return sim_state(fake.sim());
                    },
                    {}};
}

/// Real hardware: runs only where /dev/kfd opens and the topology has a GPU.
KmdBackend linux_kfd_hardware() {
  return KmdBackend{"LinuxKfd_hardware",
                    []() -> std::unique_ptr<Kmd> {
                      auto kfd = LinuxKfd::open(std::make_unique<RealSyscalls>());
                      return kfd.ok() ? std::move(*kfd) : nullptr;
                    },
                    {},
                    []() -> std::string {
                      int fd = ::open("/dev/kfd", O_RDWR | O_CLOEXEC);
                      if (fd < 0) {
                        return std::string("no usable AMD GPU: cannot open /dev/kfd (") +
                               std::strerror(errno) + ")";
                      }
                      ::close(fd);
                      auto topo = gpu::read_topology();
                      if (!topo)
                        return "cannot read the KFD topology: " +
                               std::string(std::strerror(topo.error()));
                      if (topo->gpu_nodes().empty()) return "the KFD topology has no GPU node";
                      return "";
                    }};
}

}  // namespace

std::vector<KmdBackend> kmd_backends() {
  std::vector<KmdBackend> out;
  for (uint32_t gpus : {1u, 2u}) {
    out.push_back(
        KmdBackend{"SimKfd_gfx942_" + std::to_string(gpus) + "gpu",
                   [gpus]() -> std::unique_ptr<Kmd> {
                     auto kfd = sim::SimKfd::create({sim::SimTarget::kGfx942, gpus, false});
                     return kfd.ok() ? std::move(*kfd) : nullptr;
                   },
                   [](Kmd& kmd) { return sim_state(static_cast<sim::SimKfd&>(kmd)); },
                   {}});
  }
  out.push_back(KmdBackend{"SimKfd_gfx90a_1gpu",
                           []() -> std::unique_ptr<Kmd> {
                             auto kfd = sim::SimKfd::create({sim::SimTarget::kGfx90a, 1, false});
                             return kfd.ok() ? std::move(*kfd) : nullptr;
                           },
                           {},
                           {}});
  out.push_back(linux_kfd_over_fake(sim::SimTarget::kGfx942, "gfx942", 1));
  out.push_back(linux_kfd_over_fake(sim::SimTarget::kGfx942, "gfx942", 2));
  out.push_back(linux_kfd_over_fake(sim::SimTarget::kGfx90a, "gfx90a", 1));
  out.push_back(linux_kfd_hardware());
  return out;
}

}  // namespace amdrr::kmd::testing

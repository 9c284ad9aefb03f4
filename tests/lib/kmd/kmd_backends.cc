#include "tests/lib/kmd/kmd_backends.h"

#include "lib/sim/sim_kfd.h"

namespace amdrr::kmd::testing {

std::vector<KmdBackend> kmd_backends() {
  std::vector<KmdBackend> out;
  for (uint32_t gpus : {1u, 2u}) {
    out.push_back(KmdBackend{
        "SimKfd_gfx942_" + std::to_string(gpus) + "gpu",
        [gpus]() -> std::unique_ptr<Kmd> {
          auto kfd = sim::SimKfd::create({sim::SimTarget::kGfx942, gpus, false});
          return kfd.ok() ? std::move(*kfd) : nullptr;
        },
        [](Kmd& kmd) {
          auto c = static_cast<sim::SimKfd&>(kmd).counts();
          return "bos=" + std::to_string(c.bos) + " gpu_maps=" + std::to_string(c.gpu_mappings) +
                 " cpu_maps=" + std::to_string(c.cpu_mappings) +
                 " queues=" + std::to_string(c.queues) + " events=" + std::to_string(c.events);
        }});
  }
  out.push_back(KmdBackend{"SimKfd_gfx90a_1gpu",
                           []() -> std::unique_ptr<Kmd> {
                             auto kfd = sim::SimKfd::create({sim::SimTarget::kGfx90a, 1, false});
                             return kfd.ok() ? std::move(*kfd) : nullptr;
                           },
                           {}});
  return out;
}

}  // namespace amdrr::kmd::testing

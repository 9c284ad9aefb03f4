// Fuzz target: the emulated GPU's PM4, SDMA and AQL engines (and, through
// dispatches, the shader interpreter) executing arbitrary ring contents.
// The first byte picks the queue kind and target; the rest is the ring.
// Any outcome is fine (a stopped queue is data); a crash, a sanitizer report,
// a hang or a host memory access outside the emulated GPU's memory is not.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "tests/fuzz/sim_rig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  using amdrr::fuzz::SimRig;
  static std::unique_ptr<SimRig> rigs[2][amdrr::fuzz::kQueueKinds];
  const uint8_t kind = data[0] % amdrr::fuzz::kQueueKinds;
  const bool gfx90a = (data[0] & 0x80) != 0;
  auto& rig = rigs[gfx90a][kind];
  if (!rig) {
    rig = std::make_unique<SimRig>(static_cast<amdrr::fuzz::RigQueue>(kind), gfx90a);
  } else {
    rig->reset();
  }
  if (!rig->ok()) __builtin_trap();  // the rig itself must always come up
  rig->run(std::span<const uint8_t>(data + 1, size - 1));
  (void)rig->outcome();
  return 0;
}

#include "lib/sim/isa/isa_dispatch_runner.h"

#include <array>
#include <cstdio>
#include <optional>

#include "lib/sim/isa/dispatch_setup.h"
#include "lib/sim/isa/engine_memory.h"
#include "lib/sim/sim_kfd.h"

namespace amdrr::sim::isa {
namespace {

DispatchResult fail(DispatchResult::Kind kind, std::string message) {
  DispatchResult r;
  r.kind = kind;
  r.message = std::move(message);
  return r;
}

std::optional<Target> isa_target(const gpu::GpuTarget* t) {
  if (!t) return std::nullopt;
  if (t->name.rfind("gfx94", 0) == 0) return kGfx942;  // gfx940/941 share gfx942's encodings
  if (t->name == "gfx90a") return kGfx90a;
  return std::nullopt;
}

DispatchResult to_result(const DispatchOutcome& o, const EngineMemory& mem) {
  using K = DispatchOutcome::Kind;
  using R = DispatchResult::Kind;
  switch (o.kind) {
    case K::kCompleted:
      return {};
    case K::kVmFault: {
      DispatchResult r = fail(R::kVmFault, o.describe());
      r.fault = mem.fault_at(o.fault_va);
      return r;
    }
    case K::kIllegalInstruction:
      return fail(R::kIllegalInstruction, o.describe());
    case K::kUnsupported:
      return fail(R::kUnsupported, o.describe());
    case K::kHang:
      // DispatchResult has no hang kind: the queue stops with an error
      // naming the PC where the limit ran out.
      return fail(R::kError, "shader hang: " + o.describe());
    case K::kBadDispatch:
      return fail(R::kError, o.describe());
  }
  return fail(R::kError, "interpreter outcome out of range");
}

}  // namespace

DispatchResult IsaDispatchRunner::run(const KernelDispatch& d, sim::GpuMemory& mem) {
  const gpu::GpuTarget* t = kfd_.target(d.gpu_id);
  const std::optional<Target> target = isa_target(t);
  if (!target) {
    return fail(DispatchResult::Kind::kUnsupported,
                "the shader interpreter runs gfx942 and gfx90a code, not " +
                    (t ? t->name : std::string("this GPU")));
  }
  EngineMemory memory(mem);
  DispatchSetup s;
  s.target = *target;
  s.instruction_limit = instruction_limit_;
  s.deadline = deadline_;
  std::optional<DispatchResult> refused;
  if (d.registers) {
    if (empty_register_dispatch(*d.registers)) {
      // UNVERIFIED: a DISPATCH_DIRECT with a zero DIM launches nothing.
      return {};
    }
    refused = setup_from_registers(*d.registers, s);
  } else {
    std::array<uint8_t, 64> bytes{};
    if (auto f = mem.read(d.kernel_object, bytes)) {
      DispatchResult r = fail(DispatchResult::Kind::kVmFault, "reading the kernel descriptor");
      r.fault = *f;
      return r;
    }
    refused = setup_from_aql(d, KernelDescriptor::parse(bytes), s);
    if (!refused && uses_scratch(s)) {
      std::array<uint8_t, 256> amd_queue{};
      if (auto f = mem.read(d.queue_va, amd_queue)) {
        DispatchResult r = fail(DispatchResult::Kind::kVmFault, "reading the amd_queue_t");
        r.fault = *f;
        return r;
      }
      refused = setup_scratch_from_amd_queue(amd_queue, s);
    }
  }
  if (refused) return *refused;
  last_ = run_dispatch(s, memory);
  instructions_ += last_.instructions;
  return to_result(last_, memory);
}

}  // namespace amdrr::sim::isa

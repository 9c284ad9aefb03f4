#pragma once
// State of one wave64 and of its workgroup, and the status an instruction
// returns. Register files are laid out for lane loops: vgpr[reg][lane].

#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "lib/sim/isa/dispatch.h"
#include "lib/sim/isa/gpu_memory.h"
#include "lib/sim/isa/instruction.h"

namespace amdrr::sim::isa {

constexpr int kLanes = 64;
constexpr int kMaxVgprs = 512;  // gfx90a/gfx942: unified file, AGPRs from ACCUM_OFFSET

struct Workgroup {
  std::vector<uint8_t> lds;
  uint32_t id[3] = {};
};

struct Wave {
  // SGPR-file registers indexed by their operand code: s0..s101, then
  // flat_scratch, xnack_mask, vcc (106/107), ttmp0-15, m0 (124), exec (126/127).
  std::array<uint32_t, 128> sreg{};
  std::vector<std::array<uint32_t, kLanes>> vgpr;
  bool scc = false;
  uint32_t mode = 0;  // HW_REG_MODE
  uint64_t pc = 0;
  uint32_t accum_offset = 0;  // first AGPR in the unified file
  uint32_t index = 0;         // wave within the workgroup
  bool done = false;
  bool at_barrier = false;
  Workgroup* group = nullptr;

  uint64_t exec() const { return sreg[kSrcExecLo] | uint64_t{sreg[kSrcExecHi]} << 32; }
  void set_exec(uint64_t v) {
    sreg[kSrcExecLo] = static_cast<uint32_t>(v);
    sreg[kSrcExecHi] = static_cast<uint32_t>(v >> 32);
  }
  uint64_t vcc() const { return sreg[kSrcVccLo] | uint64_t{sreg[kSrcVccHi]} << 32; }
  uint64_t sgpr64(uint32_t r) const { return sreg[r & 127] | uint64_t{sreg[(r + 1) & 127]} << 32; }
  void set_sgpr64(uint32_t r, uint64_t v) {
    sreg[r & 127] = static_cast<uint32_t>(v);
    sreg[(r + 1) & 127] = static_cast<uint32_t>(v >> 32);
  }
};

/// What an instruction did to the wave's control flow or why it stopped.
enum class Step : uint8_t { kNext, kJumped, kEnd, kBarrier, kFault, kUnsupported };

struct ExecContext {
  const DispatchSetup& setup;
  GpuMemory& mem;
  uint64_t fault_va = 0;
  std::string message;  // why an instruction is unsupported (beyond its mnemonic)
};

using ExecFn = Step (*)(Wave&, const Instruction&, ExecContext&);

}  // namespace amdrr::sim::isa

// Fuzz target: the shader decoder, printer and interpreter (lib/sim/isa,
// through its public API) on arbitrary machine code. The first byte picks the
// target and the workgroup shape; the rest is the code, run as one wave64
// kernel with a kernarg block and a data buffer it can reach, bounded by a
// small instruction limit (a loop is a hang outcome, not a slow input).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "lib/sim/isa/decoder.h"
#include "lib/sim/isa/dispatch.h"
#include "lib/sim/isa/printer.h"

namespace isa = amdrr::sim::isa;

namespace {
constexpr uint64_t kCode = 0x7f0000000000ull;
constexpr uint64_t kKernarg = 0x7f0000100000ull;
constexpr uint64_t kData = 0x7f0000200000ull;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  const isa::Target target = (mode & 1) ? isa::kGfx90a : isa::kGfx942;
  std::span<const uint8_t> code(data + 1, size - 1);

  // Decode and print every instruction, as the disassembly would.
  isa::Decoder decoder(target);
  for (size_t pc = 0; pc < code.size();) {
    isa::DecodeResult d = decoder.decode(code.subspan(pc));
    if (d.status != isa::DecodeStatus::kOk) {
      pc += 4;
      continue;
    }
    (void)isa::to_text(d.inst, target);
    pc += d.inst.size;
  }

  // Run it: the code, then s_endpgm, in mapped memory.
  isa::HostGpuMemory mem;
  uint8_t* image = mem.map(kCode, code.size() + 8);
  if (!code.empty()) std::memcpy(image, code.data(), code.size());
  const uint32_t endpgm = 0xbf810000;
  std::memcpy(image + ((code.size() + 3) & ~size_t{3}), &endpgm, 4);
  uint8_t* kernarg = mem.map(kKernarg, 256);
  const uint64_t data_va = kData;
  std::memcpy(kernarg, &data_va, 8);
  mem.map(kData, 4096);

  isa::DispatchSetup s;
  s.target = target;
  s.code_address = kCode;
  s.kernarg_address = kKernarg;
  s.rsrc1 = 0x2c0041;                  // some VGPRs and SGPRs
  s.rsrc2 = (mode & 2) ? 0x8c : 0x84;  // user SGPRs (kernarg ptr), workgroup id x
  s.kernel_code_properties = 0x8;      // kernarg segment ptr
  s.workgroup_size[0] = (mode & 4) ? 128 : 64;
  s.grid_size[0] = (mode & 8) ? 256 : s.workgroup_size[0];
  s.group_segment_size = (mode & 16) ? 1024 : 0;
  s.private_segment_size = (mode & 32) ? 64 : 0;
  s.instruction_limit = 20000;
  isa::DispatchOutcome out = isa::run_dispatch(s, mem);
  (void)out.describe();
  return 0;
}

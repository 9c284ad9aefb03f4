#pragma once
// The entry point the PM4 and AQL engines call to run a kernel dispatch on
// the interpreter. DispatchSetup carries what DISPATCH_DIRECT's COMPUTE_*
// registers, or an AQL kernel dispatch packet plus kernel descriptor, give.

#include <chrono>
#include <cstdint>
#include <string>

#include "lib/code/code_object.h"
#include "lib/sim/isa/gpu_memory.h"
#include "lib/sim/isa/opcode_table.h"

namespace amdrr::sim::isa {

using code::KernelDescriptor;

/// Instructions between two looks at DispatchSetup::deadline (a clock read
/// costs about as much as a few hundred interpreted instructions, so this is
/// well under 1% and a few milliseconds apart).
inline constexpr uint64_t kDeadlineCheckInterval = uint64_t{1} << 16;

struct DispatchSetup {
  Target target = kGfx942;
  uint64_t code_address = 0;  // COMPUTE_PGM_LO/HI << 8, or descriptor + entry offset
  uint32_t rsrc1 = 0, rsrc2 = 0, rsrc3 = 0;
  uint16_t kernel_code_properties =
      0;  // AQL: from the descriptor; PM4: derived from the user SGPR layout
  uint32_t grid_size[3] = {1, 1, 1};  // in work-items (AQL); PM4: DIM * NUM_THREAD
  uint16_t workgroup_size[3] = {1, 1, 1};
  uint64_t kernarg_address = 0;
  uint64_t dispatch_packet_address = 0;
  uint64_t queue_address = 0;
  uint64_t dispatch_id = 0;
  uint32_t group_segment_size = 0;    // LDS bytes per workgroup (>= RSRC2.LDS_SIZE * 512 is used)
  uint32_t private_segment_size = 0;  // scratch bytes per work-item
  // Scratch as the CP hands it to the waves. Wave slot k's backing starts at
  // scratch_base + k * scratch_wave_bytes; lane-private bytes are
  // interleaved per dword across the 64 lanes (scratch_swizzle). gfx942
  // (architected flat scratch) gets FLAT_SCRATCH = its slot's address;
  // gfx90a kernels build it from flat_scratch_init + the wave offset SGPR.
  uint64_t scratch_base = 0;        // PM4: DISPATCH_SCRATCH_BASE; AQL: amd_queue_t
  uint32_t scratch_wave_bytes = 0;  // TMPRING_SIZE.WAVESIZE * 1 KiB
  uint32_t scratch_waves = 0;       // TMPRING_SIZE.WAVES: wave slots
  uint32_t scratch_vsharp[4] = {};  // private segment buffer V# (user SGPRs)
  uint64_t flat_scratch_init = 0;   // flat scratch init (user SGPRs, gfx90a)
  // Apertures as the KFD sets them (SH_MEM_BASES); FLAT addresses in them
  // reach LDS or scratch. The high 32 bits are what src_shared_base reads.
  uint64_t shared_aperture_base = 0x1000000000000ull;
  uint64_t private_aperture_base = 0x2000000000000ull;
  uint64_t instruction_limit = 1ull
                               << 34;  // per dispatch: a runaway kernel is a hang, not a host hang
  // Wall clock past which the dispatch stops as a hang, checked every
  // kDeadlineCheckInterval instructions: at interpreter speed 2^34
  // instructions take hours, so replay's --max-seconds sets this.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // PM4 path: user SGPRs given directly (COMPUTE_USER_DATA_*); when
  // user_sgpr_count_override >= 0 these replace the descriptor-derived list.
  int user_sgpr_count_override = -1;
  uint32_t user_sgprs[16] = {};
};

/// Fills the descriptor-derived fields of `s` for an AQL-style dispatch of
/// the kernel whose descriptor lives at GPU address `descriptor_address`.
void apply_kernel_descriptor(DispatchSetup& s, const KernelDescriptor& kd,
                             uint64_t descriptor_address);

struct DispatchOutcome {
  enum class Kind : uint8_t {
    kCompleted,
    kVmFault,             // fault_va
    kIllegalInstruction,  // no instruction has this encoding
    kUnsupported,         // a real instruction the emulator does not implement
    kHang,                // instruction_limit or deadline reached
    kBadDispatch,         // setup the hardware would refuse (message)
  };
  Kind kind = Kind::kCompleted;
  uint64_t pc = 0;
  uint32_t encoding[3] = {};
  uint8_t encoding_size = 0;
  std::string mnemonic;
  uint64_t fault_va = 0;
  uint32_t workgroup[3] = {};
  uint32_t wave = 0;
  std::string message;
  uint64_t instructions = 0;  // executed, all waves
  bool ok() const { return kind == Kind::kCompleted; }
  std::string describe() const;
};

DispatchOutcome run_dispatch(const DispatchSetup& setup, GpuMemory& mem);

}  // namespace amdrr::sim::isa

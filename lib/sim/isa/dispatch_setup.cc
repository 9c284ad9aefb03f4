// AQL packet / COMPUTE_* registers -> DispatchSetup. Field layouts: the
// reference §3.4 (registers) and §5.4-5.5 (descriptor, initial wave state).
#include "lib/sim/isa/dispatch_setup.h"

#include <cstdio>
#include <cstring>
#include <string>

namespace amdrr::sim::isa {
namespace {

// DISPATCH_INITIATOR bits (reference §3.4).
constexpr uint32_t kComputeShaderEn = 1u << 0;
constexpr uint32_t kPartialTgEn = 1u << 1;
constexpr uint32_t kForceStartAt000 = 1u << 2;
constexpr uint32_t kOrderedAppend = 3u << 3;  // ORDERED_APPEND_ENBL, _MODE
constexpr uint32_t kUseThreadDimensions = 1u << 5;
constexpr uint32_t kRestore = 1u << 14;

// kernel_code_properties ENABLE_WAVEFRONT_SIZE32.
constexpr uint16_t kWave32 = 1u << 10;

DispatchResult result(DispatchResult::Kind kind, std::string message) {
  DispatchResult r;
  r.kind = kind;
  r.message = std::move(message);
  return r;
}
DispatchResult error(std::string message) {
  return result(DispatchResult::Kind::kError, std::move(message));
}
DispatchResult unsupported(std::string message) {
  return result(DispatchResult::Kind::kUnsupported, std::move(message));
}

std::string hex(const char* what, uint64_t v) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%s 0x%llx", what, static_cast<unsigned long long>(v));
  return buf;
}

std::optional<DispatchResult> check_segments(const DispatchSetup& s) {
  if (s.group_segment_size > kMaxGroupSegmentSize) {
    return error(hex("group segment (LDS) larger than 64 KiB:", s.group_segment_size));
  }
  if (s.private_segment_size > kMaxPrivateSegmentSize) {
    return error(
        hex("private segment per work-item larger than the CP allows:", s.private_segment_size));
  }
  // COMPUTE_PGM_LO/HI hold the address >> 8.
  // UNVERIFIED: what the CP does with an unaligned AQL entry (truncation is
  // likely); refused here.
  if (s.code_address & 0xff) return error(hex("kernel code not 256-byte aligned:", s.code_address));
  return std::nullopt;
}

}  // namespace

std::optional<DispatchResult> setup_from_aql(const KernelDispatch& d, const KernelDescriptor& kd,
                                             DispatchSetup& s) {
  if (kd.kernel_code_properties & kWave32) {
    return unsupported("wave32 kernel (ENABLE_WAVEFRONT_SIZE32): the interpreter runs wave64");
  }
  // UNVERIFIED: the CP ignores the sizes of dimensions past `dimensions`
  // (ROCR writes 1 there).
  for (uint32_t i = 0; i < 3; ++i) {
    const bool used = i < d.dimensions;
    s.grid_size[i] = used ? d.grid_size[i] : 1;
    s.workgroup_size[i] = static_cast<uint16_t>(used ? d.workgroup_size[i] : 1);
  }
  s.group_segment_size = d.group_segment_size;
  s.private_segment_size = d.private_segment_size;
  // The larger of packet and descriptor sizes is used; kernarg preload is
  // not done, so a preloading kernel runs its compatibility prologue (which
  // loads the arguments itself), as on CP firmware without preload support.
  // UNVERIFIED: that every preloading kernel has that prologue.
  apply_kernel_descriptor(s, kd, d.kernel_object);
  s.kernarg_address = d.kernarg_address;
  s.dispatch_packet_address = d.packet_va;
  s.queue_address = d.queue_va;
  s.dispatch_id = d.dispatch_id;
  return check_segments(s);
}

std::optional<DispatchResult> setup_scratch_from_amd_queue(std::span<const uint8_t, 256> q,
                                                           DispatchSetup& s) {
  auto u32 = [&](size_t off) {
    uint32_t v;
    std::memcpy(&v, q.data() + off, 4);
    return v;
  };
  // amd_queue_t [S-AMDQ]: compute_tmpring_size @140, scratch_resource_
  // descriptor @144, scratch_backing_memory_location @160,
  // scratch_wave64_lane_byte_size @176. UNVERIFIED: the CP adds the
  // location to SH_HIDDEN_PRIVATE_BASE, which stays 0 unless the process
  // calls SET_SCRATCH_BACKING_VA (amdrr's driver does not), so the location
  // is the backing's GPU VA.
  const uint32_t tmpring = u32(140);
  for (int i = 0; i < 4; ++i) s.scratch_vsharp[i] = u32(144 + 4 * i);
  s.scratch_base = u32(160) | uint64_t{u32(164)} << 32;
  s.flat_scratch_init = s.scratch_base;
  s.scratch_waves = tmpring & 0xfff;
  s.scratch_wave_bytes = (tmpring >> 12 & 0x1fff) * 1024;
  const uint32_t lane_bytes = u32(176);
  if (s.private_segment_size > lane_bytes) {
    return error("insufficient scratch: the dispatch uses " +
                 std::to_string(s.private_segment_size) +
                 " bytes per work-item, the queue's amd_queue_t provides " +
                 std::to_string(lane_bytes) + " (scratch_wave64_lane_byte_size)");
  }
  return std::nullopt;
}

bool empty_register_dispatch(const ComputeRegisters& c) {
  return c.dim[0] == 0 || c.dim[1] == 0 || c.dim[2] == 0;
}

std::optional<DispatchResult> setup_from_registers(const ComputeRegisters& c, DispatchSetup& s) {
  const uint32_t init = c.initiator;
  if (!(init & kComputeShaderEn)) {
    return unsupported(hex("DISPATCH_INITIATOR without COMPUTE_SHADER_EN:", init));
  }
  if (init & (kOrderedAppend | kRestore)) {
    return unsupported(hex("DISPATCH_INITIATOR ordered append / restore:", init));
  }
  // UNVERIFIED: FORCE_START_AT_000 makes the CP ignore COMPUTE_START_*;
  // workgroup ids that start elsewhere are not emulated.
  if (!(init & kForceStartAt000) && (c.start[0] || c.start[1] || c.start[2])) {
    return unsupported("COMPUTE_START_X/Y/Z not zero (workgroup ids offset)");
  }
  for (uint32_t i = 0; i < 3; ++i) {
    const uint32_t full = c.num_thread[i] & 0xffff;
    const uint32_t partial = c.num_thread[i] >> 16;
    if (full == 0) return error("COMPUTE_NUM_THREAD_X/Y/Z with NUM_THREAD_FULL 0");
    uint64_t threads;
    if (init & kUseThreadDimensions) {
      // UNVERIFIED: DIM counts work-items and the CP makes the last
      // workgroup partial itself.
      threads = c.dim[i];
    } else if ((init & kPartialTgEn) && partial != 0) {
      // UNVERIFIED: the last workgroup of the dimension has
      // NUM_THREAD_PARTIAL work-items (radeonsi's use of PARTIAL_TG_EN).
      threads = uint64_t{c.dim[i] - 1} * full + partial;
    } else {
      threads = uint64_t{c.dim[i]} * full;
    }
    if (threads > UINT32_MAX) {
      return unsupported("a grid of 2^32 or more work-items in one dimension");
    }
    s.grid_size[i] = static_cast<uint32_t>(threads);
    s.workgroup_size[i] = static_cast<uint16_t>(full);
  }
  // COMPUTE_PGM_HI carries address bits [47:40] (reference §3.4).
  s.code_address = uint64_t{c.pgm_hi & 0xff} << 40 | uint64_t{c.pgm_lo} << 8;
  s.rsrc1 = c.rsrc1;
  s.rsrc2 = c.rsrc2;
  s.rsrc3 = c.rsrc3;
  s.kernel_code_properties = 0;  // the user SGPRs are given, not derived
  const uint32_t user = c.rsrc2 >> 1 & 0x1f;
  if (user > 16)
    return error(hex("RSRC2.USER_SGPR above the 16 COMPUTE_USER_DATA registers:", user));
  s.user_sgpr_count_override = static_cast<int>(user);
  for (uint32_t i = 0; i < 16; ++i) s.user_sgprs[i] = c.user_data[i];
  // LDS: RSRC2.LDS_SIZE (512-byte granules), which run_dispatch reads.
  s.group_segment_size = (c.rsrc2 >> 15 & 0x1ff) * 512;
  // Scratch: the per-wave slot TMPRING_SIZE.WAVESIZE (1 KiB units on GFX9)
  // spread over 64 lanes, when RSRC2.SCRATCH_EN. UNVERIFIED: the slot is
  // split evenly per lane (the swizzled private segment).
  s.private_segment_size = (c.rsrc2 & 1) ? (c.tmpring_size >> 12 & 0x1fff) * 1024 / 64 : 0;
  s.scratch_wave_bytes = (c.tmpring_size >> 12 & 0x1fff) * 1024;
  s.scratch_waves = c.tmpring_size & 0xfff;
  // Architected flat scratch (gfx942) starts at DISPATCH_SCRATCH_BASE;
  // gfx90a kernels find their scratch through the user SGPRs instead.
  s.scratch_base = (uint64_t{c.scratch_base_hi} << 32 | c.scratch_base_lo) << 8;
  return check_segments(s);
}

}  // namespace amdrr::sim::isa

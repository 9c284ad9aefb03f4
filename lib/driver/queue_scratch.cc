#include "lib/driver/queue_scratch.h"

#include <algorithm>

#include "lib/driver/device.h"
#include "lib/driver/error.h"

namespace amdrr {
namespace {

// GFX9: TMPRING_SIZE.WAVESIZE counts 1 KiB per wave64, so per-lane sizes
// round to 16 bytes (ROCR's mem_alignment_size 1024 / 64 lanes).
constexpr uint32_t kWaveGranule = 1024;
constexpr uint32_t kLanes = 64;
constexpr uint32_t kMaxWaveSizeField = 0x1fff;  // WAVESIZE [24:12]
constexpr uint32_t kMaxWavesField = 0xfff;      // WAVES [11:0]
// A driver choice, not hardware: the backing is capped (ROCR caps it too,
// with HSA_SCRATCH_SINGLE_LIMIT) and WAVES says how many slots there are;
// the CP runs no more scratch waves than that at once. At least one full
// workgroup (1024 work-items = 16 waves) always fits.
constexpr uint64_t kMaxBytesPerXcc = 64ull << 20;
constexpr uint32_t kMinWaves = 16;

// SQ_BUF_RSRC_WORD1 SWIZZLE_ENABLE [31]; WORD3 as ROCR's FillBufRsrcWord3:
// DST_SEL_X/Y/Z/W = SQ_SEL_X/Y/Z/W (4..7), NUM_FORMAT UINT (4) [14:12],
// DATA_FORMAT 32 (4) [18:15], ELEMENT_SIZE 4 bytes (1) [20:19],
// INDEX_STRIDE 64 (3) [22:21], ADD_TID_ENABLE [23], TYPE buffer (0).
// UNVERIFIED: the SQ_SEL / format enum values (GFX9 sid.h values recalled,
// not read); the emulator only uses SWIZZLE_ENABLE, INDEX_STRIDE and
// ADD_TID_ENABLE.
constexpr uint32_t kSwizzleEnable = 1u << 31;
constexpr uint32_t kWord3 =
    4u | 5u << 3 | 6u << 6 | 7u << 9 | 4u << 12 | 4u << 15 | 1u << 19 | 3u << 21 | 1u << 23;

}  // namespace

void QueueScratch::grow(Device& device, uint32_t lane_bytes) {
  const uint32_t lane =
      (lane_bytes + kWaveGranule / kLanes - 1) / (kWaveGranule / kLanes) * (kWaveGranule / kLanes);
  const uint32_t wave_units = lane * kLanes / kWaveGranule;
  if (wave_units > kMaxWaveSizeField) {
    throw Error("a kernel using " + std::to_string(lane_bytes) +
                " bytes of scratch per work-item exceeds what COMPUTE_TMPRING_SIZE.WAVESIZE "
                "can describe (" +
                std::to_string(kMaxWaveSizeField * kWaveGranule / kLanes) + " bytes)");
  }
  const uint64_t wave_bytes = uint64_t{wave_units} * kWaveGranule;
  // Waves the GPU may run at once, as ROCR counts them: CUs × scratch
  // slots per CU [S-TOPO max_slots_scratch_cu], split over the XCCs.
  const gpu::Node& node = device.node();
  const uint64_t simd_per_cu = std::max<uint64_t>(1, node.properties.get("simd_per_cu"));
  const uint64_t cus = node.properties.get("simd_count") / simd_per_cu;
  const uint64_t slots = std::max<uint64_t>(1, node.properties.get("max_slots_scratch_cu"));
  const uint32_t xccs = std::max<uint32_t>(1, device.target().num_xcc);
  uint64_t waves = std::max<uint64_t>(1, cus * slots / xccs);
  waves = std::min<uint64_t>(waves, std::max<uint64_t>(kMinWaves, kMaxBytesPerXcc / wave_bytes));
  waves = std::clamp<uint64_t>(waves, kMinWaves, kMaxWavesField);
  const uint64_t per_xcc = waves * wave_bytes;

  if (buffer_.valid()) buffer_.free();
  buffer_ = device.alloc(per_xcc * xccs, Memory::kVram, "scratch");
  lane_bytes_ = lane;
  bytes_per_xcc_ = per_xcc;
  tmpring_size_ = static_cast<uint32_t>(waves) | wave_units << 12;
  const uint64_t base = buffer_.va();
  vsharp_ = {static_cast<uint32_t>(base),
             static_cast<uint32_t>(base >> 32 & 0xffff) | kSwizzleEnable,
             static_cast<uint32_t>(std::min<uint64_t>(per_xcc, UINT32_MAX)), kWord3};
}

}  // namespace amdrr

#include "capture/packet_targets.h"

#include "lib/pkt/decode.h"
#include "lib/pkt/pm4_table.h"
#include "lib/pkt/sdma_table.h"

namespace amdrr::capture {
namespace {

using pkt::field_id;
using pkt::PacketView;
namespace pm4 = pkt::pm4;
namespace sdma = pkt::sdma;

// Low address bits the layouts do not carry are ignored, as the emulator
// does (UNVERIFIED on hardware, see lib/sim/engines).
constexpr uint64_t kDwordMask = ~uint64_t{3};
constexpr uint64_t kQwordMask = ~uint64_t{7};

// Each packet's fields are read straight from its dwords (PacketView): a
// doorbell's packets need two or three fields each, not all of them.
struct Range {
  uint64_t va = 0;
  uint64_t size = 0;
  bool timestamp = false;
  bool interrupt = false;
  bool has_data = false;
  uint64_t data = 0;
};

Range write_data(const PacketView& p) {
  static constexpr auto kDstSel = field_id(pm4::kWriteData, "DST_SEL");
  static constexpr auto kNoIncr = field_id(pm4::kWriteData, "ADDR_INCR");
  static constexpr auto kLo = field_id(pm4::kWriteData, "DST_ADDR_LO");
  static constexpr auto kHi = field_id(pm4::kWriteData, "DST_ADDR_HI");
  const uint32_t sel = p.read(kDstSel);
  if (sel != 1 && sel != 2 && sel != 5) return {};  // a register
  const auto payload = p.payload();
  const bool no_incr = p.read(kNoIncr) != 0;
  Range r{p.read64(kLo, kHi) & kDwordMask, no_incr ? 4 : payload.size() * 4};
  if (!no_incr && !payload.empty() && payload.size() <= 2) {
    r.has_data = true;
    r.data = payload[0] | (payload.size() == 2 ? uint64_t{payload[1]} << 32 : 0);
  }
  return r;
}

Range copy_data(const PacketView& p) {
  static constexpr auto kSrcSel = field_id(pm4::kCopyData, "SRC_SEL");
  static constexpr auto kDstSel = field_id(pm4::kCopyData, "DST_SEL");
  static constexpr auto kCount64 = field_id(pm4::kCopyData, "COUNT_SEL");
  static constexpr auto kLo = field_id(pm4::kCopyData, "DST_ADDR_LO");
  static constexpr auto kHi = field_id(pm4::kCopyData, "DST_ADDR_HI");
  const uint32_t sel = p.read(kDstSel);
  if (sel != 2 && sel != 5) return {};
  const bool is_64 = p.read(kCount64) != 0;
  return {p.read64(kLo, kHi) & (is_64 ? kQwordMask : kDwordMask), is_64 ? 8u : 4u,
          p.read(kSrcSel) == 9};  // SRC_SEL 9: the GPU clock
}

Range dma_data(const PacketView& p) {
  static constexpr auto kDstSel = field_id(pm4::kDmaDataGfx9, "DST_SEL");
  static constexpr auto kLo = field_id(pm4::kDmaDataGfx9, "DST_ADDR_LO");
  static constexpr auto kHi = field_id(pm4::kDmaDataGfx9, "DST_ADDR_HI");
  static constexpr auto kBytes = field_id(pm4::kDmaDataGfx9, "BYTE_COUNT");
  static constexpr auto kDas = field_id(pm4::kDmaDataGfx9, "DAS");
  static constexpr auto kDaic = field_id(pm4::kDmaDataGfx9, "DAIC");
  const uint32_t sel = p.read(kDstSel);
  if ((sel != 0 && sel != 3) || p.read(kDas) || p.read(kDaic)) return {};
  return {p.read64(kLo, kHi), p.read(kBytes)};
}

Range release_mem(const PacketView& p) {
  static constexpr auto kDstSel = field_id(pm4::kReleaseMemGfx9, "DST_SEL");
  static constexpr auto kIntSel = field_id(pm4::kReleaseMemGfx9, "INT_SEL");
  static constexpr auto kDataSel = field_id(pm4::kReleaseMemGfx9, "DATA_SEL");
  static constexpr auto kLo = field_id(pm4::kReleaseMemGfx9, "ADDRESS_LO");
  static constexpr auto kHi = field_id(pm4::kReleaseMemGfx9, "ADDRESS_HI");
  static constexpr auto kDataLo = field_id(pm4::kReleaseMemGfx9, "DATA_LO");
  static constexpr auto kDataHi = field_id(pm4::kReleaseMemGfx9, "DATA_HI");
  const uint64_t data = p.read64(kDataLo, kDataHi);
  const bool interrupt = p.read(kIntSel) != 0;
  const uint64_t addr = p.read64(kLo, kHi);
  if (p.read(kDstSel) > 1) return {0, 0, false, interrupt};
  switch (p.read(kDataSel)) {
    case 1:  // low 32 bits of DATA
      return {addr & kDwordMask, 4, false, interrupt, true, data & 0xFFFFFFFFu};
    case 2:  // 64-bit DATA
      return {addr & kQwordMask, 8, false, interrupt, true, data};
    case 3:  // GPU clock counter
    case 4:  // CP perf / system counter
      return {addr & kQwordMask, 8, true, interrupt};
    default:
      return {0, 0, false, interrupt};
  }
}

Range sdma_packet(const PacketView& p) {
  using pkt::Kind;
  switch (p.kind()) {
    case Kind::kSdmaCopyLinear: {
      static constexpr auto kCount = field_id(sdma::kCopyLinearV4, "COUNT");
      static constexpr auto kLo = field_id(sdma::kCopyLinearV4, "DST_ADDR_LO");
      static constexpr auto kHi = field_id(sdma::kCopyLinearV4, "DST_ADDR_HI");
      return {p.read64(kLo, kHi), uint64_t{p.read(kCount)} + 1};
    }
    case Kind::kSdmaConstantFill: {
      static constexpr auto kCount = field_id(sdma::kConstantFillV4, "COUNT");
      static constexpr auto kLo = field_id(sdma::kConstantFillV4, "DST_ADDR_LO");
      static constexpr auto kHi = field_id(sdma::kConstantFillV4, "DST_ADDR_HI");
      return {p.read64(kLo, kHi), uint64_t{p.read(kCount)} + 1};
    }
    case Kind::kSdmaWriteUntiled: {
      static constexpr auto kLo = field_id(sdma::kWriteUntiled, "DST_ADDR_LO");
      static constexpr auto kHi = field_id(sdma::kWriteUntiled, "DST_ADDR_HI");
      return {p.read64(kLo, kHi), p.payload().size() * 4};
    }
    case Kind::kSdmaFence: {
      static constexpr auto kLo = field_id(sdma::kFenceV4, "ADDR_LO");
      static constexpr auto kHi = field_id(sdma::kFenceV4, "ADDR_HI");
      static constexpr auto kData = field_id(sdma::kFenceV4, "DATA");
      return {p.read64(kLo, kHi) & kDwordMask, 4, false, false, true, p.read(kData)};
    }
    case Kind::kSdmaTimestampGetGlobal: {
      static constexpr auto kLo = field_id(sdma::kTimestampGetGlobal, "WRITE_ADDR_LO");
      static constexpr auto kHi = field_id(sdma::kTimestampGetGlobal, "WRITE_ADDR_HI");
      return {p.read64(kLo, kHi) & kQwordMask, 8, true};
    }
    case Kind::kSdmaTrap:
      return {0, 0, false, true};
    default:
      return {};
  }
}

Range range_of(const PacketView& p) {
  using pkt::Kind;
  switch (p.kind()) {
    case Kind::kPm4WriteData:
      return write_data(p);
    case Kind::kPm4CopyData:
      return copy_data(p);
    case Kind::kPm4DmaData:
      return dma_data(p);
    case Kind::kPm4ReleaseMem:
      return release_mem(p);
    default:
      return sdma_packet(p);
  }
}

bool folds_into(const PacketTarget& last, const Range& r) {
  return last.va == r.va && last.size == r.size && last.timestamp == r.timestamp &&
         last.has_data == r.has_data && last.data == r.data && !last.interrupt &&
         !r.interrupt;  // interrupts are counted one by one
}

}  // namespace

void packet_targets(const pkt::PacketTable& table, std::span<const uint32_t> dwords,
                    uint64_t position, std::vector<PacketTarget>& out, size_t first_foldable) {
  for (size_t at = 0; at < dwords.size();) {
    const PacketView p = pkt::locate(table, dwords, at);
    if (p.status == pkt::DecodeStatus::kTruncated) break;
    at = p.next_offset();
    if (!p.ok()) continue;
    const Range r = range_of(p);
    if (r.size == 0 && !r.interrupt) continue;
    const uint64_t end = position + at * 4;
    if (out.size() > first_foldable && folds_into(out.back(), r)) {
      out.back().copies++;
      out.back().end_position = end;
      continue;
    }
    out.push_back({r.va, r.size, r.timestamp, r.interrupt, r.has_data, r.data, end});
  }
}

}  // namespace amdrr::capture

#include "inspect/gpu_clock.h"

#include <cstring>

#include "lib/pkt/pm4_table.h"
#include "lib/pkt/sdma_table.h"

namespace amdrr::inspect {

std::vector<uint64_t> timestamp_addresses(const std::vector<pkt::DecodedPacket>& packets) {
  using pkt::field_id;
  constexpr auto kRelLo = field_id(pkt::pm4::kReleaseMemGfx9, "ADDRESS_LO");
  constexpr auto kRelHi = field_id(pkt::pm4::kReleaseMemGfx9, "ADDRESS_HI");
  constexpr auto kDataSel = field_id(pkt::pm4::kReleaseMemGfx9, "DATA_SEL");
  constexpr auto kTsLo = field_id(pkt::sdma::kTimestampGetGlobal, "WRITE_ADDR_LO");
  constexpr auto kTsHi = field_id(pkt::sdma::kTimestampGetGlobal, "WRITE_ADDR_HI");
  constexpr uint32_t kSendGpuClock = 3;  // DATA_SEL: 64-bit GPU clock counter
  std::vector<uint64_t> out;
  for (const pkt::DecodedPacket& p : packets) {
    if (p.kind() == pkt::Kind::kPm4ReleaseMem && p.get(kDataSel) == kSendGpuClock) {
      out.push_back(p.get64(kRelLo, kRelHi));
    } else if (p.kind() == pkt::Kind::kSdmaTimestampGetGlobal) {
      out.push_back(p.get64(kTsLo, kTsHi));
    }
  }
  return out;
}

void GpuClock::add_pairing(uint64_t gpu_counter, uint64_t trace_ns) {
  pairings_.push_back({gpu_counter, trace_ns});
}

void GpuClock::add_observation(uint64_t record, uint64_t va, std::vector<uint8_t> bytes) {
  observations_.push_back({record, va, std::move(bytes)});
}

std::optional<uint64_t> GpuClock::value_after(uint64_t record, uint64_t va) const {
  for (const Observation& o : observations_) {
    if (o.record <= record || va < o.va || va - o.va + 8 > o.bytes.size()) continue;
    uint64_t v;
    std::memcpy(&v, o.bytes.data() + (va - o.va), 8);
    return v;
  }
  return std::nullopt;
}

std::optional<uint64_t> GpuClock::to_trace_ns(uint64_t gpu_counter) const {
  if (pairings_.empty()) return std::nullopt;
  const Pairing& first = pairings_.front();
  double hz = kDefaultHz;
  const Pairing& last = pairings_.back();
  if (last.gpu > first.gpu && last.ns > first.ns) {
    hz = double(last.gpu - first.gpu) * 1e9 / double(last.ns - first.ns);
  }
  const double ns = double(first.ns) + (double(gpu_counter) - double(first.gpu)) * 1e9 / hz;
  if (ns < 0) return 0;
  return static_cast<uint64_t>(ns);
}

}  // namespace amdrr::inspect

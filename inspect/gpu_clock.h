#pragma once
// GPU timestamps in a trace, turned into trace time. Packets write the GPU
// clock counter to memory (RELEASE_MEM DATA_SEL=3, SDMA TIMESTAMP_GET_GLOBAL);
// where the program read those values back and the trace kept them
// (ObservedMemory with isTimestamp and its bytes), and a GET_CLOCK_COUNTERS
// call pairs the GPU counter with a moment of the trace, a submission's span
// can run on GPU time.

#include <cstdint>
#include <optional>
#include <vector>

#include "lib/pkt/decode.h"

namespace amdrr::inspect {

/// Addresses a submission's packets write the GPU clock to, in packet order.
std::vector<uint64_t> timestamp_addresses(const std::vector<pkt::DecodedPacket>& packets);

class GpuClock {
 public:
  /// UNVERIFIED: the GFX9 GPU clock counter runs at 100 MHz (the emulated
  /// GPU's rate); used when the trace pairs the clocks only once.
  static constexpr double kDefaultHz = 100e6;

  /// A GET_CLOCK_COUNTERS result, returned at trace time `trace_ns`.
  void add_pairing(uint64_t gpu_counter, uint64_t trace_ns);
  /// Bytes the program read back, marked as timestamps, after record `record`.
  void add_observation(uint64_t record, uint64_t va, std::vector<uint8_t> bytes);

  /// The GPU counter value at `va` first observed after `record`.
  std::optional<uint64_t> value_after(uint64_t record, uint64_t va) const;
  /// A GPU counter value as trace nanoseconds; nullopt without a pairing.
  std::optional<uint64_t> to_trace_ns(uint64_t gpu_counter) const;

 private:
  struct Pairing {
    uint64_t gpu, ns;
  };
  struct Observation {
    uint64_t record, va;
    std::vector<uint8_t> bytes;
  };
  std::vector<Pairing> pairings_;
  std::vector<Observation> observations_;
};

}  // namespace amdrr::inspect

#pragma once
// Where an engine's packets come from: the ring between read and write
// pointer (wrapping at the ring end, as the hardware fetches) and the
// indirect buffers it calls. Packets are decoded with the lib/pkt table of the
// engine's family; nothing here knows a bit position.
//
// Pointers are in the queue's units (PM4: dwords, SDMA: bytes) and grow
// monotonically; the ring offset is the pointer modulo the ring size.

#include <cstdint>
#include <optional>
#include <vector>

#include "lib/pkt/decode.h"
#include "lib/sim/engines/gpu_memory.h"

namespace amdrr::sim {

class CommandStream {
 public:
  enum class Fetch : uint8_t {
    kPacket,     // `packet` is complete and ready to execute
    kEmpty,      // nothing between read and write pointer
    kPartial,    // the packet straddles the write pointer: wait for the rest
    kFault,      // fetching faulted (`fault`)
    kMalformed,  // `message` says why (larger than the ring, past an IB end)
  };

  CommandStream(GpuMemory& mem, const pkt::PacketTable& table, uint64_t ring_va,
                uint32_t ring_bytes, uint32_t unit_bytes);

  /// A doorbell: the new write pointer. False when it is not a valid position
  /// (behind the read pointer, more than a ring ahead, or not dword aligned).
  bool set_wptr(uint64_t wptr);
  const pkt::PacketTable& table() const { return table_; }
  uint64_t rptr() const { return rptr_; }
  uint64_t wptr() const { return wptr_; }
  /// Levels of IB below the ring (0 = executing the ring itself).
  uint32_t depth() const { return static_cast<uint32_t>(ibs_.size()); }

  Fetch next();
  const pkt::DecodedPacket& packet() const { return packet_; }
  uint64_t packet_va() const { return packet_va_; }
  const GpuFault& fault() const { return fault_; }
  const char* message() const { return message_; }

  /// Moves past the current packet.
  void consume();
  /// Forgets prefetched ring dwords, so the next fetch re-reads memory (an
  /// AQL slot whose header was still INVALID when fetched). Invalidates
  /// packet().
  void drop_prefetch() { window_.clear(), window_pos_ = 0; }
  /// Calls an IB of `dwords` at `va` (chain: replaces the current IB). The
  /// caller consumes the calling packet first.
  std::optional<GpuFault> call_ib(uint64_t va, uint32_t dwords, bool chain);

 private:
  struct Ib {
    uint64_t va = 0;
    std::vector<uint32_t> dwords;
    size_t pos = 0;
  };
  Fetch next_from_ring();
  Fetch next_from_ib();
  std::optional<GpuFault> refill(uint64_t min_dwords);

  GpuMemory& mem_;
  const pkt::PacketTable& table_;
  uint64_t ring_va_;
  uint64_t ring_dwords_;
  uint32_t unit_bytes_;
  uint64_t rptr_ = 0;
  uint64_t wptr_ = 0;
  // Ring dwords fetched from rptr_ (the hardware's prefetch).
  std::vector<uint32_t> window_;
  size_t window_pos_ = 0;
  std::vector<Ib> ibs_;

  pkt::DecodedPacket packet_;
  uint64_t packet_va_ = 0;
  GpuFault fault_;
  const char* message_ = "";
};

}  // namespace amdrr::sim

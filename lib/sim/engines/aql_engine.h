#pragma once
// An AQL (HSA) queue's packet processor: 64-byte packets in a ring indexed
// by amd_queue_t's monotonic dispatch ids (slot = id mod ring packets; the
// doorbell carries the last packet's id). Barrier-AND/OR wait on signals,
// the PM4-IB vendor packet runs its IB on a PM4 engine of this queue,
// kernel dispatches go to the DispatchRunner. A slot whose header is still
// INVALID is not published yet: the processor waits on it.

#include <memory>

#include "lib/gpu/gpu_target.h"
#include "lib/sim/engines/pm4_engine.h"
#include "lib/sim/engines/queue_engine.h"

namespace amdrr::sim {

class AqlEngine final : public QueueEngine {
 public:
  AqlEngine(EngineEnv env, const SimQueue& queue, const gpu::GpuTarget& target);

 private:
  Exec execute(const pkt::DecodedPacket& p) override;
  Exec unknown_packet(const pkt::DecodedPacket& p) override;
  uint64_t doorbell_to_wptr(uint64_t value) const override { return value + 1; }

  Exec barrier(const pkt::DecodedPacket& p, bool all);
  Exec kernel_dispatch(const pkt::DecodedPacket& p);
  Exec pm4_ib(const pkt::DecodedPacket& p);
  /// The end of every packet: the slot goes back to INVALID, then the
  /// completion signal.
  Exec complete(const pkt::DecodedPacket& p);
  /// The completion signal's three ordered steps: decrement, mailbox, interrupt.
  std::optional<GpuFault> signal(uint64_t va);

  Pm4Engine pm4_;  // runs PM4-IB vendor packets' IBs
  pkt::Pm4Family pm4_family_;
  bool ib_running_ = false;
};

}  // namespace amdrr::sim

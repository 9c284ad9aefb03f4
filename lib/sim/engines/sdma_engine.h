#pragma once
// An SDMA queue (v4.4 layouts: gfx90a SDMA 4.4.0, gfx942 SDMA 4.4.2), also
// for SDMA_XGMI queues: a copy reaches a peer GPU's memory wherever that
// memory is mapped into this GPU's page table. Write pointers count bytes.

#include "lib/gpu/gpu_target.h"
#include "lib/sim/engines/queue_engine.h"

namespace amdrr::sim {

class SdmaEngine final : public QueueEngine {
 public:
  SdmaEngine(EngineEnv env, const SimQueue& queue, const gpu::GpuTarget& target);

 private:
  Exec execute(const pkt::DecodedPacket& p) override;
  Exec copy_linear(const pkt::DecodedPacket& p);
  Exec constant_fill(const pkt::DecodedPacket& p);
  Exec write_untiled(const pkt::DecodedPacket& p);
  Exec poll_regmem(const pkt::DecodedPacket& p);
  Exec atomic(const pkt::DecodedPacket& p);
  Exec indirect(const pkt::DecodedPacket& p);

  pkt::SdmaVersion version_;
  uint32_t poll_retries_ = 0;  // failed evaluations of the current POLL_REGMEM
};

}  // namespace amdrr::sim

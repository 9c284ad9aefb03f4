#pragma once
// A PM4 compute queue (GFX9 layouts: gfx90a, gfx942 with one XCC). Executes
// the packets of lib/pkt's PM4 table against the queue's register file and
// GPU memory. Caches are not modelled: memory is coherent, so cache actions
// (ACQUIRE_MEM, RELEASE_MEM's TC bits, EVENT_WRITE flushes) have no effect.

#include <vector>

#include "lib/gpu/gpu_target.h"
#include "lib/sim/engines/queue_engine.h"

namespace amdrr::sim {

class Pm4Engine final : public QueueEngine {
 public:
  Pm4Engine(EngineEnv env, const SimQueue& queue, const gpu::GpuTarget& target);

  /// The register file as SET_SH_REG / SET_UCONFIG_REG left it (tests, and
  /// the COMPUTE_* state DISPATCH_DIRECT hands the shader interpreter).
  std::optional<uint32_t> reg(uint32_t addr) const;

  /// Calls the INDIRECT_BUFFER `jump` that an AQL PM4-IB vendor packet
  /// carries (no ring packet to consume); then step() runs the IB and
  /// returns kIdle once it and the IBs it called are done. False when the
  /// jump fails (outcome() says why).
  bool start_ib(const pkt::DecodedPacket& jump);

 private:
  Exec execute(const pkt::DecodedPacket& p) override;
  Exec set_regs(const pkt::DecodedPacket& p, uint32_t base);
  Exec write_data(const pkt::DecodedPacket& p);
  Exec wait_reg_mem(const pkt::DecodedPacket& p);
  Exec release_mem(const pkt::DecodedPacket& p);
  Exec event_write(const pkt::DecodedPacket& p);
  Exec copy_data(const pkt::DecodedPacket& p);
  Exec dma_data(const pkt::DecodedPacket& p);
  Exec atomic_mem(const pkt::DecodedPacket& p);
  Exec indirect_buffer(const pkt::DecodedPacket& p);
  Exec dispatch_direct(const pkt::DecodedPacket& p);
  bool write_reg(uint32_t addr, uint32_t value);

  std::vector<uint32_t> sh_regs_;
  std::vector<uint32_t> uconfig_regs_;
  uint32_t rsrc3_reg_ = 0;        // COMPUTE_PGM_RSRC3 moves between generations
  uint64_t atomic_return_ = 0;    // COPY_DATA SRC_SEL=ATOMIC_RETURN_DATA
  bool wait_write_done_ = false;  // WR_WAIT_WR_REG wrote before blocking
  bool from_ring_ = true;         // the packet executing came from the stream
};

}  // namespace amdrr::sim

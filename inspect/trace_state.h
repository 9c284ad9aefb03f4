#pragma once
// TraceState: what the records so far say about the machine — buffers (with
// names), queues (engine, packet table), code objects — kept up to date by
// visiting each record in order. dump, timeline, report and redact read it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "format/record_visitor.h"
#include "inspect/buffer_map.h"
#include "lib/pkt/decode.h"
#include "lib/pkt/desc.h"

namespace amdrr::inspect {

struct QueueInfo {
  uint32_t id = 0;
  uint32_t gpu_id = 0;
  std::string type;  // "compute" (PM4), "computeAql", "sdma", "sdmaXgmi", ...
  pkt::Engine engine = pkt::Engine::kPm4;
  const pkt::PacketTable* table = nullptr;
  uint64_t ring_va = 0;
  uint32_t ring_size = 0;
  uint32_t sdma_engine = 0;
  bool destroyed = false;
  /// "q0 sdma gpu 0x4000".
  std::string label() const;
};

struct CodeObjectInfo {
  uint64_t record = 0;
  uint32_t gpu_id = 0;
  uint64_t load_va = 0;
  std::string name;
};

class TraceState : public format::RecordVisitor {
 public:
  /// Resolves each GPU's packet families from the header.
  explicit TraceState(schema::Header::Reader header);

  void kmd_call(const format::RecordView& view, schema::KmdCall::Reader call) override;
  void code_object(const format::RecordView& view, schema::CodeObject::Reader code) override;

  /// Names buffers by what a doorbell's packets use them for: kernel
  /// arguments, completion signals, indirect buffers.
  void name_from_packets(const std::vector<pkt::DecodedPacket>& packets);

  const BufferMap& buffers() const { return buffers_; }
  const QueueInfo* queue(uint32_t gpu_id, uint32_t queue_id) const;
  const std::vector<QueueInfo>& queues() const { return queues_; }
  const std::vector<CodeObjectInfo>& code_objects() const { return code_objects_; }
  /// The gfx target name of a GPU ("gfx942"), "" when the header lacks it.
  std::string gfx_target(uint32_t gpu_id) const;
  /// The PM4 table of a GPU (indirect buffers hold PM4 on every queue type).
  const pkt::PacketTable& pm4_table(uint32_t gpu_id) const { return *tables(gpu_id)->pm4; }

 private:
  struct GpuTables {
    std::string target;
    const pkt::PacketTable* pm4 = nullptr;
    const pkt::PacketTable* sdma = nullptr;
    const pkt::PacketTable* aql = nullptr;
  };
  const GpuTables* tables(uint32_t gpu_id) const;

  BufferMap buffers_;
  std::vector<QueueInfo> queues_;
  std::vector<CodeObjectInfo> code_objects_;
  std::map<uint32_t, GpuTables> gpus_;
  GpuTables fallback_;  // GPUs the header does not describe: GFX9 tables
};

}  // namespace amdrr::inspect

#include "inspect/trace_state.h"

#include <cstdio>

#include "lib/gpu/gpu_target.h"
#include "lib/pkt/aql_table.h"
#include "lib/pkt/pm4_regs.h"
#include "lib/pkt/pm4_table.h"
#include "lib/pkt/tables.h"

namespace amdrr::inspect {
namespace {

const char* queue_type_name(schema::QueueType type) {
  switch (type) {
    case schema::QueueType::COMPUTE:
      return "compute";
    case schema::QueueType::SDMA:
      return "sdma";
    case schema::QueueType::COMPUTE_AQL:
      return "computeAql";
    case schema::QueueType::SDMA_XGMI:
      return "sdmaXgmi";
    case schema::QueueType::SDMA_BY_ENG_ID:
      return "sdmaByEngId";
    case schema::QueueType::OTHER:
      break;
  }
  return "other";
}

}  // namespace

std::string QueueInfo::label() const {
  char buf[96];
  std::snprintf(buf, sizeof buf, "q%u %s gpu 0x%x", id, type.c_str(), gpu_id);
  return buf;
}

TraceState::TraceState(schema::Header::Reader header) {
  fallback_ = {"", &pkt::pm4_table(pkt::Pm4Family::kGfx9),
               &pkt::sdma_table(pkt::SdmaVersion::kV4_4), &pkt::aql_table()};
  for (auto g : header.getGpus()) {
    gpu::Node node;
    node.gpu_id = g.getGpuId();
    node.properties.set("gfx_target_version", uint64_t{g.getGfxTargetVersion()});
    node.properties.set("num_xcc", uint64_t{g.getXccCount() ? g.getXccCount() : 1});
    GpuTables t = fallback_;
    t.target = g.getGfxTarget().cStr();
    if (auto target = gpu::resolve_target(node); target.ok()) {
      t.pm4 = &pkt::pm4_table(target->pm4_family);
      t.sdma = &pkt::sdma_table(target->sdma_version);
      t.aql = &pkt::aql_table(target->aql_family);
    }
    gpus_[g.getGpuId()] = t;
  }
}

const TraceState::GpuTables* TraceState::tables(uint32_t gpu_id) const {
  auto it = gpus_.find(gpu_id);
  return it == gpus_.end() ? &fallback_ : &it->second;
}

std::string TraceState::gfx_target(uint32_t gpu_id) const {
  return tables(gpu_id)->target;
}

const QueueInfo* TraceState::queue(uint32_t gpu_id, uint32_t queue_id) const {
  // Queue ids are per process; the latest live one wins, then a destroyed one.
  const QueueInfo* found = nullptr;
  for (const QueueInfo& q : queues_) {
    if (q.id != queue_id || (gpu_id != 0 && q.gpu_id != gpu_id)) continue;
    if (!q.destroyed || found == nullptr) found = &q;
  }
  return found;
}

void TraceState::kmd_call(const format::RecordView& view, schema::KmdCall::Reader call) {
  if (call.getPhase() != schema::KmdCall::Phase::RETURNED || call.getErrnum() != 0) return;
  switch (call.which()) {
    case schema::KmdCall::ALLOC_MEMORY_OF_GPU: {
      auto a = call.getAllocMemoryOfGpu();
      buffers_.add(a.getVaAddr(), a.getSize(), a.getHandle(), a.getGpuId(), a.getFlags());
      break;
    }
    case schema::KmdCall::FREE_MEMORY_OF_GPU:
      buffers_.free(call.getFreeMemoryOfGpu().getHandle(), view.number);
      break;
    case schema::KmdCall::CREATE_QUEUE: {
      auto c = call.getCreateQueue();
      QueueInfo q;
      q.id = c.getQueueId();
      q.gpu_id = c.getGpuId();
      q.type = queue_type_name(c.getQueueType());
      q.ring_va = c.getRingBaseAddress();
      q.ring_size = c.getRingSize();
      q.sdma_engine = c.getSdmaEngineId();
      const GpuTables* t = tables(q.gpu_id);
      switch (c.getQueueType()) {
        case schema::QueueType::COMPUTE:
          q.engine = pkt::Engine::kPm4;
          q.table = t->pm4;
          break;
        case schema::QueueType::COMPUTE_AQL:
          q.engine = pkt::Engine::kAql;
          q.table = t->aql;
          break;
        default:
          q.engine = pkt::Engine::kSdma;
          q.table = t->sdma;
          break;
      }
      const std::string n = "q" + std::to_string(q.id);
      buffers_.name(q.ring_va, "ring " + n);
      buffers_.name(c.getWritePointerAddress(), "wptr/rptr " + n);
      buffers_.name(c.getReadPointerAddress(), "wptr/rptr " + n);
      if (c.getEopBufferAddress() != 0) buffers_.name(c.getEopBufferAddress(), "eop " + n);
      if (c.getCtxSaveRestoreAddress() != 0) {
        buffers_.name(c.getCtxSaveRestoreAddress(), "ctx-save " + n);
      }
      queues_.push_back(q);
      break;
    }
    case schema::KmdCall::DESTROY_QUEUE: {
      uint32_t id = call.getDestroyQueue().getQueueId();
      for (QueueInfo& q : queues_) {
        if (q.id == id && !q.destroyed) q.destroyed = true;
      }
      break;
    }
    case schema::KmdCall::CREATE_EVENT: {
      uint64_t page = call.getCreateEvent().getEventPageOffset();
      if (page == 0) break;
      for (const BufferInfo& b : buffers_.all()) {
        if (b.handle == page && !b.freed) buffers_.name(b.va, "event page");
      }
      break;
    }
    default:
      break;
  }
}

void TraceState::code_object(const format::RecordView& view, schema::CodeObject::Reader code) {
  CodeObjectInfo c{view.number, code.getGpuId(), code.getLoadVa(), code.getName().cStr()};
  buffers_.name(c.load_va, "code " + (c.name.empty() ? std::string("object") : c.name), true);
  code_objects_.push_back(c);
}

}  // namespace amdrr::inspect

namespace amdrr::inspect {

void TraceState::name_from_packets(const std::vector<pkt::DecodedPacket>& packets) {
  using pkt::field_id;
  constexpr auto kKernargLo = field_id(pkt::aql::kKernelDispatch, "KERNARG_ADDRESS_LO");
  constexpr auto kKernargHi = field_id(pkt::aql::kKernelDispatch, "KERNARG_ADDRESS_HI");
  constexpr auto kSignalLo = field_id(pkt::aql::kKernelDispatch, "COMPLETION_SIGNAL_LO");
  constexpr auto kSignalHi = field_id(pkt::aql::kKernelDispatch, "COMPLETION_SIGNAL_HI");
  constexpr auto kIbLo = field_id(pkt::pm4::kIndirectBuffer, "IB_BASE_LO");
  constexpr auto kIbHi = field_id(pkt::pm4::kIndirectBuffer, "IB_BASE_HI");
  constexpr auto kShOffset = field_id(pkt::pm4::kSetShReg, "REG_OFFSET");
  const uint32_t user_data =
      pkt::pm4::reg_addr(pkt::pm4::kComputeCommonRegs, "COMPUTE_USER_DATA_0");
  for (const pkt::DecodedPacket& p : packets) {
    switch (p.kind()) {
      case pkt::Kind::kAqlKernelDispatch:
        buffers_.name(p.get64(kKernargLo, kKernargHi), "kernargs");
        [[fallthrough]];
      case pkt::Kind::kAqlBarrierAnd:
      case pkt::Kind::kAqlBarrierOr:
      case pkt::Kind::kAqlVendorPm4Ib:
        if (uint64_t sig = p.get64(kSignalLo, kSignalHi); sig != 0) buffers_.name(sig, "signals");
        break;
      case pkt::Kind::kPm4IndirectBuffer:
        buffers_.name(p.get64(kIbLo, kIbHi) & ~uint64_t{3}, "indirect buffer");
        break;
      case pkt::Kind::kPm4SetShReg: {
        // The PM4 dispatch path passes the kernel argument address in USER_DATA_0/1.
        auto data = p.payload();
        if (pkt::pm4::kShRegBase + p.get(kShOffset) == user_data && data.size() >= 2) {
          buffers_.name((uint64_t{data[1]} << 32) | data[0], "kernargs");
        }
        break;
      }
      default:
        break;
    }
  }
}

}  // namespace amdrr::inspect

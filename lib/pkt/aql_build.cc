#include "lib/pkt/aql_build.h"

#include "lib/pkt/aql_table.h"
#include "lib/pkt/encoder.h"
#include "lib/pkt/pm4_build.h"

namespace amdrr::pkt::aql {
namespace {

// Header ids are the same fields, at the same indices, in every AQL entry.
void header(Encoder& e, const Header& h) {
  e.set(field_id(kKernelDispatch, "BARRIER"), h.barrier)
      .set(field_id(kKernelDispatch, "SCACQUIRE_FENCE_SCOPE"), h.acquire_scope)
      .set(field_id(kKernelDispatch, "SCRELEASE_FENCE_SCOPE"), h.release_scope);
}

void completion(Encoder& e, uint64_t signal) {
  e.set64(field_id(kKernelDispatch, "COMPLETION_SIGNAL_LO"),
          field_id(kKernelDispatch, "COMPLETION_SIGNAL_HI"), signal);
}

Packet barrier(const PacketDesc& d, const Barrier& a) {
  static constexpr FieldId kDep[5][2] = {
      {field_id(kBarrierAnd, "DEP_SIGNAL0_LO"), field_id(kBarrierAnd, "DEP_SIGNAL0_HI")},
      {field_id(kBarrierAnd, "DEP_SIGNAL1_LO"), field_id(kBarrierAnd, "DEP_SIGNAL1_HI")},
      {field_id(kBarrierAnd, "DEP_SIGNAL2_LO"), field_id(kBarrierAnd, "DEP_SIGNAL2_HI")},
      {field_id(kBarrierAnd, "DEP_SIGNAL3_LO"), field_id(kBarrierAnd, "DEP_SIGNAL3_HI")},
      {field_id(kBarrierAnd, "DEP_SIGNAL4_LO"), field_id(kBarrierAnd, "DEP_SIGNAL4_HI")},
  };
  Packet p{};
  Encoder e(p, d);
  header(e, a.header);
  for (int i = 0; i < 5; ++i) e.set64(kDep[i][0], kDep[i][1], a.dep_signal[i]);
  completion(e, a.completion_signal);
  return p;
}

}  // namespace

Packet kernel_dispatch(const KernelDispatch& a) {
  static constexpr const PacketDesc& d = kKernelDispatch;
  Packet p{};
  Encoder e(p, d);
  header(e, a.header);
  e.set(field_id(d, "SETUP_DIMENSIONS"), a.dimensions)
      .set(field_id(d, "WORKGROUP_SIZE_X"), a.workgroup_size[0])
      .set(field_id(d, "WORKGROUP_SIZE_Y"), a.workgroup_size[1])
      .set(field_id(d, "WORKGROUP_SIZE_Z"), a.workgroup_size[2])
      .set(field_id(d, "GRID_SIZE_X"), a.grid_size[0])
      .set(field_id(d, "GRID_SIZE_Y"), a.grid_size[1])
      .set(field_id(d, "GRID_SIZE_Z"), a.grid_size[2])
      .set(field_id(d, "PRIVATE_SEGMENT_SIZE"), a.private_segment_size)
      .set(field_id(d, "GROUP_SEGMENT_SIZE"), a.group_segment_size)
      .set64(field_id(d, "KERNEL_OBJECT_LO"), field_id(d, "KERNEL_OBJECT_HI"), a.kernel_object)
      .set64(field_id(d, "KERNARG_ADDRESS_LO"), field_id(d, "KERNARG_ADDRESS_HI"),
             a.kernarg_address);
  completion(e, a.completion_signal);
  return p;
}

Packet barrier_and(const Barrier& a) {
  return barrier(kBarrierAnd, a);
}
Packet barrier_or(const Barrier& a) {
  return barrier(kBarrierOr, a);
}

Packet pm4_ib(const Header& h, uint64_t ib_addr, uint32_t ib_size_dwords,
              uint64_t completion_signal) {
  static constexpr const PacketDesc& d = kVendorPm4Ib;
  Packet p{};
  Encoder e(p, d);
  header(e, h);
  // The embedded jump is the PM4 table's own INDIRECT_BUFFER.
  pm4::indirect_buffer(std::span<uint32_t>(p).subspan(1, 4),
                       pm4::IndirectBuffer{.addr = ib_addr, .size_dwords = ib_size_dwords});
  e.set(field_id(d, "DW_CNT_REMAIN"), 10);
  completion(e, completion_signal);
  return p;
}

}  // namespace amdrr::pkt::aql

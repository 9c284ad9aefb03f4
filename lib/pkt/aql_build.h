#pragma once
// AQL builders. Each returns the 16 dwords of one packet; the queue writes
// dwords 1..15 first and dword 0 (header + setup) last with a release store,
// as HSA requires, so a half-written packet still reads as its old type.

#include <array>
#include <cstdint>

namespace amdrr::pkt::aql {

using Packet = std::array<uint32_t, 16>;

struct Header {
  bool barrier = true;
  uint32_t acquire_scope = 2;  // SYSTEM
  uint32_t release_scope = 2;  // SYSTEM
};

struct KernelDispatch {
  Header header;
  uint32_t dimensions = 1;
  uint16_t workgroup_size[3] = {1, 1, 1};
  uint32_t grid_size[3] = {1, 1, 1};  // in work-items
  uint32_t private_segment_size = 0;
  uint32_t group_segment_size = 0;
  uint64_t kernel_object = 0;
  uint64_t kernarg_address = 0;
  uint64_t completion_signal = 0;
};
Packet kernel_dispatch(const KernelDispatch& a);

struct Barrier {
  Header header;
  uint64_t dep_signal[5] = {};
  uint64_t completion_signal = 0;
};
Packet barrier_and(const Barrier& a);
Packet barrier_or(const Barrier& a);

/// Vendor-specific packet that runs a PM4 indirect buffer (ROCR amd_aql_pm4_ib).
Packet pm4_ib(const Header& header, uint64_t ib_addr, uint32_t ib_size_dwords,
              uint64_t completion_signal = 0);

}  // namespace amdrr::pkt::aql

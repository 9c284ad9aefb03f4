#include "lib/pkt/tables.h"

#include <algorithm>

#include "lib/pkt/aql_table.h"
#include "lib/pkt/pm4_regs.h"
#include "lib/pkt/pm4_table.h"
#include "lib/pkt/sdma_table.h"

namespace amdrr::pkt {
namespace {

// GFX11 shares every GFX9 layout except those listed with their own entry.
// UNVERIFIED: WRITE_DATA, WAIT_REG_MEM, COPY_DATA, ATOMIC_MEM, EVENT_WRITE and
// INDIRECT_BUFFER were compared only by macro names in nvd.h, not bit by bit.
constexpr const PacketDesc* kPm4Gfx9[] = {
    &pm4::kType2,          &pm4::kNop,
    &pm4::kSetShReg,       &pm4::kSetUconfigReg,
    &pm4::kWriteData,      &pm4::kWaitRegMem,
    &pm4::kReleaseMemGfx9, &pm4::kAcquireMemGfx9,
    &pm4::kEventWrite,     &pm4::kCopyData,
    &pm4::kDmaDataGfx9,    &pm4::kAtomicMem,
    &pm4::kIndirectBuffer, &pm4::kDispatchDirect,
};
constexpr const PacketDesc* kPm4Gfx11[] = {
    &pm4::kType2,           &pm4::kNop,
    &pm4::kSetShReg,        &pm4::kSetUconfigReg,
    &pm4::kWriteData,       &pm4::kWaitRegMem,
    &pm4::kReleaseMemGfx11, &pm4::kAcquireMemGfx11,
    &pm4::kEventWrite,      &pm4::kCopyData,
    &pm4::kDmaDataGfx11,    &pm4::kAtomicMem,
    &pm4::kIndirectBuffer,  &pm4::kDispatchDirect,
};

// v5.2 / v6: only COPY_LINEAR, CONSTANT_FILL and FENCE have their own entries
// so far; the other packets reuse v4 (the later headers add cache-policy bits
// that are not described yet).
constexpr const PacketDesc* kSdmaV4[] = {
    &sdma::kNop,     &sdma::kCopyLinearV4, &sdma::kConstantFillV4, &sdma::kWriteUntiled,
    &sdma::kFenceV4, &sdma::kTrap,         &sdma::kPollRegmem,     &sdma::kTimestampGetGlobal,
    &sdma::kAtomic,  &sdma::kIndirect,
};
constexpr const PacketDesc* kSdmaV5[] = {
    &sdma::kNop,     &sdma::kCopyLinearV4, &sdma::kConstantFillV4, &sdma::kWriteUntiled,
    &sdma::kFenceV5, &sdma::kTrap,         &sdma::kPollRegmem,     &sdma::kTimestampGetGlobal,
    &sdma::kAtomic,  &sdma::kIndirect,
};
constexpr const PacketDesc* kSdmaV6[] = {
    &sdma::kNop,     &sdma::kCopyLinearV6, &sdma::kConstantFillV6, &sdma::kWriteUntiled,
    &sdma::kFenceV6, &sdma::kTrap,         &sdma::kPollRegmem,     &sdma::kTimestampGetGlobal,
    &sdma::kAtomic,  &sdma::kIndirect,
};

constexpr const PacketDesc* kAql[] = {&aql::kKernelDispatch, &aql::kBarrierAnd, &aql::kBarrierOr,
                                      &aql::kVendorPm4Ib};

constexpr bool fields_fit(std::span<const PacketDesc* const> packets) {
  for (const PacketDesc* d : packets) {
    if (d->fields.size() > kMaxFields) return false;
    for (const Field& f : d->fields) {
      if (f.width == 0 || f.width > 32 || f.lo + f.width > 32 || f.dword >= d->max_dwords) {
        return false;
      }
    }
  }
  return true;
}
static_assert(fields_fit(kPm4Gfx9) && fields_fit(kPm4Gfx11));
static_assert(fields_fit(kSdmaV4) && fields_fit(kSdmaV5) && fields_fit(kSdmaV6));
static_assert(fields_fit(kAql));

const PacketTable kPm4Gfx9Table{Engine::kPm4, "PM4 GFX9", kPm4Gfx9, pm4::kGfx9ShRegs,
                                pm4::kUconfigRegs};
const PacketTable kPm4Gfx11Table{Engine::kPm4, "PM4 GFX11", kPm4Gfx11, pm4::kGfx11ShRegs,
                                 pm4::kUconfigRegs};
const PacketTable kSdmaV4Table{Engine::kSdma, "SDMA v4.4", kSdmaV4};
const PacketTable kSdmaV5Table{Engine::kSdma, "SDMA v5.2", kSdmaV5};
const PacketTable kSdmaV6Table{Engine::kSdma, "SDMA v6.0", kSdmaV6};
const PacketTable kAqlTable{Engine::kAql, "AQL", kAql};

}  // namespace

const PacketTable& pm4_table(Pm4Family family) {
  switch (family) {
    case Pm4Family::kGfx9:
      return kPm4Gfx9Table;
    case Pm4Family::kGfx11:
      return kPm4Gfx11Table;
  }
  return kPm4Gfx9Table;
}

const PacketTable& sdma_table(SdmaVersion version) {
  switch (version) {
    case SdmaVersion::kV4_4:
      return kSdmaV4Table;
    case SdmaVersion::kV5_2:
      return kSdmaV5Table;
    case SdmaVersion::kV6_0:
      return kSdmaV6Table;
  }
  return kSdmaV4Table;
}

const PacketTable& aql_table(AqlFamily) {
  return kAqlTable;
}

const PacketDesc* find_kind(const PacketTable& table, Kind kind) {
  auto it = std::find_if(table.packets.begin(), table.packets.end(),
                         [kind](const PacketDesc* d) { return d->kind == kind; });
  return it == table.packets.end() ? nullptr : *it;
}

uint32_t payload_start(const PacketDesc& desc) {
  uint32_t end = 0;
  for (const Field& f : desc.fields) end = std::max<uint32_t>(end, f.dword + 1u);
  return end;
}

std::string_view undescribed_packet(const PacketTable& table, uint32_t header) {
  std::span<const EnumName> names;
  uint32_t opcode = 0;
  switch (table.engine) {
    case Engine::kPm4:
      // Only type-3 packets carry an opcode.
      if (field_id(pm4::kNop, "TYPE").field().extract(header) != 3) return {};
      opcode = field_id(pm4::kNop, "IT_OPCODE").field().extract(header);
      names = pm4::kUndescribedOpcodes;
      break;
    case Engine::kSdma:
      opcode = field_id(sdma::kTrap, "OP").field().extract(header);
      names = sdma::kUndescribedOps;
      break;
    case Engine::kAql:
      return {};
  }
  for (const EnumName& n : names) {
    if (n.value == opcode) return n.name;
  }
  return {};
}

uint64_t sdma_copy_max_bytes(SdmaVersion version) {
  switch (version) {
    // The kernel's copy_max_bytes for SDMA 4.x/5.x: COUNT (bytes - 1) is 22
    // bits in the vega10 and navi10 headers.
    case SdmaVersion::kV4_4:
    case SdmaVersion::kV5_2:
      return 0x400000;
    // 30-bit COUNT; mesa stays 256 bytes under the field limit
    // (UNVERIFIED on hardware).
    case SdmaVersion::kV6_0:
      return 0x3FFFFF00;
  }
  return 0x400000;
}

}  // namespace amdrr::pkt

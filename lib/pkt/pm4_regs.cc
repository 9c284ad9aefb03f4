#include "lib/pkt/pm4_regs.h"

namespace amdrr::pkt::pm4 {

std::string_view register_name(std::span<const RegName> regs, uint32_t addr) {
  for (const RegName& r : regs) {
    if (r.addr == addr) return r.name;
  }
  return {};
}

std::optional<uint32_t> register_addr(std::span<const RegName> regs, std::string_view name) {
  for (const RegName& r : regs) {
    if (r.name == name) return r.addr;
  }
  return std::nullopt;
}

std::span<const RegName> sh_registers(Pm4Family family) {
  switch (family) {
    case Pm4Family::kGfx9:
      return kGfx9ShRegs;
    case Pm4Family::kGfx11:
      return kGfx11ShRegs;
  }
  return kGfx9ShRegs;
}

}  // namespace amdrr::pkt::pm4

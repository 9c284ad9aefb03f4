#include "lib/sim/isa/opcode_table.h"

namespace amdrr::sim::isa {
namespace {

constexpr OpInfo kOps[] = {
#include "lib/sim/isa/generated/opcode_table.inc"
};

}  // namespace

const char* format_name(Format f) {
  static constexpr const char* kNames[] = {"SOP2", "SOPK",    "SOP1",   "SOPC", "SOPP",  "SMEM",
                                           "VOP2", "VOP1",    "VOPC",   "VOP3", "VOP3P", "DS",
                                           "FLAT", "SCRATCH", "GLOBAL", "MUBUF"};
  auto i = static_cast<size_t>(f);
  return i < std::size(kNames) ? kNames[i] : "?";
}

std::span<const OpInfo> all_ops() {
  return kOps;
}

OpcodeMap::OpcodeMap(Target target) : target_(target) {
  for (const OpInfo& op : kOps) {
    if ((op.targets & target) && op.opcode < kMaxOpcode)
      by_format_[static_cast<size_t>(op.format)][op.opcode] = &op;
  }
}

}  // namespace amdrr::sim::isa

#include "lib/driver/program.h"

#include <cstring>
#include <fstream>
#include <iterator>

#include "lib/driver/device.h"
#include "lib/driver/error.h"
#include "lib/kmd/kmd.h"

namespace amdrr {

Program Program::load(Device& device, std::span<const uint8_t> elf, std::string name) {
  auto parsed = code::parse_code_object(elf);
  if (!parsed.object) throw Error(name.empty() ? parsed.error : name + ": " + parsed.error);
  const std::string& want = device.target().name;
  if (parsed.object->target != want) {
    throw Error((name.empty() ? std::string("the code object") : name) + " is built for " +
                (parsed.object->target.empty() ? "an unknown target" : parsed.object->target) +
                ", but GPU " + std::to_string(device.index()) + " is " + want +
                ": rebuild it with -mcpu=" + want);
  }
  Program p;
  p.device_ = &device;
  p.object_ = std::move(*parsed.object);
  // Code is read by the GPU only; GTT keeps it CPU-writable for the upload
  // and is mapped executable like every allocation amdrr makes.
  p.memory_ = device.alloc(p.object_.image.size(), Memory::kGtt,
                           name.empty() ? "code object" : "code " + name);
  p.memory_.write(0, p.object_.image);
  device.kmd().note_code_object(p.memory_.va(), elf, name);
  return p;
}

Program Program::load_file(Device& device, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read code object " + path);
  std::vector<uint8_t> elf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return load(device, elf, path);
}

KernelHandle Program::kernel(const std::string& name) const {
  const code::Kernel* k = object_.find(name);
  if (!k) {
    std::string known;
    for (const auto& each : object_.kernels) known += (known.empty() ? "" : ", ") + each.name;
    throw Error("no kernel \"" + name + "\" in the code object (it has: " + known + ")");
  }
  uint64_t base = memory_.va();
  if (((base + k->code_va()) & 0xff) != 0) {
    throw Error("kernel " + name +
                "'s code is not 256-byte aligned: COMPUTE_PGM_LO cannot hold it");
  }
  return KernelHandle{k->name, base + k->descriptor_va, base + k->code_va(), k->descriptor,
                      &k->metadata};
}

KernelArgs::KernelArgs(const KernelHandle& kernel)
    : name_(kernel.name), metadata_(kernel.metadata) {
  if (!metadata_ || !metadata_->present) {
    throw Error("kernel " + name_ + " has no metadata note: amdrr cannot lay out its arguments");
  }
  bytes_.assign(metadata_->kernarg_segment_size, 0);
  for (size_t i = 0; i < metadata_->args.size(); ++i) {
    if (!metadata_->args[i].hidden()) explicit_.push_back(i);
  }
  set_.assign(explicit_.size(), false);
}

KernelArgs& KernelArgs::set_bytes(size_t index, std::span<const uint8_t> bytes) {
  if (index >= explicit_.size()) {
    throw Error("kernel " + name_ + " takes " + std::to_string(explicit_.size()) +
                " arguments; there is no argument " + std::to_string(index));
  }
  const code::KernelArg& arg = metadata_->args[explicit_[index]];
  if (bytes.size() != arg.size) {
    throw Error("argument " + std::to_string(index) + " of kernel " + name_ + " (" +
                arg.value_kind + ") is " + std::to_string(arg.size) + " bytes, not " +
                std::to_string(bytes.size()));
  }
  std::memcpy(bytes_.data() + arg.offset, bytes.data(), bytes.size());
  set_[index] = true;
  return *this;
}

namespace {

// Code object v5 implicit arguments amdrr fills (AMDGPUUsage "Code Object V5
// Metadata"): what each means for axis d. Others stay 0 — printf, hostcall,
// multigrid and heap, which a kernel that does not use them never reads.
enum class Hidden : uint8_t {
  kNone,
  kBlockCount,
  kGroupSize,
  kRemainder,
  kGlobalOffset,
  kGridDims
};

struct HiddenName {
  const char* name;
  Hidden kind;
  int axis;
};
constexpr HiddenName kHiddenNames[] = {
    {"hidden_block_count_x", Hidden::kBlockCount, 0},
    {"hidden_block_count_y", Hidden::kBlockCount, 1},
    {"hidden_block_count_z", Hidden::kBlockCount, 2},
    {"hidden_group_size_x", Hidden::kGroupSize, 0},
    {"hidden_group_size_y", Hidden::kGroupSize, 1},
    {"hidden_group_size_z", Hidden::kGroupSize, 2},
    {"hidden_remainder_x", Hidden::kRemainder, 0},
    {"hidden_remainder_y", Hidden::kRemainder, 1},
    {"hidden_remainder_z", Hidden::kRemainder, 2},
    {"hidden_global_offset_x", Hidden::kGlobalOffset, 0},
    {"hidden_global_offset_y", Hidden::kGlobalOffset, 1},
    {"hidden_global_offset_z", Hidden::kGlobalOffset, 2},
    {"hidden_grid_dims", Hidden::kGridDims, 0},
};

}  // namespace

void KernelArgs::fill_hidden(const uint32_t grid[3], const uint16_t workgroup[3],
                             uint32_t dimensions) {
  // Resolved once per KernelArgs: a dispatch then costs no string compares.
  if (hidden_.empty() && !hidden_resolved_) {
    for (const code::KernelArg& arg : metadata_->args) {
      if (!arg.hidden() || arg.size == 0 || arg.size > 8) continue;
      for (const HiddenName& h : kHiddenNames) {
        if (arg.value_kind == h.name) {
          hidden_.push_back(
              {arg.offset, arg.size, static_cast<uint8_t>(h.kind), static_cast<uint8_t>(h.axis)});
        }
      }
    }
    hidden_resolved_ = true;
  }
  for (const HiddenSlot& slot : hidden_) {
    int d = slot.axis;
    uint64_t wg = d < static_cast<int>(dimensions) ? workgroup[d] : 1;
    uint64_t n = d < static_cast<int>(dimensions) ? grid[d] : 1;
    uint64_t value = 0;
    switch (static_cast<Hidden>(slot.kind)) {
      case Hidden::kBlockCount:
        value = (n + wg - 1) / wg;
        break;
      case Hidden::kGroupSize:
        value = wg;
        break;
      case Hidden::kRemainder:
        value = n % wg;
        break;
      case Hidden::kGlobalOffset:
        value = 0;
        break;
      case Hidden::kGridDims:
        value = dimensions;
        break;
      case Hidden::kNone:
        break;
    }
    std::memcpy(bytes_.data() + slot.offset, &value, slot.size);
  }
}

std::span<const uint8_t> KernelArgs::bytes() const {
  for (size_t i = 0; i < set_.size(); ++i) {
    if (!set_[i]) {
      throw Error("argument " + std::to_string(i) + " of kernel " + name_ + " was never set");
    }
  }
  return bytes_;
}

}  // namespace amdrr

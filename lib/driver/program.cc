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

void KernelArgs::fill_hidden(const uint32_t grid[3], const uint16_t workgroup[3],
                             uint32_t dimensions) {
  auto put = [&](const code::KernelArg& arg, uint64_t value) {
    if (arg.size == 0 || arg.size > 8) return;
    std::memcpy(bytes_.data() + arg.offset, &value, arg.size);
  };
  // Code object v5 implicit arguments (AMDGPUUsage "Code Object V5
  // Metadata"); values left 0 are those amdrr does not provide (printf,
  // hostcall, multigrid, heap), as a kernel that does not use them expects.
  for (const code::KernelArg& arg : metadata_->args) {
    const std::string& kind = arg.value_kind;
    for (int d = 0; d < 3; ++d) {
      const char axis = static_cast<char>('x' + d);
      uint32_t wg = d < static_cast<int>(dimensions) ? workgroup[d] : 1;
      uint32_t n = d < static_cast<int>(dimensions) ? grid[d] : 1;
      if (kind == std::string("hidden_block_count_") + axis) put(arg, (n + wg - 1) / wg);
      if (kind == std::string("hidden_group_size_") + axis) put(arg, wg);
      if (kind == std::string("hidden_remainder_") + axis) put(arg, n % wg);
      if (kind == std::string("hidden_global_offset_") + axis) put(arg, 0);
    }
    if (kind == "hidden_grid_dims") put(arg, dimensions);
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

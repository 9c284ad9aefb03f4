#pragma once
// Program: an amdgcn code object loaded for one device — its image copied to
// executable GPU memory, its kernels found by name. KernelArgs lays out a
// kernel's arguments from the code object's metadata and refuses an
// argument of the wrong size or index.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lib/code/code_object.h"
#include "lib/driver/buffer.h"

namespace amdrr {

class Device;

/// A kernel of a loaded Program: where its descriptor and code live.
struct KernelHandle {
  std::string name;
  uint64_t descriptor_va = 0;  // AQL kernel_object
  uint64_t code_va = 0;        // COMPUTE_PGM_LO/HI (256-byte aligned)
  code::KernelDescriptor descriptor;
  const code::KernelMetadata* metadata = nullptr;
};

class Program {
 public:
  /// Parses and loads `elf`; throws Error if it is malformed or built for
  /// another gfx target than `device` (naming both).
  static Program load(Device& device, std::span<const uint8_t> elf, std::string name = {});
  /// Reads a code object file and loads it.
  static Program load_file(Device& device, const std::string& path);

  KernelHandle kernel(const std::string& name) const;
  const code::CodeObject& object() const { return object_; }
  const Buffer& memory() const { return memory_; }
  Device& device() const { return *device_; }

 private:
  Program() = default;
  Device* device_ = nullptr;
  code::CodeObject object_;
  Buffer memory_;
};

class KernelArgs {
 public:
  explicit KernelArgs(const KernelHandle& kernel);

  /// Sets explicit argument `index` (hidden arguments are not counted) to
  /// `value`, whose size must equal the argument's.
  template <typename T>
  KernelArgs& set(size_t index, const T& value) {
    return set_bytes(index, {reinterpret_cast<const uint8_t*>(&value), sizeof(T)});
  }
  KernelArgs& set(size_t index, const Buffer& buffer) { return set(index, buffer.va()); }
  KernelArgs& set_bytes(size_t index, std::span<const uint8_t> bytes);

  /// Fills the hidden arguments the code object asks for (block counts,
  /// group sizes, remainders, grid dimensions) for this launch shape.
  void fill_hidden(const uint32_t grid[3], const uint16_t workgroup[3], uint32_t dimensions);

  /// The kernarg segment; every explicit argument must have been set.
  std::span<const uint8_t> bytes() const;
  const std::string& kernel_name() const { return name_; }

 private:
  std::string name_;
  const code::KernelMetadata* metadata_;
  std::vector<uint8_t> bytes_;
  std::vector<size_t> explicit_;  // indices into metadata_->args
  std::vector<bool> set_;
  struct HiddenSlot {  // an implicit argument amdrr fills, resolved once
    uint32_t offset;
    uint32_t size;
    uint8_t kind;
    uint8_t axis;
  };
  std::vector<HiddenSlot> hidden_;
  bool hidden_resolved_ = false;
};

}  // namespace amdrr

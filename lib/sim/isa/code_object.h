#pragma once
// An amdgcn code object (ELF64, code object v4/v5) as the interpreter needs
// it: the loadable image and each kernel's 64-byte descriptor. The file is
// untrusted input: every offset and size is bounds-checked and a malformed
// file gives an error message, never a crash.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace amdrr::sim::isa {

/// The 64-byte kernel descriptor (AMDGPUUsage "Kernel Descriptor").
struct KernelDescriptor {
  uint32_t group_segment_fixed_size = 0;
  uint32_t private_segment_fixed_size = 0;
  uint32_t kernarg_size = 0;
  int64_t kernel_code_entry_byte_offset = 0;
  uint32_t compute_pgm_rsrc3 = 0;
  uint32_t compute_pgm_rsrc1 = 0;
  uint32_t compute_pgm_rsrc2 = 0;
  uint16_t kernel_code_properties = 0;
  uint16_t kernarg_preload = 0;

  static KernelDescriptor parse(std::span<const uint8_t, 64> bytes);
};

struct Kernel {
  std::string name;        // without ".kd"
  uint64_t descriptor_va;  // image-relative address of the descriptor
  KernelDescriptor descriptor;
  uint64_t code_va() const {
    return descriptor_va + static_cast<uint64_t>(descriptor.kernel_code_entry_byte_offset);
  }
};

struct CodeObject {
  std::vector<uint8_t> image;  // PT_LOAD segments placed at their vaddr (image-relative)
  std::vector<Kernel> kernels;
  uint32_t e_flags = 0;  // EF_AMDGPU_MACH_* in the low byte
  const Kernel* find(const std::string& name) const;
};

struct CodeObjectResult {
  std::optional<CodeObject> object;
  std::string error;  // set when !object
};

CodeObjectResult parse_code_object(std::span<const uint8_t> elf);

}  // namespace amdrr::sim::isa

#pragma once
// An amdgcn code object (ELF64, code object v4/v5) as the driver and the
// interpreter need it: the loadable image and each kernel's 64-byte
// descriptor. The file is
// untrusted input: every offset and size is bounds-checked and a malformed
// file gives an error message, never a crash.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace amdrr::code {

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

/// One kernel argument as the metadata describes it.
struct KernelArg {
  std::string name;
  uint32_t offset = 0;
  uint32_t size = 0;
  std::string value_kind;  // "global_buffer", "by_value", "hidden_block_count_x", ...
  bool hidden() const { return value_kind.rfind("hidden_", 0) == 0; }
};

/// What the NT_AMDGPU_METADATA note says about a kernel (AMDGPUUsage,
/// "Code Object V3+ Metadata"). Absent fields stay 0.
struct KernelMetadata {
  bool present = false;
  uint32_t kernarg_segment_size = 0;
  uint32_t kernarg_segment_align = 0;
  uint32_t wavefront_size = 0;
  uint32_t max_flat_workgroup_size = 0;
  std::vector<KernelArg> args;
};

struct Kernel {
  std::string name;        // without ".kd"
  uint64_t descriptor_va;  // image-relative address of the descriptor
  KernelDescriptor descriptor;
  KernelMetadata metadata;
  uint64_t code_va() const {
    return descriptor_va + static_cast<uint64_t>(descriptor.kernel_code_entry_byte_offset);
  }
};

struct CodeObject {
  std::vector<uint8_t> image;  // PT_LOAD segments placed at their vaddr (image-relative)
  std::vector<Kernel> kernels;
  uint32_t e_flags = 0;  // EF_AMDGPU_MACH_* in the low byte
  /// "gfx942" (from amdhsa.target, else from e_flags), and the full target
  /// id with features ("amdgcn-amd-amdhsa--gfx942:sramecc+").
  std::string target;
  std::string target_id;
  const Kernel* find(const std::string& name) const;
};

struct CodeObjectResult {
  std::optional<CodeObject> object;
  std::string error;  // set when !object
};

CodeObjectResult parse_code_object(std::span<const uint8_t> elf);

/// The processor of EF_AMDGPU_MACH (e_flags & 0xff), or "" when unknown.
std::string target_from_e_flags(uint32_t e_flags);

}  // namespace amdrr::code

#pragma once
// Kernels of the trace's code objects, disassembled by LLVM's AMDGPU
// disassembler (llvm-objdump, found at run time), each with the dispatches
// that ran it: AQL KERNEL_DISPATCH by its kernel descriptor address, PM4 by
// COMPUTE_PGM_LO/HI (the code address >> 8).

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lib/pkt/decode.h"

namespace amdrr::inspect {

/// A dispatch seen in a doorbell's packets.
struct DispatchUse {
  uint64_t record = 0;
  uint32_t queue_id = 0;
  uint64_t kernel_object = 0;  // AQL: kernel descriptor VA
  uint64_t code_va = 0;        // PM4: COMPUTE_PGM address
};

/// Collects dispatches from decoded packets (SET_SH_REG of COMPUTE_PGM_LO/HI,
/// then DISPATCH_DIRECT; AQL KERNEL_DISPATCH).
class DispatchLog {
 public:
  void add_packets(uint64_t record, uint32_t queue_id, std::span<const pkt::DecodedPacket> packets,
                   const pkt::PacketTable& table);
  const std::vector<DispatchUse>& uses() const { return uses_; }

 private:
  std::vector<DispatchUse> uses_;
  uint64_t pgm_lo_ = 0, pgm_hi_ = 0;  // last COMPUTE_PGM_LO/HI written (PM4 state)
};

/// The llvm-objdump with the AMDGPU target: llvm-objdump-19 on PATH, then
/// /usr/lib/llvm-19/bin, then llvm-objdump. nullopt when absent.
std::optional<std::string> find_llvm_objdump();

/// One kernel of a code object: its disassembly and the dispatches that ran it.
struct KernelListing {
  std::string name;
  uint64_t descriptor_va = 0;  // absolute (load VA + image offset)
  uint64_t code_va = 0;
  std::vector<uint64_t> dispatch_records;
  std::string disassembly;  // llvm-objdump's text for the kernel's symbol
};

struct CodeObjectListing {
  std::string name;
  std::string target;
  uint64_t load_va = 0;
  std::vector<KernelListing> kernels;
  std::string error;  // parse or tool failure, with what to do
};

/// Parses `elf`, disassembles it with `objdump` (nullopt: says the tool is
/// missing) and links each kernel to the dispatches in `log`.
CodeObjectListing list_code_object(std::span<const uint8_t> elf, uint64_t load_va,
                                   const std::string& name, const DispatchLog& log,
                                   const std::optional<std::string>& objdump);

void print_listing(const CodeObjectListing& listing, std::ostream& out);

}  // namespace amdrr::inspect

#pragma once
// Fault injection for the emulated GPU: what to break, and where. Configured
// from the API (EngineOptions::faults) or the environment variable
// AMDRR_SIM_FAULTS (appended to the API plan). Every count is over the
// scheduler's execution order, so the same plan, seed and inputs give the
// same effect, bit for bit.
//
// Grammar (items separated by ';', arguments by ','; numbers decimal or 0x):
//   hang:queue=Q,packet=N        queue Q stops before its N-th packet (1 = first;
//                                IB packets count) and never runs again: the
//                                scheduler reports it as a hang
//   vmfault:va=A[,gpu=G]         every engine access to A's 4 KiB page faults
//                                (not present), on GPU G or on every GPU
//   drop_signal:n=N              the N-th completion signal is never written
//   delay_signal:n=N,polls=P     ... is written P scheduler polls later
//   drop_interrupt:n=N           the N-th interrupt never reaches KFD
//   delay_interrupt:n=N,polls=P  ... reaches it P scheduler polls later
//   flip:copy=N,bit=B            the N-th copy flips bit B (mod its size in
//                                bits) of what it wrote
//   poison=0xAB                  new VRAM/GTT allocations are filled with 0xAB
// A completion signal is an AQL completion signal, a PM4 RELEASE_MEM data
// write or an SDMA FENCE; an interrupt is an AQL completion's, a RELEASE_MEM
// INT_SEL's or an SDMA TRAP's. A copy is an SDMA COPY_LINEAR or a PM4
// DMA_DATA memory-to-memory copy.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amdrr::sim {

struct FaultPlan {
  struct Hang {
    uint32_t queue_id = 0;
    uint64_t packet = 0;
  };
  struct VmFault {
    uint64_t va = 0;
    std::optional<uint32_t> gpu_id;
  };
  /// polls == 0: dropped; otherwise delayed by that many scheduler polls.
  struct Signal {
    uint64_t n = 0;
    uint32_t polls = 0;
  };
  struct Flip {
    uint64_t copy = 0;
    uint64_t bit = 0;
  };

  std::vector<Hang> hangs;
  std::vector<VmFault> vm_faults;
  std::vector<Signal> signals;
  std::vector<Signal> interrupts;
  std::vector<Flip> flips;
  std::optional<uint8_t> poison;

  bool empty() const {
    return hangs.empty() && vm_faults.empty() && signals.empty() && interrupts.empty() &&
           flips.empty() && !poison;
  }
  /// Appends `other`'s items (a later poison wins).
  void merge(const FaultPlan& other);

  /// Parses the grammar above; nullopt with `*error` saying what is wrong.
  static std::optional<FaultPlan> parse(std::string_view spec, std::string* error);
  /// The plan in AMDRR_SIM_FAULTS; an empty plan when unset. A malformed
  /// variable aborts with a message naming it: silently ignoring a fault
  /// plan would make a test pass for the wrong reason.
  static FaultPlan from_env();
};

/// One item of the plan in the grammar's spelling (names the injection in
/// outcomes and reports).
std::string describe_hang(const FaultPlan::Hang& h);
std::string describe_vm_fault(const FaultPlan::VmFault& v);

}  // namespace amdrr::sim

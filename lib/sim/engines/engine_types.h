#pragma once
// What the emulated engines report: how a queue ended (guest failures are
// data, never crashes), which byte ranges the GPU wrote, and the knobs of the
// deterministic scheduler.

#include <cstdint>
#include <optional>
#include <string>

#include "lib/base/result.h"
#include "lib/sim/engines/fault_plan.h"
#include "lib/sim/gpu_vm.h"

namespace amdrr::sim {

enum class QueueState : uint8_t {
  kActive,              // running, idle or waiting: still accepts work
  kVmFault,             // this queue's access faulted; reported as KFD reports it
  kEvicted,             // another queue of the process faulted on the same GPU
  kError,               // the packet stream is malformed (bad opcode, size, pointer)
  kUnsupported,         // the hardware has this packet/field; the emulator does not
  kHung,                // a wait that can never be satisfied while all else is idle
  kIllegalInstruction,  // a shader ran an instruction the GPU rejects
};

const char* queue_state_name(QueueState s);

/// Why a queue stopped, naming the packet (hardware spelling) and where it was.
struct QueueOutcome {
  QueueState state = QueueState::kActive;
  std::string packet;      // e.g. "WAIT_REG_MEM", or "opcode 0xee"
  uint64_t packet_va = 0;  // GPU VA of the packet's first dword
  std::string message;
  std::optional<GpuFault> fault;
  /// The fault-plan item that caused this outcome ("hang:queue=2,packet=5"),
  /// empty when the packets did it themselves.
  std::string injected;

  bool active() const { return state == QueueState::kActive; }
};

/// A range the GPU wrote, for capture and verification.
struct WrittenRange {
  uint32_t gpu_id = 0;  // the GPU whose page table translated the VA
  uint32_t queue_id = 0;
  uint64_t va = 0;
  uint64_t size = 0;
  friend bool operator==(const WrittenRange&, const WrittenRange&) = default;
};

/// How the engines run. Deterministic: one thread, inside Kmd calls, in an
/// order drawn from the seed. Threaded: each queue's engine on its own host
/// thread, running as soon as its doorbell is written, like hardware
/// (threaded_scheduler.h); not reproducible.
enum class EngineMode : uint8_t { kDeterministic, kThreaded };

/// AMDRR_SIM_MODE=deterministic|threaded; unset or empty: deterministic;
/// anything else: EINVAL.
Result<EngineMode> engine_mode_from_env();

struct EngineOptions {
  EngineMode mode = EngineMode::kDeterministic;
  uint64_t seed = 0;
  /// Most packets one engine runs before the scheduler draws again.
  uint32_t max_burst = 8;
  /// A doorbell runs up to this many packets (drawn from the seed) before
  /// returning, as a GPU would start at once; the rest runs in wait/poll.
  uint32_t doorbell_max_packets = 16;
  /// Bound of one poll()/wait step, so an endless packet loop (a self-chained
  /// IB) cannot keep the host inside a Kmd call.
  uint64_t poll_max_packets = uint64_t{1} << 22;
  /// Quiescent polls a wait may stay unsatisfied before it is a hang.
  uint32_t hang_polls = 2000;
  /// Threaded mode: milliseconds a wait may stay unsatisfied, while every
  /// engine is idle or blocked and no doorbell came, before it is a hang.
  uint32_t hang_ms = 500;
  /// IB levels below the ring (ring -> IB1 -> IB2). UNVERIFIED: the MEC's
  /// real limit; the GFX CP documents IB1/IB2.
  uint32_t max_ib_depth = 2;
  /// Keep every range the engines write, for take_written() (tests). Off,
  /// nothing is kept: nothing else reads them, and a long run would grow
  /// the list without bound (~24 bytes per GPU write).
  bool log_writes = false;
  /// Faults to inject; AMDRR_SIM_FAULTS is appended (fault_plan.h).
  FaultPlan faults;
  /// Milliseconds without a Kmd call, while work is pending, before the
  /// watchdog says the program spins without calling Kmd::poll(); 0: off.
  /// It only reports, so deterministic runs stay deterministic. Off in
  /// threaded mode, where the GPU does not need Kmd calls to advance.
  uint32_t watchdog_ms = 5000;
};

}  // namespace amdrr::sim

#pragma once
// One emulated queue: its command stream, its memory window and its outcome.
// Subclasses (PM4, SDMA) execute one decoded packet at a time; this base
// fetches, classifies bad packets, and stops the queue with an outcome when
// something goes wrong. Engines never call each other: the scheduler
// interleaves them and handles what crosses queues (VM fault evictions).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "lib/pkt/tables.h"
#include "lib/sim/engine_hook.h"
#include "lib/sim/engines/command_stream.h"
#include "lib/sim/engines/dispatch_runner.h"
#include "lib/sim/engines/fault_injector.h"
#include "lib/sim/engines/gpu_clock.h"
#include "lib/sim/engines/gpu_memory.h"

namespace amdrr::sim {

class SimKfd;

/// What every engine shares: the kernel half, the clock, the write log.
struct EngineEnv {
  SimKfd& kfd;
  GpuClock& clock;
  WriteLog& log;
  const EngineOptions& options;
  FaultInjector& faults;
  /// The shader interpreter, once the scheduler was given one (else null).
  DispatchRunner* const& dispatch;
};

class QueueEngine {
 public:
  enum class Step : uint8_t {
    kProgress,  // a packet executed
    kBlocked,   // a wait is not satisfied yet (re-run after others progress)
    kIdle,      // nothing to do until the next doorbell
    kStopped,   // the queue has an outcome
  };

  QueueEngine(EngineEnv env, const SimQueue& queue, const pkt::PacketTable& table,
              uint32_t unit_bytes);
  virtual ~QueueEngine() = default;

  const SimQueue& queue() const { return queue_; }
  uint32_t gpu_id() const { return queue_.args.gpu_id; }
  const QueueOutcome& outcome() const { return outcome_; }
  const CommandStream& stream() const { return stream_; }

  /// A doorbell write of `value` (the queue type's units).
  void doorbell(uint64_t value);
  /// Runs at most one packet.
  Step step();
  /// Packets this queue has executed (IB packets included).
  uint64_t packets() const { return packets_; }
  /// Writes the read pointer where the queue said (after a burst).
  void publish_rptr();
  /// Stops the queue from outside (eviction, hang), naming `packet_va`'s packet.
  void stop(QueueState state, std::string message);
  /// This engine runs inside another (an AQL queue's PM4 IB): the outer one
  /// counts packets for the fault plan.
  void set_nested() { nested_ = true; }
  /// A VM fault this engine hit that the scheduler has not reported yet.
  bool take_unreported_fault(GpuFault* fault);

 protected:
  // kNested: an engine inside this one ran a packet (counted, and already
  // clocked by that engine); the current packet stays.
  enum class Exec : uint8_t { kDone, kConsumed, kNested, kBlocked, kStop };

  /// Executes `p` (status kOk). kDone consumes it, kConsumed says the
  /// engine did (an IB call), kBlocked retries it later.
  virtual Exec execute(const pkt::DecodedPacket& p) = 0;
  /// Converts the doorbell value to a write pointer in stream units.
  virtual uint64_t doorbell_to_wptr(uint64_t value) const { return value; }
  /// A packet no table entry matches. By default: "unsupported" when the
  /// hardware has it, else a bad opcode (queue error).
  virtual Exec unknown_packet(const pkt::DecodedPacket& p);

  /// An interrupt to KFD carrying `context_id`, through the fault plan.
  void raise_interrupt(uint32_t context_id);
  /// Performs `signal` (a completion-signal write and what follows it)
  /// through the fault plan: now (its fault is returned), later (a fault
  /// then is lost: the queue has moved on), or never.
  using SignalFn = std::function<std::optional<GpuFault>()>;
  std::optional<GpuFault> complete_signal(uint64_t va, SignalFn signal);

  Exec fail(QueueState state, std::string message);
  Exec unsupported(std::string what) { return fail(QueueState::kUnsupported, std::move(what)); }
  Exec vm_fault(const GpuFault& fault);
  /// Stops with the outcome of an engine running inside this one, its packet
  /// named under `outer` ("AMD_AQL_FORMAT_PM4_IB > WRITE_DATA").
  Exec adopt(const QueueOutcome& inner, std::string_view outer);

  EngineEnv env_;
  SimQueue queue_;
  GpuMemory mem_;
  CommandStream stream_;
  /// What the current blocked packet waits for, for the hang message.
  std::string waiting_;

 private:
  Step finish(Exec e);

  QueueOutcome outcome_;
  bool fault_unreported_ = false;
  uint64_t packets_ = 0;
  bool nested_ = false;
  std::string hang_;  // the injected hang this queue sits in
  uint64_t published_rptr_ = ~0ull;
};

}  // namespace amdrr::sim

#include "lib/driver/aql_queue.h"

#include <atomic>
#include <cstring>

#include "lib/driver/device.h"
#include "lib/driver/error.h"
#include "lib/driver/pm4_snippets.h"
#include "lib/driver/system.h"
#include "lib/kmd/kmd.h"
#include "lib/pkt/aql_table.h"

namespace amdrr {
namespace {

// Kernel arguments (with hidden ones ~300 bytes) and small IBs.
constexpr uint64_t kArenaBytes = 256 * 1024;
// AQL kernarg segments are 16-byte aligned at least [S-USAGE]; IBs want
// dwords, 64 keeps each in its own cache line.
constexpr uint64_t kIbAlign = 64;

template <typename T>
void put(std::vector<uint8_t>& page, uint64_t offset, T value) {
  std::memcpy(page.data() + offset, &value, sizeof(T));
}

}  // namespace

std::unique_ptr<AqlQueue> AqlQueue::create(Device& device, const QueueOptions& options) {
  std::unique_ptr<AqlQueue> q(new AqlQueue(device, options));
  // UNVERIFIED: libhsakmt passes no EOP buffer for AQL queues on gfx942 and
  // 4 KiB elsewhere; KFD accepts the topology's size on every GFX9 part, so
  // one rule serves both.
  q->create_compute_kfd_queue(kmd::QueueType::kComputeAql);
  q->init_amd_queue();
  return q;
}

AqlQueue::AqlQueue(Device& device, const QueueOptions& options)
    : Queue(device, QueueKind::kAql, options), family_(device.target().pm4_family) {}

void AqlQueue::init_amd_queue() {
  // The ring first: every slot INVALID, so the packet processor waits on a
  // slot until its header is published [S-ROCR].
  std::vector<uint8_t> ring(options_.ring_bytes, 0);
  for (uint64_t at = 0; at < ring.size(); at += kPacketBytes) {
    put<uint16_t>(ring, at, pkt::aql::kTypeInvalid);
  }
  ring_.write(0, ring);

  // amd_queue_t [S-AMDQ], as ROCR and tinygrad fill it; the dispatch ids
  // start at 0 (the page is zeroed). Written before the first doorbell, which
  // is when the CP first reads it. doorbell_signal stays 0: the driver rings
  // the doorbell itself and never hands the queue to HSA code.
  const gpu::Node& node = device_.node();
  const uint64_t simd_per_cu = std::max<uint64_t>(1, node.properties.get("simd_per_cu"));
  const uint64_t cus = node.properties.get("simd_count") / simd_per_cu;
  const uint64_t waves_per_cu = node.properties.get("max_waves_per_simd") * simd_per_cu;
  std::vector<uint8_t> page(256, 0);
  put<uint32_t>(page, amd_queue::kType, amd_queue::kTypeSingle);
  put<uint32_t>(page, amd_queue::kFeatures, amd_queue::kFeatureKernelDispatch);
  put<uint64_t>(page, amd_queue::kBaseAddress, ring_.va());
  put<uint32_t>(page, amd_queue::kSize, static_cast<uint32_t>(ring_packets()));
  put<uint64_t>(page, amd_queue::kId, id_);
  put<uint32_t>(page, amd_queue::kMaxCuId,
                static_cast<uint32_t>(std::max<uint64_t>(1, cus * device_.target().num_xcc) - 1));
  put<uint32_t>(page, amd_queue::kMaxWaveId,
                static_cast<uint32_t>(std::max<uint64_t>(1, waves_per_cu) - 1));
  put<uint32_t>(page, amd_queue::kReadDispatchIdFieldBaseByteOffset,
                static_cast<uint32_t>(kReadPointerOffset));
  put<uint32_t>(page, amd_queue::kQueueProperties, amd_queue::kPropertyIsPtr64);
  control_.write(0, page);
}

uint64_t AqlQueue::read_dispatch_id() const {
  return read_bytes() / kPacketBytes;
}

KernargArena& AqlQueue::arena() {
  if (!arena_) {
    arena_ = std::make_unique<KernargArena>(device_, kArenaBytes);
    progress_ = device_.system().make_signal(0);
  }
  reach(progress_.memory());
  return *arena_;
}

uint64_t AqlQueue::signal_va(const Signal* s, const char* what) {
  if (s == nullptr) return 0;
  if (!s->memory().valid())
    throw Error(std::string(what) + " on " + name() + " is an empty Signal");
  reach(s->memory());
  return s->address();
}

AqlQueue& AqlQueue::dispatch(const KernelHandle& kernel, KernelArgs& args, const LaunchDims& dims,
                             const Signal* completion) {
  require_live("dispatch");
  // Built only for an error: this is the submission fast path.
  auto what = [&] { return "dispatch of " + kernel.name + " on " + name(); };
  if (kernel.metadata == nullptr || kernel.descriptor_va == 0) {
    throw Error(what() + ": the KernelHandle is empty; get it from Program::kernel()");
  }
  if (!device_.find(kernel.descriptor_va, 64).valid()) {
    throw Error(what() + ": the kernel is not loaded on GPU " + std::to_string(device_.index()) +
                " (its descriptor is not in that GPU's memory): load the Program on the "
                "queue's device");
  }
  if (args.kernel_name() != kernel.name) {
    throw Error(what() + ": the arguments were built for kernel " + args.kernel_name());
  }
  if (dims.dimensions < 1 || dims.dimensions > 3) {
    throw Error(what() + ": dimensions is " + std::to_string(dims.dimensions) +
                "; expected 1, 2 or 3");
  }
  uint64_t workitems = 1;
  for (uint32_t d = 0; d < 3; ++d) {
    auto axis = [d] { return std::string(1, static_cast<char>('x' + d)); };
    if (d >= dims.dimensions) {
      if (dims.grid[d] != 1 || dims.workgroup[d] != 1) {
        throw Error(what() + ": grid and workgroup " + axis() + " must be 1 in a " +
                    std::to_string(dims.dimensions) + "-dimensional dispatch (they are " +
                    std::to_string(dims.grid[d]) + " and " + std::to_string(dims.workgroup[d]) +
                    ")");
      }
      continue;
    }
    if (dims.grid[d] == 0 || dims.workgroup[d] == 0) {
      throw Error(what() + ": grid and workgroup " + axis() + " must be at least 1 (they are " +
                  std::to_string(dims.grid[d]) + " and " + std::to_string(dims.workgroup[d]) + ")");
    }
    workitems *= dims.workgroup[d];
  }
  const uint32_t max_wg = kernel.metadata->max_flat_workgroup_size;
  if (max_wg != 0 && workitems > max_wg) {
    throw Error(what() + ": a workgroup of " + std::to_string(workitems) +
                " work-items is larger than the kernel's max_flat_workgroup_size " +
                std::to_string(max_wg));
  }
  const uint32_t private_bytes = kernel.descriptor.private_segment_fixed_size;
  if (private_bytes != 0 && !scratch_.fits(private_bytes)) grow_scratch(private_bytes);
  const uint64_t completion_va = signal_va(completion, "completion signal of a dispatch");

  args.fill_hidden(dims.grid, dims.workgroup, dims.dimensions);
  std::span<const uint8_t> kernarg_bytes = args.bytes();
  uint64_t kernarg_va = 0;
  if (!kernarg_bytes.empty()) {
    uint64_t align = std::max<uint32_t>(16, kernel.metadata->kernarg_segment_align);
    kernarg_va = arena().push(kernarg_bytes, align, progress_);
  }
  pkt::aql::KernelDispatch p;
  p.dimensions = dims.dimensions;
  for (int d = 0; d < 3; ++d) {
    p.workgroup_size[d] = dims.workgroup[d];
    p.grid_size[d] = dims.grid[d];
  }
  p.group_segment_size = kernel.descriptor.group_segment_fixed_size;
  p.private_segment_size = private_bytes;  // as ROCR: the descriptor's fixed size
  p.kernel_object = kernel.descriptor_va;
  p.kernarg_address = kernarg_va;
  p.completion_signal = completion_va;
  packets_.push_back(pkt::aql::kernel_dispatch(p));
  return *this;
}

void AqlQueue::grow_scratch(uint32_t lane_bytes) {
  // The CP reads the scratch fields at each dispatch: packets already
  // written run with the old backing, so drain them before replacing it.
  if (!scratch_.empty()) finish();
  scratch_.grow(device_, lane_bytes);
  // amd_queue_t scratch fields [S-AMDQ], as ROCR's InitScratchSRD fills
  // them; the location is the backing's VA because the driver never calls
  // SET_SCRATCH_BACKING_VA (SH_HIDDEN_PRIVATE_BASE stays 0). UNVERIFIED:
  // that the CP adds the two as 64-bit addresses.
  std::vector<uint8_t> fields(amd_queue::kScratchWave64LaneByteSize + 4 -
                              amd_queue::kComputeTmpringSize);
  auto at = [&](uint64_t field) { return field - amd_queue::kComputeTmpringSize; };
  put<uint32_t>(fields, at(amd_queue::kComputeTmpringSize), scratch_.tmpring_size());
  for (int i = 0; i < 4; ++i)
    put<uint32_t>(fields, at(amd_queue::kScratchResourceDescriptor) + 4 * i, scratch_.vsharp()[i]);
  put<uint64_t>(fields, at(amd_queue::kScratchBackingMemoryLocation), scratch_.va());
  put<uint64_t>(fields, at(amd_queue::kScratchBackingMemoryByteSize), scratch_.bytes_per_xcc());
  put<uint32_t>(fields, at(amd_queue::kScratchWave64LaneByteSize), scratch_.lane_bytes());
  control_.write(amd_queue::kComputeTmpringSize, fields);
}

AqlQueue& AqlQueue::barrier(const std::vector<const Signal*>& deps, const Signal* completion,
                            bool all) {
  const char* kind = all ? "barrier_and" : "barrier_or";
  require_live(kind);
  if (!all && (deps.empty() || deps.size() > 5)) {
    throw Error(std::string(kind) + " on " + name() + " with " + std::to_string(deps.size()) +
                " signals: expected 1 to 5 (an OR cannot be split over packets)");
  }
  std::vector<uint64_t> vas;
  for (size_t i = 0; i < deps.size(); ++i) {
    if (deps[i] == nullptr) {
      throw Error(std::string(kind) + " on " + name() + ": dependency " + std::to_string(i) +
                  " is null; pass only signals to wait for");
    }
    vas.push_back(signal_va(deps[i], kind));
  }
  const uint64_t completion_va = signal_va(completion, kind);
  // AND over more than five: consecutive barriers (each with the BARRIER
  // bit) wait for all of them; only the last one carries the completion.
  size_t at = 0;
  do {
    pkt::aql::Barrier b;
    for (int i = 0; i < 5 && at < vas.size(); ++i) b.dep_signal[i] = vas[at++];
    b.completion_signal = at >= vas.size() ? completion_va : 0;
    packets_.push_back(all ? pkt::aql::barrier_and(b) : pkt::aql::barrier_or(b));
  } while (at < vas.size());
  return *this;
}

AqlQueue& AqlQueue::barrier_and(const std::vector<const Signal*>& deps, const Signal* completion) {
  return barrier(deps, completion, true);
}

AqlQueue& AqlQueue::barrier_or(const std::vector<const Signal*>& deps, const Signal* completion) {
  return barrier(deps, completion, false);
}

void AqlQueue::pm4_ib(const std::vector<uint32_t>& ib) {
  uint64_t va = arena().push({reinterpret_cast<const uint8_t*>(ib.data()), ib.size() * 4}, kIbAlign,
                             progress_);
  packets_.push_back(pkt::aql::pm4_ib(pkt::aql::Header{}, va, static_cast<uint32_t>(ib.size())));
}

AqlQueue& AqlQueue::signal(const Signal& signal, uint64_t value) {
  require_live("signal");
  signal_va(&signal, "signal");
  std::vector<uint32_t> ib;
  pm4_snippets::signal(ib, family_, signal.value_address(), value, device_.system().events());
  pm4_ib(ib);
  return *this;
}

AqlQueue& AqlQueue::wait(const Signal& signal, uint64_t value) {
  require_live("wait");
  signal_va(&signal, "wait");
  std::vector<uint32_t> ib;
  pm4_snippets::wait_at_least(ib, signal.value_address(), value);
  pm4_ib(ib);
  return *this;
}

AqlQueue& AqlQueue::timestamp(uint64_t va) {
  require_live("timestamp");
  if (va % 8 != 0) throw Error("timestamp address on " + name() + " must be 8-byte aligned");
  std::vector<uint32_t> ib;
  pm4_snippets::release_mem(ib, family_, pm4_snippets::kDataSelGpuClock, pm4_snippets::kIntSelNone,
                            va, 0);
  pm4_ib(ib);
  return *this;
}

void AqlQueue::before_submit() {
  if (!arena_ || !arena_->has_unsealed()) return;
  // The arena's regions of this batch are free once the packet processor
  // has passed this release (it runs after every earlier packet: BARRIER).
  std::vector<uint32_t> ib;
  pm4_snippets::release_mem(ib, family_, pm4_snippets::kDataSel64, pm4_snippets::kIntSelNone,
                            progress_.value_address(), ++ticket_);
  pm4_ib(ib);
  arena_->seal(ticket_);
}

void AqlQueue::finish(std::chrono::milliseconds timeout) {
  require_live("finish");
  arena();  // the progress signal lives with the arena
  signal(progress_, ++ticket_);
  arena_->seal(ticket_);
  submit();
  progress_.wait_at_least(ticket_, timeout);
}

void AqlQueue::wait_for_slot(uint64_t index) {
  const uint64_t slots = ring_packets();
  if (index - read_dispatch_id() < slots) return;
  kmd::Kmd& k = device_.kmd();
  auto* wptr = reinterpret_cast<const uint64_t*>(control_.data() + kWritePointerOffset);
  // The packet processor frees slots only for packets it was told about.
  if (std::atomic_ref<const uint64_t>(*wptr).load(std::memory_order_relaxed) < index) publish();
  const auto deadline = std::chrono::steady_clock::now() + options_.full_timeout;
  while (index - read_dispatch_id() >= slots) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw Error(report_full(control_.va() + kReadPointerOffset, read_dispatch_id(),
                              name() + " is full and its read_dispatch_id has stayed at " +
                                  std::to_string(read_dispatch_id()) + " for " +
                                  std::to_string(options_.full_timeout.count()) +
                                  " ms: the queue is hung"));
    }
    k.poll();
  }
}

void AqlQueue::write_pending() {
  // Ring stores are not reported (Kmd::note_cpu_write): the doorbell
  // publishes them.
  const uint64_t slots = ring_packets();
  for (const pkt::aql::Packet& p : packets_) {
    const uint64_t index = write_dispatch_id();
    wait_for_slot(index);
    const uint64_t offset = (index % slots) * kPacketBytes;
    uint8_t* slot = ring_.data() + offset;
    // Body first; the header+setup dword last, with a release store, so the
    // packet processor sees a complete packet or an INVALID one.
    std::memcpy(slot + 4, p.data() + 1, kPacketBytes - 4);
    std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(slot))
        .store(p[0], std::memory_order_release);
    put_bytes_ += kPacketBytes;
  }
  packets_.clear();
}

}  // namespace amdrr

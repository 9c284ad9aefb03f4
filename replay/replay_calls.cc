// Replayer: re-issuing the recorded Kmd calls with remapped identifiers.
#include <algorithm>
#include <cstring>
#include <sstream>

#include "replay/replayer.h"

namespace amdrr::replay {

using format::KmdOp;

namespace {

std::string hex(uint64_t v) {
  std::ostringstream out;
  out << "0x" << std::hex << v;
  return out.str();
}

template <typename T>
int errno_of(const Result<T>& r) {
  return r.ok() ? 0 : r.error();
}

}  // namespace

void Replayer::replay_kmd_call(schema::KmdCall::Reader in) {
  std::string error;
  auto call = format::read_kmd_call(in, &error);
  if (!call) return stop(Verdict::kCannotReplay, "unreadable kmdCall: " + error);
  result_.kind = std::string("kmdCall ") + format::kmd_op_name(call->op());
  // The returned record carries arguments and results; a failed doorbell's
  // returned record follows the Doorbell record already rung.
  if (call->phase != format::KmdPhase::kReturned || call->op() == KmdOp::kWriteDoorbell) return;
  const int32_t recorded_errno = call->errnum;
  std::visit([&](auto& c) { replay_call(c, recorded_errno); }, call->call);
}

template <KmdOp Op>
void Replayer::replay_call(format::KmdCallOf<Op>& call, int32_t recorded_errno) {
  auto& a = call.args;
  if constexpr (Op == KmdOp::kGetVersion) {
    check_errno(recorded_errno, errno_of(kmd_.get_version()));
  } else if constexpr (Op == KmdOp::kGetProcessApertures) {
    check_errno(recorded_errno, errno_of(kmd_.get_process_apertures()));
  } else if constexpr (Op == KmdOp::kAcquireVm) {
    auto id = gpu(a.gpu_id);
    if (!id) return;
    // File descriptors never cross the seam: the backend opens its own.
    check_errno(recorded_errno,
                errno_of(kmd_.acquire_vm({kmd::AcquireVmArgs::kOwnRenderNode, *id})));
  } else if constexpr (Op == KmdOp::kRuntimeEnable) {
    check_errno(recorded_errno, errno_of(kmd_.runtime_enable(a)));
  } else if constexpr (Op == KmdOp::kSetXnackMode) {
    if (a.xnack_enabled > 0) {
      return stop(Verdict::kCannotReplay, "the trace enables XNACK, which replay cannot reproduce");
    }
    check_errno(recorded_errno, errno_of(kmd_.set_xnack_mode(a.xnack_enabled)));
  } else if constexpr (Op == KmdOp::kGetClockCounters || Op == KmdOp::kAvailableMemory) {
    auto id = gpu(a.gpu_id);
    if (!id) return;
    if constexpr (Op == KmdOp::kGetClockCounters) {
      check_errno(recorded_errno, errno_of(kmd_.get_clock_counters(*id)));
    } else {
      check_errno(recorded_errno, errno_of(kmd_.available_memory(*id)));
    }
  } else if constexpr (Op == KmdOp::kAllocMemoryOfGpu) {
    kmd::AllocMemoryArgs args = a;
    auto id = gpu(a.gpu_id);
    if (!id) return;
    args.gpu_id = *id;
    if (a.flags & kmd::alloc_flags::kUserptr) {
      std::string error;
      if (!space_.map_fresh(a.mmap_offset, a.size, &error)) {
        return stop(Verdict::kCannotReplay, error);
      }
    }
    if (options_.backend_reserves_bo_va && !(a.flags & kmd::alloc_flags::kUserptr)) {
      space_.hand_over(a.va_addr, a.size);
    }
    auto r = kmd_.alloc_memory_of_gpu(args);
    check_errno(recorded_errno, errno_of(r));
    if (r.ok() && call.result) {
      handles_[call.result->handle] = r->handle;
      drm_offsets_[{a.gpu_id, call.result->mmap_offset}] = r->mmap_offset;
      buffers_.add(call.result->handle,
                   BufferInfo{a.va_addr, a.size, a.flags, record_, last_label_});
    }
  } else if constexpr (Op == KmdOp::kFreeMemoryOfGpu) {
    auto h = handle(a.handle);
    if (!h) return;
    buffers_.remove(a.handle);
    check_errno(recorded_errno, errno_of(kmd_.free_memory_of_gpu(*h)));
  } else if constexpr (Op == KmdOp::kMapMemoryToGpu || Op == KmdOp::kUnmapMemoryFromGpu) {
    auto h = handle(a.handle);
    if (!h) return;
    std::vector<uint32_t> devices;
    for (uint32_t d : a.device_ids) {
      auto id = gpu(d);
      if (!id) return;
      devices.push_back(*id);
    }
    kmd::MapMemoryArgs args{*h, devices, a.n_success};
    auto r = Op == KmdOp::kMapMemoryToGpu ? kmd_.map_memory_to_gpu(args)
                                          : kmd_.unmap_memory_from_gpu(args);
    check_errno(recorded_errno, errno_of(r));
  } else if constexpr (Op == KmdOp::kMmap) {
    kmd::MmapArgs args = a;
    if (a.device == kmd::MmapDevice::kRenderNode) {
      auto id = gpu(a.gpu_id);
      if (!id) return;
      args.gpu_id = *id;
      auto off = drm_offsets_.find({a.gpu_id, a.mmap_offset});
      if (off != drm_offsets_.end()) args.mmap_offset = off->second;
    } else {
      const uint32_t recorded_gpu = static_cast<uint32_t>(
          (a.mmap_offset & kmd::mmap_offset::kGpuIdMask) >> kmd::mmap_offset::kGpuIdShift);
      if (recorded_gpu != 0) {
        auto id = gpu(recorded_gpu);
        if (!id) return;
        args.mmap_offset =
            (a.mmap_offset & ~kmd::mmap_offset::kGpuIdMask) | kmd::mmap_offset::gpu_id_bits(*id);
      }
    }
    // A fixed address must be one reserved before the replay began: the
    // backend maps over whatever is there.
    if (a.addr != 0 && !space_.reserved(a.addr, a.size)) {
      return stop(Verdict::kCannotReplay,
                  "mmap at " + hex(a.addr) + " outside the ranges reserved for the trace");
    }
    auto r = kmd_.mmap(args);
    check_errno(recorded_errno, errno_of(r));
    if (r.ok()) {
      const uint64_t recorded_addr = call.result ? call.result->addr : r->addr;
      cpu_maps_[recorded_addr] = *r;
      if (r->addr == recorded_addr && a.addr != 0) space_.add_mapping(r->addr, r->size);
    }
  } else if constexpr (Op == KmdOp::kMunmap) {
    auto it = cpu_maps_.find(a.addr);
    if (it == cpu_maps_.end()) {
      return stop(Verdict::kCannotReplay, "munmap of " + hex(a.addr) + ", which is not mapped");
    }
    const kmd::CpuMapping mapping = it->second;
    space_.remove_mapping(mapping.addr);
    cpu_maps_.erase(it);
    check_errno(recorded_errno, errno_of(kmd_.munmap(mapping)));
  } else if constexpr (Op == KmdOp::kCreateQueue) {
    kmd::CreateQueueArgs args = a;
    auto id = gpu(a.gpu_id);
    if (!id) return;
    args.gpu_id = *id;
    if (a.ring_size == 0 || (a.ring_size & (a.ring_size - 1)) != 0) {
      return stop(Verdict::kCannotReplay,
                  "queue ring size " + std::to_string(a.ring_size) + " is not a power of two");
    }
    if (!size_queue_buffers(args, *id)) return;
    auto r = kmd_.create_queue(args);
    check_errno(recorded_errno, errno_of(r));
    if (r.ok() && call.result) queues_[call.result->queue_id] = {r->queue_id, *id, a};
  } else if constexpr (Op == KmdOp::kDestroyQueue || Op == KmdOp::kUpdateQueue) {
    auto q = queues_.find(a.queue_id);
    if (q == queues_.end()) {
      return stop(Verdict::kCannotReplay, "unknown queue " + std::to_string(a.queue_id));
    }
    if constexpr (Op == KmdOp::kDestroyQueue) {
      const uint32_t id = q->second.id;
      queues_.erase(q);
      check_errno(recorded_errno, errno_of(kmd_.destroy_queue(id)));
    } else {
      kmd::UpdateQueueArgs args = a;
      args.queue_id = q->second.id;
      q->second.args.ring_base_address = a.ring_base_address;
      q->second.args.ring_size = a.ring_size;
      check_errno(recorded_errno, errno_of(kmd_.update_queue(args)));
    }
  } else if constexpr (Op == KmdOp::kCreateEvent) {
    kmd::CreateEventArgs args = a;
    if (a.event_page_offset != 0) {
      auto h = handle(a.event_page_offset);
      if (!h) return;
      args.event_page_offset = *h;
    }
    auto r = kmd_.create_event(args);
    check_errno(recorded_errno, errno_of(r));
    if (r.ok() && call.result && r->event_id != call.result->event_id) {
      // Event ids are inside packets: the replay cannot rewrite them.
      stop(Verdict::kCannotReplay, "event id " + std::to_string(r->event_id) + ", recorded " +
                                       std::to_string(call.result->event_id) +
                                       ": the packets name the recorded one");
    }
  } else if constexpr (Op == KmdOp::kDestroyEvent) {
    check_errno(recorded_errno, errno_of(kmd_.destroy_event(a.event_id)));
  } else if constexpr (Op == KmdOp::kSetEvent) {
    check_errno(recorded_errno, errno_of(kmd_.set_event(a.event_id)));
  } else if constexpr (Op == KmdOp::kResetEvent) {
    check_errno(recorded_errno, errno_of(kmd_.reset_event(a.event_id)));
  } else if constexpr (Op == KmdOp::kWaitEvents) {
    const uint64_t cap = options_.timeout.for_wait(0, false);
    if (a.timeout > cap) a.timeout = static_cast<uint32_t>(std::min<uint64_t>(cap, UINT32_MAX - 1));
    auto r = kmd_.wait_events(a.view());
    check_errno(recorded_errno, errno_of(r));
    check_exceptions(a.events);
    // A wait that completed at capture but times out here is no verdict by
    // itself: events are flags, so with threads two signals may merge into
    // one wake-up. The CPU waits on memory that follow decide (a hang there).
    last_wait_timed_out_ = r.ok() && *r == kmd::WaitResult::kTimeout;
  } else {
    stop(Verdict::kCannotReplay,
         std::string("replay cannot re-issue ") + format::kmd_op_name(Op) + " calls");
  }
}

// EOP, context-save and control-stack buffers are used only by the kernel
// and the firmware, which validate them against this machine's topology:
// the sizes are this GPU's, the recorded buffers must be large enough.
bool Replayer::size_queue_buffers(kmd::CreateQueueArgs& args, uint32_t gpu) {
  if (args.queue_type != kmd::QueueType::kCompute &&
      args.queue_type != kmd::QueueType::kComputeAql) {
    return true;
  }
  const gpu::GpuTarget* t = target_of(gpu);
  if (!t) return true;  // no target known: pass them as recorded
  auto too_small = [&](const char* what, uint64_t va, uint64_t need) {
    const BufferInfo* b = buffers_.find(va);
    if (!b || b->va + b->size - va >= need) return false;
    stop(Verdict::kCannotReplay, std::string(what) + " buffer at " + hex(va) + " has " +
                                     std::to_string(b->va + b->size - va) + " bytes; " + t->name +
                                     " here needs " + std::to_string(need));
    return true;
  };
  if (args.eop_buffer_address != 0) {
    if (too_small("EOP", args.eop_buffer_address, t->eop_buffer_size)) return false;
    args.eop_buffer_size = t->eop_buffer_size;
  }
  if (args.ctx_save_restore_address != 0) {
    const uint64_t need = t->cwsr.bo_size(t->cwsr.cwsr_size, t->num_xcc);
    if (too_small("context-save", args.ctx_save_restore_address, need)) return false;
    args.ctx_save_restore_size = t->cwsr.cwsr_size;
    args.ctl_stack_size = t->cwsr.ctl_stack_size;
  }
  return true;
}

}  // namespace amdrr::replay

// FakeKfdSyscalls: the KFD ioctl handlers. Each decodes the raw struct with
// the codec's reverse direction, calls SimKfd, and encodes the result back.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "lib/kmd/kfd_ioctl_event.h"
#include "lib/kmd/kfd_ioctl_memory.h"
#include "lib/kmd/kfd_ioctl_process.h"
#include "lib/kmd/kfd_ioctl_queue.h"
#include "tests/lib/kmd/fake_kfd_syscalls.h"

namespace amdrr::kmd::testing {
namespace {

using namespace uapi;  // NOLINT(google-build-using-namespace): the struct names

/// The kernel's copy rules for one ioctl [S-CHR kfd_ioctl]: a zeroed buffer
/// as large as the larger of the caller's _IOC_SIZE and the kernel's struct;
/// copy in the caller's size when the kernel's own command is IOC_IN; run
/// the handler; copy the caller's size back when it is IOC_OUT, whatever the
/// handler returned.
template <typename Raw, typename Handler>
int serve(unsigned long request, unsigned long kernel_request, void* arg, Handler&& handler) {
  const size_t usize = ioc_size(request);
  std::vector<uint8_t> buf(std::max(usize, sizeof(Raw)), 0);
  if (ioc_dir(kernel_request) & kIocWrite) std::memcpy(buf.data(), arg, usize);
  Raw raw;
  std::memcpy(&raw, buf.data(), sizeof raw);
  int err = handler(raw);
  std::memcpy(buf.data(), &raw, sizeof raw);
  if (ioc_dir(kernel_request) & kIocRead) std::memcpy(arg, buf.data(), usize);
  return err;
}

template <typename T>
int err_of(const Result<T>& r) {
  return r.error();
}

}  // namespace

unsigned long FakeKfdSyscalls::last_request(uint32_t nr) {
  std::lock_guard lock(mu_);
  auto it = last_request_.find(nr);
  return it == last_request_.end() ? 0 : it->second;
}

int FakeKfdSyscalls::dispatch(unsigned long request, void* arg) {
  if (ioc_type(request) != 'K') return ENOTTY;
  const uint32_t nr = ioc_nr(request);
  {
    std::lock_guard lock(mu_);
    last_request_[nr] = request;
  }
  sim::SimKfd& k = *sim_;
  switch (nr) {
    case ioc_nr(kIocGetVersion):
      return serve<KfdGetVersionArgs>(request, kIocGetVersion, arg, [&](auto& raw) {
        auto r = k.get_version();
        if (r && minor_version_) r->minor_version = *minor_version_;
        if (r) codec::encode_get_version_result(*r, raw);
        return err_of(r);
      });
    case ioc_nr(kIocGetProcessAperturesNew):
      return serve<KfdGetProcessAperturesNewArgs>(
          request, kIocGetProcessAperturesNew, arg, [&](auto& raw) {
            auto r = k.get_process_apertures();
            if (r) codec::encode_get_process_apertures_result(*r, raw);
            return err_of(r);
          });
    case ioc_nr(kIocAcquireVm):
      return serve<KfdAcquireVmArgs>(request, kIocAcquireVm, arg, [&](auto& raw) {
        AcquireVmArgs a = codec::decode_acquire_vm_args(raw);
        {
          // fget() of a file that is not open: EINVAL [S-CHR kfd_ioctl_acquire_vm].
          std::lock_guard lock(mu_);
          if (!files_.count(a.drm_fd)) return EINVAL;
        }
        return err_of(k.acquire_vm(a));
      });
    case ioc_nr(kIocRuntimeEnable):
      return serve<KfdRuntimeEnableArgs>(request, kIocRuntimeEnable, arg, [&](auto& raw) {
        auto r = k.runtime_enable(codec::decode_runtime_enable_args(raw));
        if (r) codec::encode_runtime_enable_result(*r, raw);
        return err_of(r);
      });
    case ioc_nr(kIocSetXnackMode):
      return serve<KfdSetXnackModeArgs>(request, kIocSetXnackMode, arg, [&](auto& raw) {
        auto r = k.set_xnack_mode(codec::decode_set_xnack_mode_args(raw));
        if (r) codec::encode_set_xnack_mode_result(*r, raw);
        return err_of(r);
      });
    case ioc_nr(kIocGetClockCounters):
      return serve<KfdGetClockCountersArgs>(request, kIocGetClockCounters, arg, [&](auto& raw) {
        auto r = k.get_clock_counters(codec::decode_get_clock_counters_args(raw));
        if (r) codec::encode_get_clock_counters_result(*r, raw);
        return err_of(r);
      });
    case ioc_nr(kIocAvailableMemory):
      return serve<KfdGetAvailableMemoryArgs>(request, kIocAvailableMemory, arg, [&](auto& raw) {
        auto r = k.available_memory(codec::decode_available_memory_args(raw));
        if (r) codec::encode_available_memory_result(*r, raw);
        return err_of(r);
      });
    case ioc_nr(kIocAllocMemoryOfGpu):
      return serve<KfdAllocMemoryOfGpuArgs>(request, kIocAllocMemoryOfGpu, arg, [&](auto& raw) {
        auto r = k.alloc_memory_of_gpu(codec::decode_alloc_memory_args(raw));
        if (r) codec::encode_alloc_memory_result(*r, raw);
        return err_of(r);
      });
    case ioc_nr(kIocFreeMemoryOfGpu):
      return serve<KfdFreeMemoryOfGpuArgs>(request, kIocFreeMemoryOfGpu, arg, [&](auto& raw) {
        return err_of(k.free_memory_of_gpu(codec::decode_free_memory_args(raw)));
      });
    case ioc_nr(kIocMapMemoryToGpu):
      return serve<KfdMapMemoryToGpuArgs>(request, kIocMapMemoryToGpu, arg, [&](auto& raw) {
        MapMemoryArgs a = codec::decode_map_memory_args(raw);
        auto r = k.map_memory_to_gpu(a);
        codec::encode_map_memory_result(a, raw);
        return err_of(r);
      });
    case ioc_nr(kIocUnmapMemoryFromGpu):
      return serve<KfdUnmapMemoryFromGpuArgs>(request, kIocUnmapMemoryFromGpu, arg, [&](auto& raw) {
        MapMemoryArgs a = codec::decode_map_memory_args(raw);
        auto r = k.unmap_memory_from_gpu(a);
        codec::encode_map_memory_result(a, raw);
        return err_of(r);
      });
    default:
      return serve_queue(nr, request, arg);
  }
}

int FakeKfdSyscalls::serve_queue(uint32_t nr, unsigned long request, void* arg) {
  sim::SimKfd& k = *sim_;
  switch (nr) {
    case ioc_nr(kIocCreateQueue):
      return serve<KfdCreateQueueArgs>(request, kIocCreateQueue, arg, [&](auto& raw) {
        CreateQueueArgs a = codec::decode_create_queue_args(raw);
        auto r = k.create_queue(a);
        if (!r) return r.error();
        codec::encode_create_queue_result(*r, raw);
        const gpu::GpuTarget* t = k.target(a.gpu_id);
        std::lock_guard lock(mu_);
        doorbell_queues_[{a.gpu_id, r->doorbell_offset & (t->doorbell_slice_size - 1)}] =
            r->queue_id;
        return 0;
      });
    case ioc_nr(kIocDestroyQueue):
      return serve<KfdDestroyQueueArgs>(request, kIocDestroyQueue, arg, [&](auto& raw) {
        uint32_t id = codec::decode_destroy_queue_args(raw);
        if (auto r = k.destroy_queue(id); !r) return r.error();
        std::lock_guard lock(mu_);
        std::erase_if(doorbell_queues_, [id](const auto& e) { return e.second == id; });
        return 0;
      });
    case ioc_nr(kIocUpdateQueue):
      return serve<KfdUpdateQueueArgs>(request, kIocUpdateQueue, arg, [&](auto& raw) {
        return err_of(k.update_queue(codec::decode_update_queue_args(raw)));
      });
    default:
      return serve_event(nr, request, arg);
  }
}

int FakeKfdSyscalls::serve_event(uint32_t nr, unsigned long request, void* arg) {
  sim::SimKfd& k = *sim_;
  switch (nr) {
    case ioc_nr(kIocCreateEvent):
      return serve<KfdCreateEventArgs>(request, kIocCreateEvent, arg, [&](auto& raw) {
        CreateEventArgs a = codec::decode_create_event_args(raw);
        auto r = k.create_event(a);
        if (!r) return r.error();
        codec::encode_create_event_result(*r, raw);
        std::lock_guard lock(mu_);
        event_types_[r->event_id] = a.event_type;
        return 0;
      });
    case ioc_nr(kIocDestroyEvent):
      return serve<KfdDestroyEventArgs>(request, kIocDestroyEvent, arg, [&](auto& raw) {
        uint32_t id = codec::decode_event_id_args(raw);
        if (auto r = k.destroy_event(id); !r) return r.error();
        std::lock_guard lock(mu_);
        event_types_.erase(id);
        return 0;
      });
    case ioc_nr(kIocSetEvent):
      return serve<KfdSetEventArgs>(request, kIocSetEvent, arg, [&](auto& raw) {
        return err_of(k.set_event(codec::decode_event_id_args(raw)));
      });
    case ioc_nr(kIocResetEvent):
      return serve<KfdResetEventArgs>(request, kIocResetEvent, arg, [&](auto& raw) {
        return err_of(k.reset_event(codec::decode_event_id_args(raw)));
      });
    case ioc_nr(kIocWaitEvents):
      return serve<KfdWaitEventsArgs>(request, kIocWaitEvents, arg, [&](auto& raw) {
        codec::RawWaitEvents w = codec::decode_wait_events_args(raw);
        std::vector<EventData> events;
        std::vector<std::optional<EventType>> types;
        {
          std::lock_guard lock(mu_);
          for (const KfdEventData& e : w.events) {
            events.push_back(codec::decode_event_data_args(e));
            auto it = event_types_.find(e.event_id);
            types.push_back(it == event_types_.end() ? std::nullopt : std::optional(it->second));
          }
        }
        // SimKfd blocks here; no lock of ours is held.
        auto r = k.wait_events({events, w.wait_for_all, w.timeout});
        if (!r) return r.error();
        for (size_t i = 0; i < events.size(); ++i) {
          codec::encode_event_data_result(events[i], types[i], w.events[i]);
        }
        codec::encode_wait_events_result(*r, raw);
        return 0;
      });
    default:
      return EINVAL;  // an nr the kernel does not know [S-CHR]
  }
}

}  // namespace amdrr::kmd::testing

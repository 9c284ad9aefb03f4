// LinuxKfd queue and event calls: CREATE / DESTROY / UPDATE_QUEUE with the
// doorbell slice mapping and doorbell stores; CREATE / DESTROY / SET / RESET /
// WAIT_EVENTS with the kernel event page.
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>

#include "lib/kmd/kfd_ioctl_event.h"
#include "lib/kmd/kfd_ioctl_queue.h"
#include "lib/kmd/linux_kfd.h"

namespace amdrr::kmd {
namespace {

/// KFD_SIGNAL_EVENT_LIMIT slots of 8 bytes: the kernel page's full size [S-EVT].
constexpr uint64_t kEventPageSize = 4096 * 8;

}  // namespace

Result<CreateQueueResult> LinuxKfd::create_queue(const CreateQueueArgs& args) {
  if (args.queue_type == QueueType::kSdmaByEngId && !has_minor(uapi::kMinorSdmaByEngId)) {
    return Errno{EOPNOTSUPP};
  }
  auto raw = codec::encode_create_queue(args);
  auto request = codec::create_queue_request(version_.minor_version);
  if (auto r = kfd_ioctl(request, raw); !r) return Errno{r.error()};
  CreateQueueResult out = codec::decode_create_queue(raw);

  std::unique_lock lock(mu_);
  Gpu* g = find_gpu(args.gpu_id);
  Result<void> mapped = g ? map_doorbells_locked(*g, out.doorbell_offset) : Errno{ENODEV};
  if (!mapped) {
    // Without the doorbell the queue is unusable: undo it, as libhsakmt does.
    lock.unlock();
    auto destroy = codec::encode_destroy_queue(out.queue_id);
    (void)kfd_ioctl(uapi::kIocDestroyQueue, destroy);
    return Errno{mapped.error()};
  }
  queues_[out.queue_id] = {args.gpu_id, out.doorbell_offset & (g->doorbell_slice_size - 1)};
  return out;
}

// The process doorbell slice: exactly slice bytes of /dev/kfd at the queue's
// doorbell_offset rounded down to the slice; the queue's doorbell is at the
// remainder (SOC15 / GFX9+) [S-DB], [S-HQ].
Result<void> LinuxKfd::map_doorbells_locked(Gpu& gpu, uint64_t doorbell_offset) {
  if (gpu.doorbells.valid()) return {};
  if (gpu.doorbell_slice_size == 0) return Errno{EOPNOTSUPP};  // unknown target
  uint64_t slice = gpu.doorbell_slice_size;
  auto p = sys_->mmap(nullptr, slice, PROT_READ | PROT_WRITE, MAP_SHARED, kfd_.get(),
                      doorbell_offset & ~(slice - 1));
  if (!p) return Errno{p.error()};
  gpu.doorbells = ScopedMapping(*sys_, *p, slice);
  return {};
}

Result<void> LinuxKfd::destroy_queue(uint32_t queue_id) {
  auto raw = codec::encode_destroy_queue(queue_id);
  if (auto r = kfd_ioctl(uapi::kIocDestroyQueue, raw); !r) return Errno{r.error()};
  std::lock_guard lock(mu_);
  auto it = queues_.find(queue_id);
  if (it == queues_.end()) return {};
  uint32_t gpu_id = it->second.gpu_id;
  queues_.erase(it);
  // The slice goes with the GPU's last queue, so a process without queues
  // holds no doorbell mapping (and a contract test sees no leftover). Callers
  // must not ring a queue's doorbell while destroying it.
  bool last = std::none_of(queues_.begin(), queues_.end(),
                           [gpu_id](const auto& q) { return q.second.gpu_id == gpu_id; });
  if (Gpu* g = find_gpu(gpu_id); g && last) g->doorbells.reset();
  return {};
}

Result<void> LinuxKfd::update_queue(const UpdateQueueArgs& args) {
  auto raw = codec::encode_update_queue(args);
  return kfd_ioctl(uapi::kIocUpdateQueue, raw);
}

Result<void> LinuxKfd::write_doorbell(uint32_t queue_id, uint64_t value) {
  volatile uint64_t* doorbell = nullptr;
  {
    std::lock_guard lock(mu_);
    auto it = queues_.find(queue_id);
    if (it == queues_.end()) return Errno{EINVAL};
    Gpu* g = find_gpu(it->second.gpu_id);
    doorbell =
        reinterpret_cast<volatile uint64_t*>(g->doorbells.data() + it->second.doorbell_in_slice);
  }
  sys_->store_doorbell(doorbell, value);
  return {};
}

Result<CreateEventResult> LinuxKfd::create_event(const CreateEventArgs& args) {
  auto raw = codec::encode_create_event(args);
  if (auto r = kfd_ioctl(uapi::kIocCreateEvent, raw); !r) return Errno{r.error()};
  CreateEventResult out = codec::decode_create_event(raw);

  std::lock_guard lock(mu_);
  event_types_[out.event_id] = args.event_type;
  if (args.event_page_offset) user_event_page_ = true;
  // Without a user signal BO the kernel allocated the page; libhsakmt maps it
  // at once (older kernels use only 256 slots until it is mapped) [S-EVT],
  // [S-HE].
  bool kernel_page = args.event_type == EventType::kSignal && !user_event_page_ &&
                     (out.event_page_offset & mmap_offset::kTypeMask) == mmap_offset::kTypeEvents;
  if (kernel_page && !event_page_.valid()) {
    auto p = sys_->mmap(nullptr, kEventPageSize, PROT_READ | PROT_WRITE, MAP_SHARED, kfd_.get(),
                        out.event_page_offset);
    if (!p) {
      event_types_.erase(out.event_id);
      auto destroy = codec::encode_event_id<uapi::KfdDestroyEventArgs>(out.event_id);
      (void)kfd_ioctl(uapi::kIocDestroyEvent, destroy);
      return Errno{p.error()};
    }
    event_page_ = ScopedMapping(*sys_, *p, kEventPageSize);
  }
  return out;
}

Result<void> LinuxKfd::destroy_event(uint32_t event_id) {
  auto raw = codec::encode_event_id<uapi::KfdDestroyEventArgs>(event_id);
  if (auto r = kfd_ioctl(uapi::kIocDestroyEvent, raw); !r) return Errno{r.error()};
  std::lock_guard lock(mu_);
  event_types_.erase(event_id);
  return {};
}

Result<void> LinuxKfd::set_event(uint32_t event_id) {
  auto raw = codec::encode_event_id<uapi::KfdSetEventArgs>(event_id);
  return kfd_ioctl(uapi::kIocSetEvent, raw);
}

Result<void> LinuxKfd::reset_event(uint32_t event_id) {
  auto raw = codec::encode_event_id<uapi::KfdResetEventArgs>(event_id);
  return kfd_ioctl(uapi::kIocResetEvent, raw);
}

Result<WaitResult> LinuxKfd::wait_events(const WaitEventsArgs& args) {
  // Before 1.14 the union has no signal view: the kernel ignores an age, so
  // none is sent and none comes back.
  const bool with_age = has_minor(uapi::kMinorEventAge);
  std::vector<uapi::KfdEventData> storage;
  std::vector<std::optional<EventType>> types;
  {
    std::lock_guard lock(mu_);
    for (const EventData& e : args.events) {
      storage.push_back(codec::encode_event_data(e, with_age));
      auto it = event_types_.find(e.event_id);
      types.push_back(it == event_types_.end() ? std::nullopt : std::optional(it->second));
    }
  }
  auto raw = codec::encode_wait_events(args, storage);
  // No lock here: the wait may block for as long as the timeout says.
  if (auto r = kfd_ioctl(uapi::kIocWaitEvents, raw); !r) return Errno{r.error()};
  for (size_t i = 0; i < args.events.size(); ++i) {
    codec::decode_event_data(storage[i], types[i], args.events[i]);
  }
  return codec::decode_wait_events(raw);
}

}  // namespace amdrr::kmd

// SimKfd queues: CREATE / DESTROY / UPDATE_QUEUE with the checks of
// kfd_chardev.c [S-CHR] and the user-buffer validation of kfd_queue.c
// [S-QUE]; doorbell slots as kfd_doorbell.c hands them out [S-DB].
#include <cerrno>
#include <cstring>

#include "lib/sim/sim_kfd.h"
#include "lib/sim/sim_kfd_state.h"

namespace amdrr::sim {
namespace {

constexpr uint32_t kMaxQueuePercentage = 100;
constexpr uint32_t kMaxQueuePriority = 15;

bool is_power_of_2(uint32_t v) {
  return v && !(v & (v - 1));
}

bool is_sdma(kmd::QueueType t) {
  return t == kmd::QueueType::kSdma || t == kmd::QueueType::kSdmaXgmi ||
         t == kmd::QueueType::kSdmaByEngId;
}

// SOC15 reserves doorbells 0xE0-0xFF of each 512-entry half of the process
// slice for SDMA (reserved_doorbell_mask 0x1E0, val 0x0E0 on vega10-family;
// UNVERIFIED for gfx942/gfx1100, which use different ranges).
bool reserved_for_sdma(uint32_t index) {
  return (index & 0x1E0) == 0x0E0;
}

// The kernel's common queue-argument checks [S-CHR set_queue_properties_from_user].
Result<void> check_queue_properties(uint32_t percentage, uint32_t priority, uint32_t ring_size) {
  // Bits [15:8] of queue_percentage carry the PM4 target XCC in ROCm kernels.
  if ((percentage & 0xFF) > kMaxQueuePercentage) return Errno{EINVAL};
  if (priority > kMaxQueuePriority) return Errno{EINVAL};
  if (ring_size != 0 && !is_power_of_2(ring_size)) return Errno{EINVAL};
  return {};
}

}  // namespace

Result<void> SimKfd::check_queue_buffer(Gpu& gpu, uint64_t addr, uint64_t size) {
  // kfd_queue_buffer_get: the mapping holding addr must start at addr's page
  // and, when a size is expected, be exactly that long [S-QUE].
  const GpuVm::Mapping* m = gpu.vm.find(addr);
  if (!m) return Errno{EINVAL};
  if ((addr & ~(kPageSize - 1)) != m->start) return Errno{EINVAL};
  if (size != 0 && m->size != page_align(size)) return Errno{EINVAL};
  return {};
}

Result<void> SimKfd::check_queue_buffers(Gpu& gpu, const kmd::CreateQueueArgs& args) {
  if (auto r = check_queue_buffer(gpu, args.write_pointer_address, kPageSize); !r) return r;
  if (auto r = check_queue_buffer(gpu, args.read_pointer_address, kPageSize); !r) return r;
  if (auto r = check_queue_buffer(gpu, args.ring_base_address, args.ring_size); !r) return r;
  if (is_sdma(args.queue_type)) return {};  // SDMA queues have no EOP/CWSR

  const gpu::GpuTarget& t = gpu.target;
  if (args.eop_buffer_address) {
    if (args.eop_buffer_size != t.eop_buffer_size) return Errno{EINVAL};
    if (auto r = check_queue_buffer(gpu, args.eop_buffer_address, t.eop_buffer_size); !r) return r;
  }
  if (args.ctl_stack_size != t.cwsr.ctl_stack_size) return Errno{EINVAL};
  if (args.ctx_save_restore_size < t.cwsr.cwsr_size) return Errno{EINVAL};
  return check_queue_buffer(gpu, args.ctx_save_restore_address,
                            t.cwsr.bo_size(args.ctx_save_restore_size, t.num_xcc));
}

Result<void> SimKfd::pick_sdma_queue(Gpu& gpu, const kmd::CreateQueueArgs& args, SimQueue& q) {
  const uint32_t per_engine = gpu.sdma_queues_per_engine;
  uint32_t first = 0, count = gpu.sdma_engines;  // engines to choose from
  if (args.queue_type == kmd::QueueType::kSdmaXgmi) {
    first = gpu.sdma_engines;
    count = gpu.sdma_xgmi_engines;
  } else if (args.queue_type == kmd::QueueType::kSdmaByEngId) {
    if (args.sdma_engine_id >= gpu.sdma_engines + gpu.sdma_xgmi_engines) return Errno{EINVAL};
    first = args.sdma_engine_id;
    count = 1;
  }
  // Lowest free queue, spreading over engines first as allocate_sdma_queue
  // does (bit % engines = engine). Exhausted: ENOMEM (UNVERIFIED errno).
  for (uint32_t slot = 0; slot < count * per_engine; ++slot) {
    uint32_t engine = first + slot % count, queue = slot / count;
    size_t bit = size_t{engine} * per_engine + queue;
    if (!gpu.sdma_used[bit]) {
      gpu.sdma_used[bit] = true;
      q.sdma_engine_id = engine;
      q.sdma_queue_id = queue;
      return {};
    }
  }
  return Errno{ENOMEM};
}

Result<void> SimKfd::pick_doorbell(Gpu& gpu, SimQueue& q) {
  if (is_sdma(q.args.queue_type)) {
    // Fixed per engine and queue: engine base + mirror half for odd queues
    // (KFD_QUEUE_DOORBELL_MIRROR_OFFSET 512). Layout UNVERIFIED per ASIC.
    q.doorbell_index =
        0xE0 + q.sdma_engine_id * 4 + (q.sdma_queue_id & 1) * 0x200 + (q.sdma_queue_id >> 1);
    gpu.doorbell_used.set(q.doorbell_index);
    return {};
  }
  for (uint32_t i = 0; i < kMaxQueuesPerProcess; ++i) {
    if (!reserved_for_sdma(i) && !gpu.doorbell_used.test(i)) {
      gpu.doorbell_used.set(i);
      q.doorbell_index = i;
      return {};
    }
  }
  return Errno{ENOSPC};
}

Result<kmd::CreateQueueResult> SimKfd::create_queue(const kmd::CreateQueueArgs& args) {
  std::unique_lock lock(mu_);
  if (auto r = check_queue_properties(args.queue_percentage, args.queue_priority, args.ring_size);
      !r) {
    return Errno{r.error()};
  }
  if (static_cast<uint32_t>(args.queue_type) >
      static_cast<uint32_t>(kmd::QueueType::kSdmaByEngId)) {
    return Errno{kENOTSUPP};
  }
  Gpu* g = find_gpu(args.gpu_id);
  if (!g) return Errno{EINVAL};
  if (!g->vm_acquired) return Errno{ESRCH};  // bind failure is ESRCH here [S-CHR]
  if (auto r = check_queue_buffers(*g, args); !r) return Errno{r.error()};

  // Queue ids: lowest free slot of the process (find_first_zero_bit).
  uint32_t qid = 0;
  while (qid < kMaxQueuesPerProcess && queues_.count(qid)) ++qid;
  if (qid == kMaxQueuesPerProcess) return Errno{ENOMEM};

  auto queue = std::make_unique<Queue>();
  queue->gpu_id = args.gpu_id;
  queue->q.queue_id = qid;
  queue->q.args = args;
  if (is_sdma(args.queue_type)) {
    if (auto r = pick_sdma_queue(*g, args, queue->q); !r) return Errno{r.error()};
  }
  if (auto r = pick_doorbell(*g, queue->q); !r) {
    if (is_sdma(args.queue_type)) {
      g->sdma_used[size_t{queue->q.sdma_engine_id} * g->sdma_queues_per_engine +
                   queue->q.sdma_queue_id] = false;
    }
    return Errno{r.error()};
  }
  // Doorbell offset: KFD_MMAP_TYPE_DOORBELL | gpu id | byte offset in the
  // slice (dword index difference * 4, i.e. slot * 8 for 64-bit doorbells).
  kmd::CreateQueueResult out;
  out.queue_id = qid;
  out.doorbell_offset = kmd::mmap_offset::kTypeDoorbell | kmd::mmap_offset::gpu_id_bits(g->gpu_id) |
                        uint64_t{queue->q.doorbell_index} * g->target.doorbell_size;
  SimQueue snapshot = queue->q;
  queues_.emplace(qid, std::move(queue));
  EngineHook* hook = hook_;
  lock.unlock();
  if (hook) hook->queue_created(snapshot);
  return out;
}

Result<void> SimKfd::destroy_queue(uint32_t queue_id) {
  std::unique_lock lock(mu_);
  auto it = queues_.find(queue_id);
  if (it == queues_.end()) return Errno{EINVAL};  // pqm_destroy_queue [S-CHR]
  Gpu* g = find_gpu(it->second->gpu_id);
  const SimQueue& q = it->second->q;
  g->doorbell_used.reset(q.doorbell_index);
  if (is_sdma(q.args.queue_type)) {
    g->sdma_used[size_t{q.sdma_engine_id} * g->sdma_queues_per_engine + q.sdma_queue_id] = false;
  }
  SimQueue snapshot = q;
  queues_.erase(it);
  EngineHook* hook = hook_;
  lock.unlock();
  if (hook) hook->queue_destroyed(snapshot);
  return {};
}

Result<void> SimKfd::update_queue(const kmd::UpdateQueueArgs& args) {
  std::lock_guard lock(mu_);
  if (auto r = check_queue_properties(args.queue_percentage, args.queue_priority, args.ring_size);
      !r) {
    return r;
  }
  auto it = queues_.find(args.queue_id);
  // pqm_update_queue_properties: EFAULT for an unknown queue (UNVERIFIED
  // in current kernels).
  if (it == queues_.end()) return Errno{EFAULT};
  Gpu* g = find_gpu(it->second->gpu_id);
  if (auto r = check_queue_buffer(*g, args.ring_base_address, args.ring_size); !r) return r;
  auto& a = it->second->q.args;
  a.ring_base_address = args.ring_base_address;
  a.ring_size = args.ring_size;
  a.queue_percentage = args.queue_percentage;
  a.queue_priority = args.queue_priority;
  return {};
}

Result<void> SimKfd::write_doorbell(uint32_t queue_id, uint64_t value) {
  std::unique_lock lock(mu_);
  auto it = queues_.find(queue_id);
  if (it == queues_.end()) return Errno{EINVAL};
  Gpu* g = find_gpu(it->second->gpu_id);
  // The store lands in the doorbell page, where a CPU mapping also sees it.
  std::memcpy(g->doorbells->data() + uint64_t{it->second->q.doorbell_index} * 8, &value, 8);
  SimQueue snapshot = it->second->q;
  EngineHook* hook = hook_;
  lock.unlock();
  if (hook) hook->doorbell(snapshot, value);
  return {};
}

}  // namespace amdrr::sim

#include "lib/kmd/kfd_ioctl_queue.h"

namespace amdrr::kmd::codec {

uapi::KfdCreateQueueArgs encode_create_queue(const CreateQueueArgs& args) {
  uapi::KfdCreateQueueArgs raw{};
  raw.ring_base_address = args.ring_base_address;
  raw.write_pointer_address = args.write_pointer_address;
  raw.read_pointer_address = args.read_pointer_address;
  raw.ring_size = args.ring_size;
  raw.gpu_id = args.gpu_id;
  raw.queue_type = static_cast<uint32_t>(args.queue_type);
  raw.queue_percentage = args.queue_percentage;
  raw.queue_priority = args.queue_priority;
  raw.eop_buffer_address = args.eop_buffer_address;
  raw.eop_buffer_size = args.eop_buffer_size;
  raw.ctx_save_restore_address = args.ctx_save_restore_address;
  raw.ctx_save_restore_size = args.ctx_save_restore_size;
  raw.ctl_stack_size = args.ctl_stack_size;
  raw.sdma_engine_id = args.sdma_engine_id;
  return raw;
}

CreateQueueResult decode_create_queue(const uapi::KfdCreateQueueArgs& raw) {
  return {raw.queue_id, raw.doorbell_offset};
}

CreateQueueArgs decode_create_queue_args(const uapi::KfdCreateQueueArgs& raw) {
  CreateQueueArgs args;
  args.ring_base_address = raw.ring_base_address;
  args.write_pointer_address = raw.write_pointer_address;
  args.read_pointer_address = raw.read_pointer_address;
  args.ring_size = raw.ring_size;
  args.gpu_id = raw.gpu_id;
  args.queue_type = static_cast<QueueType>(raw.queue_type);
  args.queue_percentage = raw.queue_percentage;
  args.queue_priority = raw.queue_priority;
  args.eop_buffer_address = raw.eop_buffer_address;
  args.eop_buffer_size = raw.eop_buffer_size;
  args.ctx_save_restore_address = raw.ctx_save_restore_address;
  args.ctx_save_restore_size = raw.ctx_save_restore_size;
  args.ctl_stack_size = raw.ctl_stack_size;
  args.sdma_engine_id = raw.sdma_engine_id;
  return args;
}

void encode_create_queue_result(const CreateQueueResult& result, uapi::KfdCreateQueueArgs& raw) {
  raw.queue_id = result.queue_id;
  raw.doorbell_offset = result.doorbell_offset;
}

unsigned long create_queue_request(uint32_t minor_version) {
  return minor_version >= uapi::kMinorSdmaByEngId ? uapi::kIocCreateQueue
                                                  : uapi::kIocCreateQueueV11;
}

uapi::KfdDestroyQueueArgs encode_destroy_queue(uint32_t queue_id) {
  uapi::KfdDestroyQueueArgs raw{};
  raw.queue_id = queue_id;
  return raw;
}

uint32_t decode_destroy_queue_args(const uapi::KfdDestroyQueueArgs& raw) {
  return raw.queue_id;
}

uapi::KfdUpdateQueueArgs encode_update_queue(const UpdateQueueArgs& args) {
  uapi::KfdUpdateQueueArgs raw{};
  raw.ring_base_address = args.ring_base_address;
  raw.queue_id = args.queue_id;
  raw.ring_size = args.ring_size;
  raw.queue_percentage = args.queue_percentage;
  raw.queue_priority = args.queue_priority;
  return raw;
}

UpdateQueueArgs decode_update_queue_args(const uapi::KfdUpdateQueueArgs& raw) {
  return {raw.ring_base_address, raw.queue_id, raw.ring_size, raw.queue_percentage,
          raw.queue_priority};
}

}  // namespace amdrr::kmd::codec

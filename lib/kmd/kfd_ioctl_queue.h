#pragma once
// Codec of the queue ioctls: CREATE_QUEUE, DESTROY_QUEUE, UPDATE_QUEUE. Same
// four directions as kfd_ioctl_process.h.

#include <cstdint>

#include "lib/kmd/kfd_uapi.h"
#include "lib/kmd/kmd_types.h"

namespace amdrr::kmd::codec {

// CREATE_QUEUE, always in the 1.17 layout (96 bytes). A kernel before 1.17
// gets the same struct under its own 88-byte number and reads only the
// prefix, so sdma_engine_id must then be 0 (LinuxKfd refuses
// SDMA_BY_ENG_ID there). The kernel zero-fills what a caller's shorter
// struct lacks, so decode_create_queue_args of a v1.11 caller sees 0 [S-CHR].
uapi::KfdCreateQueueArgs encode_create_queue(const CreateQueueArgs& args);
CreateQueueResult decode_create_queue(const uapi::KfdCreateQueueArgs& raw);
CreateQueueArgs decode_create_queue_args(const uapi::KfdCreateQueueArgs& raw);
void encode_create_queue_result(const CreateQueueResult& result, uapi::KfdCreateQueueArgs& raw);
/// The ioctl number for a kernel of `minor_version`.
unsigned long create_queue_request(uint32_t minor_version);

// DESTROY_QUEUE.
uapi::KfdDestroyQueueArgs encode_destroy_queue(uint32_t queue_id);
uint32_t decode_destroy_queue_args(const uapi::KfdDestroyQueueArgs& raw);

// UPDATE_QUEUE: no output.
uapi::KfdUpdateQueueArgs encode_update_queue(const UpdateQueueArgs& args);
UpdateQueueArgs decode_update_queue_args(const uapi::KfdUpdateQueueArgs& raw);

}  // namespace amdrr::kmd::codec

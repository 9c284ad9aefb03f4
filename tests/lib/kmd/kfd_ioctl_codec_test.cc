// The ioctl codec: every struct round-trips in both directions (what
// LinuxKfd encodes, a fake kernel decodes to the same typed args; what the
// fake encodes as a result, LinuxKfd decodes to the same typed result), a few
// golden byte layouts, and the ioctl numbers against the system header.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <vector>

#include "lib/kmd/kfd_ioctl_event.h"
#include "lib/kmd/kfd_ioctl_memory.h"
#include "lib/kmd/kfd_ioctl_process.h"
#include "lib/kmd/kfd_ioctl_queue.h"

namespace amdrr::kmd::codec {
namespace {

using namespace uapi;  // NOLINT(google-build-using-namespace)

template <typename Raw>
std::vector<uint8_t> bytes_of(const Raw& raw) {
  std::vector<uint8_t> out(sizeof raw);
  std::memcpy(out.data(), &raw, sizeof raw);
  return out;
}

uint64_t u64_at(const std::vector<uint8_t>& b, size_t off) {
  uint64_t v;
  std::memcpy(&v, b.data() + off, 8);
  return v;
}
uint32_t u32_at(const std::vector<uint8_t>& b, size_t off) {
  uint32_t v;
  std::memcpy(&v, b.data() + off, 4);
  return v;
}

TEST(KfdIoctlNumbers, MatchTheSystemHeader) {
  EXPECT_EQ(kIocGetVersion, AMDKFD_IOC_GET_VERSION);
  EXPECT_EQ(kIocCreateQueueV11, AMDKFD_IOC_CREATE_QUEUE);
  EXPECT_EQ(kIocDestroyQueue, AMDKFD_IOC_DESTROY_QUEUE);
  EXPECT_EQ(kIocGetClockCounters, AMDKFD_IOC_GET_CLOCK_COUNTERS);
  EXPECT_EQ(kIocUpdateQueue, AMDKFD_IOC_UPDATE_QUEUE);
  EXPECT_EQ(kIocCreateEvent, AMDKFD_IOC_CREATE_EVENT);
  EXPECT_EQ(kIocDestroyEvent, AMDKFD_IOC_DESTROY_EVENT);
  EXPECT_EQ(kIocSetEvent, AMDKFD_IOC_SET_EVENT);
  EXPECT_EQ(kIocResetEvent, AMDKFD_IOC_RESET_EVENT);
  EXPECT_EQ(kIocWaitEvents, AMDKFD_IOC_WAIT_EVENTS);
  EXPECT_EQ(kIocGetProcessAperturesNew, AMDKFD_IOC_GET_PROCESS_APERTURES_NEW);
  EXPECT_EQ(kIocAcquireVm, AMDKFD_IOC_ACQUIRE_VM);
  EXPECT_EQ(kIocAllocMemoryOfGpu, AMDKFD_IOC_ALLOC_MEMORY_OF_GPU);
  EXPECT_EQ(kIocFreeMemoryOfGpu, AMDKFD_IOC_FREE_MEMORY_OF_GPU);
  EXPECT_EQ(kIocMapMemoryToGpu, AMDKFD_IOC_MAP_MEMORY_TO_GPU);
  EXPECT_EQ(kIocUnmapMemoryFromGpu, AMDKFD_IOC_UNMAP_MEMORY_FROM_GPU);
  EXPECT_EQ(kIocSetXnackMode, AMDKFD_IOC_SET_XNACK_MODE);
  EXPECT_EQ(kIocAvailableMemory, AMDKFD_IOC_AVAILABLE_MEMORY);
}

// Not in the v1.11 header: the values from newer kernels (reference §1.3).
TEST(KfdIoctlNumbers, NewerOnesAsDocumented) {
  EXPECT_EQ(kIocCreateQueue, 0xC0604B02ul);
  EXPECT_EQ(kIocRuntimeEnable, 0xC0104B25ul);
  EXPECT_EQ(create_queue_request(16), kIocCreateQueueV11);
  EXPECT_EQ(create_queue_request(17), kIocCreateQueue);
  EXPECT_EQ(ioc_nr(kIocCreateQueue), ioc_nr(kIocCreateQueueV11));  // the kernel dispatches on nr
}

TEST(KfdCodec, VersionRoundTrip) {
  KfdGetVersionArgs raw{};
  encode_get_version_result({1, 17}, raw);
  auto v = decode_get_version(raw);
  EXPECT_EQ(v.major_version, 1u);
  EXPECT_EQ(v.minor_version, 17u);
}

TEST(KfdCodec, AperturesTwoCallProtocol) {
  std::vector<ProcessDeviceApertures> kernel = {{1, 2, 3, 4, 5, 6, 0x1234},
                                                {7, 8, 9, 10, 11, 12, 0x5678}};
  auto count = encode_get_process_apertures({});
  encode_get_process_apertures_result(kernel, count);
  ASSERT_EQ(count.num_of_nodes, 2u);
  std::vector<KfdProcessDeviceApertures> storage(count.num_of_nodes);
  auto raw = encode_get_process_apertures(storage);
  EXPECT_EQ(decode_get_process_apertures_args(raw).data(), storage.data());
  encode_get_process_apertures_result(kernel, raw);
  auto out = decode_get_process_apertures(raw, storage);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].gpu_id, 0x5678u);
  EXPECT_EQ(out[1].gpuvm_limit, 12u);
  EXPECT_EQ(out[0].lds_base, 1u);
  // A shorter array gets only what fits, and says so.
  std::vector<KfdProcessDeviceApertures> one(1);
  auto small = encode_get_process_apertures(one);
  encode_get_process_apertures_result(kernel, small);
  EXPECT_EQ(small.num_of_nodes, 1u);
}

TEST(KfdCodec, ProcessCallsRoundTrip) {
  auto vm = decode_acquire_vm_args(encode_acquire_vm({7, 0xabcd}));
  EXPECT_EQ(vm.drm_fd, 7);
  EXPECT_EQ(vm.gpu_id, 0xabcdu);

  auto re = encode_runtime_enable({0x1000, kRuntimeEnableMode | kRuntimeEnableTtmpSave});
  auto re_args = decode_runtime_enable_args(re);
  EXPECT_EQ(re_args.r_debug, 0x1000u);
  EXPECT_EQ(re_args.mode_mask, 3u);
  encode_runtime_enable_result(0x55, re);
  EXPECT_EQ(decode_runtime_enable(re), 0x55u);

  auto x = encode_set_xnack_mode(-1);
  EXPECT_EQ(decode_set_xnack_mode_args(x), -1);
  encode_set_xnack_mode_result(1, x);
  EXPECT_EQ(decode_set_xnack_mode(x), 1);

  auto c = encode_get_clock_counters(42);
  EXPECT_EQ(decode_get_clock_counters_args(c), 42u);
  encode_get_clock_counters_result({1, 2, 3, 1000000000}, c);
  auto cc = decode_get_clock_counters(c);
  EXPECT_EQ(cc.gpu_clock_counter, 1u);
  EXPECT_EQ(cc.system_clock_counter, 3u);
  EXPECT_EQ(cc.system_clock_freq, 1000000000u);

  auto m = encode_available_memory(9);
  EXPECT_EQ(decode_available_memory_args(m), 9u);
  encode_available_memory_result(1ull << 40, m);
  EXPECT_EQ(decode_available_memory(m), 1ull << 40);
}

TEST(KfdCodec, AllocGoldenLayoutAndRoundTrip) {
  AllocMemoryArgs args{0x100000000ull, 0x2000, 0x7f0000001000ull, 0x4242,
                       alloc_flags::kVram | alloc_flags::kPublic};
  auto raw = encode_alloc_memory(args);
  auto b = bytes_of(raw);
  EXPECT_EQ(u64_at(b, 0), 0x100000000ull);  // va_addr
  EXPECT_EQ(u64_at(b, 8), 0x2000u);         // size
  EXPECT_EQ(u64_at(b, 16), 0u);             // handle (out)
  EXPECT_EQ(u64_at(b, 24), 0x7f0000001000ull);
  EXPECT_EQ(u32_at(b, 32), 0x4242u);
  EXPECT_EQ(u32_at(b, 36), 0x20000001u);
  auto back = decode_alloc_memory_args(raw);
  EXPECT_EQ(back.va_addr, args.va_addr);
  EXPECT_EQ(back.size, args.size);
  EXPECT_EQ(back.mmap_offset, args.mmap_offset);
  EXPECT_EQ(back.gpu_id, args.gpu_id);
  EXPECT_EQ(back.flags, args.flags);
  encode_alloc_memory_result({make_handle(0x4242, 3), 0x100000000ull}, raw);
  auto res = decode_alloc_memory(raw);
  EXPECT_EQ(res.handle, make_handle(0x4242, 3));
  EXPECT_EQ(res.mmap_offset, 0x100000000ull);
  EXPECT_EQ(decode_free_memory_args(encode_free_memory(res.handle)), res.handle);
}

TEST(KfdCodec, MapCarriesTheDeviceArrayAndNSuccess) {
  std::array<uint32_t, 3> ids = {1, 2, 3};
  MapMemoryArgs args{0x99, ids, 1};
  auto raw = encode_map_memory<KfdMapMemoryToGpuArgs>(args);
  auto b = bytes_of(raw);
  EXPECT_EQ(u64_at(b, 8), reinterpret_cast<uintptr_t>(ids.data()));
  EXPECT_EQ(u32_at(b, 16), 3u);
  EXPECT_EQ(u32_at(b, 20), 1u);
  MapMemoryArgs kernel = decode_map_memory_args(raw);
  EXPECT_EQ(kernel.handle, 0x99u);
  ASSERT_EQ(kernel.device_ids.size(), 3u);
  EXPECT_EQ(kernel.device_ids[2], 3u);
  kernel.n_success = 2;
  encode_map_memory_result(kernel, raw);
  decode_map_memory(raw, args);
  EXPECT_EQ(args.n_success, 2u);
  auto unmap = encode_map_memory<KfdUnmapMemoryFromGpuArgs>(args);
  EXPECT_EQ(bytes_of(unmap), bytes_of(encode_map_memory<KfdMapMemoryToGpuArgs>(args)));
}

TEST(KfdCodec, CreateQueueGoldenLayoutAndRoundTrip) {
  CreateQueueArgs a;
  a.ring_base_address = 0x1000;
  a.write_pointer_address = 0x2038;
  a.read_pointer_address = 0x2080;
  a.ring_size = 0x10000;
  a.gpu_id = 0x1111;
  a.queue_type = QueueType::kSdmaByEngId;
  a.queue_percentage = 100 | (1 << 8);
  a.queue_priority = 9;
  a.eop_buffer_address = 0x3000;
  a.eop_buffer_size = 4096;
  a.ctx_save_restore_address = 0x4000;
  a.ctx_save_restore_size = 0x5000;
  a.ctl_stack_size = 0x6000;
  a.sdma_engine_id = 5;
  auto raw = encode_create_queue(a);
  auto b = bytes_of(raw);
  ASSERT_EQ(b.size(), 96u);
  EXPECT_EQ(u64_at(b, 0), 0x1000u);
  EXPECT_EQ(u64_at(b, 8), 0x2038u);
  EXPECT_EQ(u64_at(b, 16), 0x2080u);
  EXPECT_EQ(u32_at(b, 32), 0x10000u);
  EXPECT_EQ(u32_at(b, 36), 0x1111u);
  EXPECT_EQ(u32_at(b, 40), 4u);
  EXPECT_EQ(u32_at(b, 44), 0x164u);
  EXPECT_EQ(u32_at(b, 48), 9u);
  EXPECT_EQ(u64_at(b, 64), 4096u);
  EXPECT_EQ(u32_at(b, 80), 0x5000u);
  EXPECT_EQ(u32_at(b, 84), 0x6000u);
  EXPECT_EQ(u32_at(b, 88), 5u);
  auto k = decode_create_queue_args(raw);
  EXPECT_EQ(k.queue_type, a.queue_type);
  EXPECT_EQ(k.queue_percentage, a.queue_percentage);
  EXPECT_EQ(k.ctx_save_restore_address, a.ctx_save_restore_address);
  EXPECT_EQ(k.sdma_engine_id, 5u);
  EXPECT_EQ(k.eop_buffer_size, a.eop_buffer_size);
  encode_create_queue_result({3, 0xC000000000000018ull}, raw);
  auto r = decode_create_queue(raw);
  EXPECT_EQ(r.queue_id, 3u);
  EXPECT_EQ(r.doorbell_offset, 0xC000000000000018ull);

  EXPECT_EQ(decode_destroy_queue_args(encode_destroy_queue(7)), 7u);
  auto u = decode_update_queue_args(encode_update_queue({0x8000, 2, 4096, 50, 3}));
  EXPECT_EQ(u.ring_base_address, 0x8000u);
  EXPECT_EQ(u.queue_id, 2u);
  EXPECT_EQ(u.ring_size, 4096u);
  EXPECT_EQ(u.queue_percentage, 50u);
  EXPECT_EQ(u.queue_priority, 3u);
}

TEST(KfdCodec, EventsRoundTrip) {
  auto raw = encode_create_event({make_handle(1, 2), EventType::kMemory, 1, 3});
  auto a = decode_create_event_args(raw);
  EXPECT_EQ(a.event_page_offset, make_handle(1, 2));
  EXPECT_EQ(a.event_type, EventType::kMemory);
  EXPECT_EQ(a.auto_reset, 1u);
  EXPECT_EQ(a.node_id, 3u);
  encode_create_event_result({mmap_offset::kTypeEvents, 5, 6, 7}, raw);
  auto r = decode_create_event(raw);
  EXPECT_EQ(r.event_page_offset, mmap_offset::kTypeEvents);
  EXPECT_EQ(r.event_trigger_data, 5u);
  EXPECT_EQ(r.event_id, 6u);
  EXPECT_EQ(r.event_slot_index, 7u);
  EXPECT_EQ(decode_event_id_args(encode_event_id<KfdSetEventArgs>(9)), 9u);
  EXPECT_EQ(decode_event_id_args(encode_event_id<KfdResetEventArgs>(10)), 10u);
  EXPECT_EQ(decode_event_id_args(encode_event_id<KfdDestroyEventArgs>(11)), 11u);
}

TEST(KfdCodec, EventDataUnionViewsFollowTheType) {
  std::array<EventData, 3> ev{};
  ev[0].event_id = 1;
  ev[0].last_event_age = 77;
  ev[1].event_id = 0x80000000u;
  ev[2].event_id = 0x80000001u;
  std::array<KfdEventData, 3> storage;
  for (size_t i = 0; i < 3; ++i) storage[i] = encode_event_data(ev[i], true);
  auto raw = encode_wait_events({ev, 1, 500}, storage);
  auto b = bytes_of(storage[0]);
  EXPECT_EQ(u64_at(b, 0), 77u);  // signal_event_data.last_event_age
  EXPECT_EQ(u32_at(b, 40), 1u);  // event_id
  EXPECT_EQ(u64_at(b, 32), 0u);  // kfd_event_data_ext
  EXPECT_EQ(encode_event_data(ev[0], false).signal_event_data.last_event_age, 0u);

  // The kernel side: sees the same elements, writes each type's view.
  auto k = decode_wait_events_args(raw);
  ASSERT_EQ(k.events.size(), 3u);
  EXPECT_EQ(k.wait_for_all, 1u);
  EXPECT_EQ(k.timeout, 500u);
  EventData sig = decode_event_data_args(k.events[0]);
  EXPECT_EQ(sig.last_event_age, 77u);
  sig.last_event_age = 78;
  EventData mem = decode_event_data_args(k.events[1]);
  mem.memory_exception_data = {1, 0, 1, 0, 0xdead000, 0x4242, 2};
  EventData hw = decode_event_data_args(k.events[2]);
  hw.hw_exception_data = {1, 1, 0, 0x4242};
  encode_event_data_result(sig, EventType::kSignal, k.events[0]);
  encode_event_data_result(mem, EventType::kMemory, k.events[1]);
  encode_event_data_result(hw, EventType::kHwException, k.events[2]);
  encode_wait_events_result(WaitResult::kComplete, raw);
  auto mb = bytes_of(storage[1]);
  EXPECT_EQ(u32_at(mb, 0), 1u);           // NotPresent
  EXPECT_EQ(u32_at(mb, 8), 1u);           // NoExecute
  EXPECT_EQ(u64_at(mb, 16), 0xdead000u);  // va
  EXPECT_EQ(u32_at(mb, 24), 0x4242u);     // gpu_id
  EXPECT_EQ(u32_at(mb, 28), 2u);          // ErrorType

  // Back on the caller's side, each element decodes its type's view.
  EXPECT_EQ(decode_wait_events(raw), WaitResult::kComplete);
  decode_event_data(storage[0], EventType::kSignal, ev[0]);
  decode_event_data(storage[1], EventType::kMemory, ev[1]);
  decode_event_data(storage[2], EventType::kHwException, ev[2]);
  EXPECT_EQ(ev[0].last_event_age, 78u);
  EXPECT_EQ(ev[0].memory_exception_data, MemoryExceptionData{});
  EXPECT_EQ(ev[1].memory_exception_data, mem.memory_exception_data);
  EXPECT_EQ(ev[1].last_event_age, 0u);
  EXPECT_EQ(ev[2].hw_exception_data, hw.hw_exception_data);
  // An event of unknown type gets every view decoded.
  EventData any;
  decode_event_data(storage[1], std::nullopt, any);
  EXPECT_EQ(any.memory_exception_data, mem.memory_exception_data);
  EXPECT_EQ(any.hw_exception_data.reset_type, 1u);  // NotPresent seen as reset_type
}

}  // namespace
}  // namespace amdrr::kmd::codec

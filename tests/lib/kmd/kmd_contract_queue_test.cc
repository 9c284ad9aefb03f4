// The Kmd contract, queue calls.
#include "tests/lib/kmd/kmd_contract_fixture.h"

namespace amdrr::kmd::testing {
namespace {

class KmdQueues : public KmdContract {
 protected:
  /// Ring, rptr/wptr page, EOP and CWSR buffers as KFD validates them.
  CreateQueueArgs queue_args(QueueType type, uint32_t ring_size = 1 << 16) {
    CreateQueueArgs a;
    a.gpu_id = gpu_;
    a.queue_type = type;
    a.ring_size = ring_size;
    a.ring_base_address = next_va(ring_size);
    mapped_bo(ring_size, kGtt, a.ring_base_address);
    uint64_t ptrs = next_va(4096);
    mapped_bo(4096, kGtt, ptrs);
    a.read_pointer_address = ptrs + 128;
    a.write_pointer_address = ptrs + 56;
    if (type == QueueType::kCompute || type == QueueType::kComputeAql) {
      a.eop_buffer_size = target_.eop_buffer_size;
      a.eop_buffer_address = next_va(a.eop_buffer_size);
      mapped_bo(a.eop_buffer_size, kVram, a.eop_buffer_address);
      a.ctl_stack_size = target_.cwsr.ctl_stack_size;
      a.ctx_save_restore_size = target_.cwsr.cwsr_size;
      uint64_t cwsr = target_.cwsr.bo_size(a.ctx_save_restore_size, target_.num_xcc);
      a.ctx_save_restore_address = next_va(cwsr);
      mapped_bo(cwsr, kVram, a.ctx_save_restore_address);
    }
    return a;
  }
};

TEST_P(KmdQueues, CreateAndDestroyEveryType) {
  for (QueueType t : {QueueType::kCompute, QueueType::kComputeAql, QueueType::kSdma,
                      QueueType::kSdmaXgmi, QueueType::kSdmaByEngId}) {
    auto q = kmd_->create_queue(queue_args(t));
    ASSERT_TRUE(q.ok()) << "type " << static_cast<int>(t) << " errno " << q.error();
    EXPECT_EQ(q->doorbell_offset & mmap_offset::kTypeMask, mmap_offset::kTypeDoorbell);
    EXPECT_EQ(q->doorbell_offset & mmap_offset::kGpuIdMask, mmap_offset::gpu_id_bits(gpu_));
    EXPECT_LT(q->doorbell_offset & (target_.doorbell_slice_size - 1), target_.doorbell_slice_size);
    EXPECT_TRUE(kmd_->write_doorbell(q->queue_id, 16).ok());
    EXPECT_TRUE(kmd_->destroy_queue(q->queue_id).ok());
  }
}

TEST_P(KmdQueues, IdsAndDoorbellsAreLowestFree) {
  auto a = kmd_->create_queue(queue_args(QueueType::kCompute));
  auto b = kmd_->create_queue(queue_args(QueueType::kCompute));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->queue_id, 0u);
  EXPECT_EQ(b->queue_id, 1u);
  EXPECT_NE(a->doorbell_offset, b->doorbell_offset);
  ASSERT_TRUE(kmd_->destroy_queue(a->queue_id).ok());
  auto c = kmd_->create_queue(queue_args(QueueType::kCompute));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->queue_id, a->queue_id);
  EXPECT_EQ(c->doorbell_offset, a->doorbell_offset);
}

TEST_P(KmdQueues, InvalidArgumentsChangeNothing) {
  CreateQueueArgs good = queue_args(QueueType::kCompute);
  std::string before = state();
  auto expect_errno = [&](CreateQueueArgs a, int e, const char* what) {
    EXPECT_EQ(kmd_->create_queue(a).error(), e) << what;
    EXPECT_EQ(state(), before) << what;
  };
  CreateQueueArgs a = good;
  a.ring_size = 3 << 12;
  expect_errno(a, EINVAL, "non-power-of-two ring");
  a = good;
  a.ring_size = good.ring_size / 2;
  expect_errno(a, EINVAL, "ring BO larger than ring_size");
  a = good;
  a.queue_priority = 16;
  expect_errno(a, EINVAL, "priority");
  a = good;
  a.queue_percentage = 101;
  expect_errno(a, EINVAL, "percentage");
  a = good;
  a.queue_type = static_cast<QueueType>(9);
  expect_errno(a, 524, "unknown type is the kernel's ENOTSUPP");
  a = good;
  a.gpu_id = 0xdead;
  expect_errno(a, EINVAL, "unknown GPU");
  a = good;
  a.ctl_stack_size += 4096;
  expect_errno(a, EINVAL, "ctl_stack_size not the topology's");
  a = good;
  a.ctx_save_restore_size = target_.cwsr.cwsr_size - 4096;
  expect_errno(a, EINVAL, "ctx save area too small");
  a = good;
  a.eop_buffer_size = 8192;
  expect_errno(a, EINVAL, "EOP size");
  a = good;
  a.write_pointer_address = 0x7000000000;
  expect_errno(a, EINVAL, "unmapped wptr");
  a = queue_args(QueueType::kSdmaByEngId);
  before = state();
  a.sdma_engine_id = 64;
  expect_errno(a, EINVAL, "SDMA engine out of range");
}

TEST_P(KmdQueues, DestroyUnknownQueueIsEinval) {
  CreateQueueArgs args = queue_args(QueueType::kSdma);
  std::string before = state();
  EXPECT_EQ(kmd_->destroy_queue(7).error(), EINVAL);
  EXPECT_EQ(kmd_->write_doorbell(7, 1).error(), EINVAL);
  auto q = kmd_->create_queue(args);
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(kmd_->destroy_queue(q->queue_id).ok());
  EXPECT_EQ(kmd_->destroy_queue(q->queue_id).error(), EINVAL);
  EXPECT_EQ(state(), before);
}

TEST_P(KmdQueues, UpdateQueueValidates) {
  auto q = kmd_->create_queue(queue_args(QueueType::kSdma, 4096));
  ASSERT_TRUE(q.ok());
  uint64_t ring = next_va(8192);
  mapped_bo(8192, kGtt, ring);
  EXPECT_EQ(kmd_->update_queue({ring, q->queue_id, 3000, 100, 7}).error(), EINVAL);
  EXPECT_TRUE(kmd_->update_queue({ring, q->queue_id, 8192, 100, 7}).ok());
}

TEST_P(KmdQueues, XnackCannotChangeWithQueues) {
  auto mode = kmd_->set_xnack_mode(-1);
  ASSERT_TRUE(mode.ok());
  auto q = kmd_->create_queue(queue_args(QueueType::kSdma));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(kmd_->set_xnack_mode(0).error(), EBUSY);
  EXPECT_EQ(*kmd_->set_xnack_mode(-1), *mode);
  EXPECT_EQ(kmd_->runtime_enable({0, kRuntimeEnableMode}).error(), EEXIST);
  ASSERT_TRUE(kmd_->destroy_queue(q->queue_id).ok());
  EXPECT_TRUE(kmd_->set_xnack_mode(0).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, KmdQueues, ::testing::ValuesIn(kmd_backends()),
                         [](const auto& p) { return p.param.name; });

}  // namespace
}  // namespace amdrr::kmd::testing

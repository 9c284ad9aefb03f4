// QueueTracker on rings in plain host memory: the bytes behind a doorbell
// for each queue type's write-pointer unit, wrap, and more than a ring's
// worth between two doorbells.
#include "capture/queue_tracker.h"

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <vector>

namespace amdrr::capture {
namespace {

struct FakeQueue {
  std::vector<uint8_t> ring;
  uint64_t wptr = 0;
  uint64_t rptr = 0;
  kmd::CreateQueueArgs args;

  FakeQueue(kmd::QueueType type, uint32_t size) : ring(size) {
    args.queue_type = type;
    args.ring_size = size;
    args.ring_base_address = reinterpret_cast<uint64_t>(ring.data());
    args.write_pointer_address = reinterpret_cast<uint64_t>(&wptr);
    args.read_pointer_address = reinterpret_cast<uint64_t>(&rptr);
  }
  // Writes `n` bytes of a counting pattern at byte position `pos` (unwrapped).
  std::vector<uint8_t> put(uint64_t pos, size_t n, uint8_t seed) {
    std::vector<uint8_t> bytes(n);
    std::iota(bytes.begin(), bytes.end(), seed);
    for (size_t i = 0; i < n; ++i) ring[(pos + i) % ring.size()] = bytes[i];
    return bytes;
  }
};

TEST(QueueTracker, AqlPacketsCountSixtyFourBytesPerWritePointerUnit) {
  FakeQueue q(kmd::QueueType::kComputeAql, 256);  // four packets
  QueueTracker tracker;
  tracker.add(7, q.args, true);
  auto first = q.put(0, 128, 1);
  q.wptr = 2;  // two packets; the doorbell would say 1
  auto d = tracker.take(7);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->write_pointer, 2u);
  EXPECT_EQ(d->ring_offset, 0u);
  EXPECT_EQ(std::vector<uint8_t>(d->bytes.begin(), d->bytes.end()), first);
  // Three more: the third packet of the batch wraps to the ring's start.
  auto second = q.put(128, 192, 9);
  q.wptr = 5;
  d = tracker.take(7);
  EXPECT_EQ(d->ring_offset, 128u);
  EXPECT_EQ(std::vector<uint8_t>(d->bytes.begin(), d->bytes.end()), second);
  EXPECT_FALSE(d->overrun);
}

TEST(QueueTracker, MoreThanARingSinceTheLastDoorbellKeepsTheLastRing) {
  FakeQueue q(kmd::QueueType::kSdma, 256);
  QueueTracker tracker;
  tracker.add(1, q.args, true);
  q.put(0, 300, 0);
  auto last = q.put(300, 256, 50);  // the ring now holds these
  q.wptr = 556;
  auto d = tracker.take(1);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->overrun);
  EXPECT_EQ(d->ring_offset, 300u % 256);
  EXPECT_EQ(std::vector<uint8_t>(d->bytes.begin(), d->bytes.end()), last);
}

TEST(QueueTracker, UnknownOrUnmappedQueues) {
  FakeQueue q(kmd::QueueType::kCompute, 256);
  QueueTracker tracker;
  EXPECT_FALSE(tracker.take(3).has_value());
  tracker.add(3, q.args, /*ring_readable=*/false);
  auto d = tracker.take(3);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->ring_unreadable);
  EXPECT_TRUE(d->bytes.empty());
  EXPECT_TRUE(tracker.covers(q.args.ring_base_address + 16, 64));
  EXPECT_TRUE(tracker.covers(q.args.write_pointer_address, 8));
  EXPECT_FALSE(tracker.covers(q.args.read_pointer_address, 8));
  tracker.remove(3);
  EXPECT_FALSE(tracker.covers(q.args.ring_base_address, 4));
}

}  // namespace
}  // namespace amdrr::capture

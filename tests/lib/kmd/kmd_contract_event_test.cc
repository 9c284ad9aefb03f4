// The Kmd contract, event calls.
#include <chrono>

#include "tests/lib/kmd/kmd_contract_fixture.h"

namespace amdrr::kmd::testing {
namespace {

class KmdEvents : public KmdContract {
 protected:
  void SetUp() override {
    KmdContract::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // The dGPU recipe: a 32 KiB GTT BO as the signal page.
    page_ = mapped_bo(0x8000, kGtt | af::kUncached | af::kCoherent, next_va(0x8000));
  }
  Result<CreateEventResult> create(EventType type, bool auto_reset, bool with_page = false) {
    return kmd_->create_event({with_page ? page_ : 0, type, auto_reset ? 1u : 0u, 0});
  }
  Result<WaitResult> wait(std::vector<EventData>& ev, bool all, uint32_t timeout_ms) {
    return kmd_->wait_events({ev, all ? 1u : 0u, timeout_ms});
  }
  uint64_t page_ = 0;
};

TEST_P(KmdEvents, SignalIdsAreLowestFreeFromZero) {
  auto e0 = create(EventType::kSignal, true, true);
  auto e1 = create(EventType::kSignal, true);
  auto e2 = create(EventType::kSignal, false);
  ASSERT_TRUE(e0.ok() && e1.ok() && e2.ok());
  EXPECT_EQ(e0->event_id, 0u);
  EXPECT_EQ(e1->event_id, 1u);
  EXPECT_EQ(e2->event_id, 2u);
  EXPECT_EQ(e1->event_slot_index, 1u);
  EXPECT_EQ(e1->event_trigger_data, 1u);
  EXPECT_EQ(e1->event_page_offset, mmap_offset::kTypeEvents);
  ASSERT_TRUE(kmd_->destroy_event(1).ok());
  EXPECT_EQ(create(EventType::kSignal, true)->event_id, 1u);
  auto mem = create(EventType::kMemory, false);
  ASSERT_TRUE(mem.ok());
  EXPECT_GE(mem->event_id, 0x80000000u);
}

TEST_P(KmdEvents, EventPageRules) {
  ASSERT_TRUE(create(EventType::kSignal, true, true).ok());
  std::string before = state();
  EXPECT_EQ(create(EventType::kSignal, true, true).error(), EINVAL);  // page already set
  EXPECT_EQ(unmap(page_, {gpu_}).ok(), true);
  EXPECT_EQ(kmd_->free_memory_of_gpu(page_).error(), EPERM);  // the signal BO stays
}

TEST_P(KmdEvents, SetResetOnlyOnSignalEvents) {
  auto mem = create(EventType::kMemory, false);
  auto hw = create(EventType::kHwException, false);
  ASSERT_TRUE(mem.ok() && hw.ok());
  std::string before = state();
  EXPECT_EQ(kmd_->set_event(mem->event_id).error(), EINVAL);
  EXPECT_EQ(kmd_->reset_event(hw->event_id).error(), EINVAL);
  EXPECT_EQ(kmd_->set_event(12345).error(), EINVAL);
  EXPECT_EQ(kmd_->destroy_event(12345).error(), EINVAL);
  EXPECT_EQ(state(), before);
}

TEST_P(KmdEvents, WaitOnUnknownEventIsEinval) {
  auto e = create(EventType::kSignal, false, true);
  ASSERT_TRUE(e.ok());
  std::vector<EventData> ev(2);
  ev[0].event_id = e->event_id;
  ev[1].event_id = 999;
  std::string before = state();
  EXPECT_EQ(wait(ev, false, 0).error(), EINVAL);
  EXPECT_EQ(state(), before);
}

TEST_P(KmdEvents, TimeoutAndPoll) {
  auto e = create(EventType::kSignal, true, true);
  ASSERT_TRUE(e.ok());
  std::vector<EventData> ev(1);
  ev[0].event_id = e->event_id;
  EXPECT_EQ(*wait(ev, false, 0), WaitResult::kTimeout);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(*wait(ev, false, 20), WaitResult::kTimeout);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(20));
}

TEST_P(KmdEvents, AutoResetIsConsumedByOneWait) {
  auto e = create(EventType::kSignal, true, true);
  ASSERT_TRUE(e.ok());
  std::vector<EventData> ev(1);
  ev[0].event_id = e->event_id;
  ASSERT_TRUE(kmd_->set_event(e->event_id).ok());
  EXPECT_EQ(*wait(ev, false, 0), WaitResult::kComplete);
  EXPECT_EQ(*wait(ev, false, 0), WaitResult::kTimeout);
}

TEST_P(KmdEvents, ManualResetStaysSignaledUntilReset) {
  auto e = create(EventType::kSignal, false, true);
  ASSERT_TRUE(e.ok());
  std::vector<EventData> ev(1);
  ev[0].event_id = e->event_id;
  ASSERT_TRUE(kmd_->set_event(e->event_id).ok());
  EXPECT_EQ(*wait(ev, false, 0), WaitResult::kComplete);
  EXPECT_EQ(*wait(ev, false, 0), WaitResult::kComplete);
  ASSERT_TRUE(kmd_->reset_event(e->event_id).ok());
  EXPECT_EQ(*wait(ev, false, 0), WaitResult::kTimeout);
}

TEST_P(KmdEvents, WaitAnyVersusAll) {
  auto a = create(EventType::kSignal, false, true);
  auto b = create(EventType::kSignal, false);
  ASSERT_TRUE(a.ok() && b.ok());
  std::vector<EventData> ev(2);
  ev[0].event_id = a->event_id;
  ev[1].event_id = b->event_id;
  ASSERT_TRUE(kmd_->set_event(a->event_id).ok());
  EXPECT_EQ(*wait(ev, false, 0), WaitResult::kComplete);
  EXPECT_EQ(*wait(ev, true, 0), WaitResult::kTimeout);
  ASSERT_TRUE(kmd_->set_event(b->event_id).ok());
  EXPECT_EQ(*wait(ev, true, 0), WaitResult::kComplete);
}

// last_event_age: a stale age completes at once and the current age comes back.
TEST_P(KmdEvents, LastEventAgeProtectsAgainstLostWakeups) {
  auto e = create(EventType::kSignal, true, true);
  ASSERT_TRUE(e.ok());
  std::vector<EventData> ev(1);
  ev[0].event_id = e->event_id;
  ev[0].last_event_age = 1;
  ASSERT_TRUE(kmd_->set_event(e->event_id).ok());
  ASSERT_EQ(*wait(ev, false, 0), WaitResult::kComplete);
  uint64_t age = ev[0].last_event_age;
  EXPECT_GT(age, 1u);
  EXPECT_EQ(*wait(ev, false, 0), WaitResult::kTimeout);  // same age: nothing new
  ev[0].last_event_age = age - 1;                        // we missed one
  EXPECT_EQ(*wait(ev, false, 0), WaitResult::kComplete);
}

INSTANTIATE_TEST_SUITE_P(Backends, KmdEvents, ::testing::ValuesIn(kmd_backends()),
                         [](const auto& p) { return p.param.name; });

}  // namespace
}  // namespace amdrr::kmd::testing

// AMDRR_BACKEND=kfd: replay through LinuxKfd, here over the fake-syscall
// kernel of the Kmd tests (raw ioctl structs decoded into SimKfd, with the
// emulated GPU's engines behind it). Also the gfx target check that only a
// real device needs.
#include <gtest/gtest.h>

#include <memory>

#include "lib/kmd/linux_kfd.h"
#include "lib/sim/engines/scheduler.h"
#include "lib/sim/isa/isa_dispatch_runner.h"
#include "replay/replay_trace.h"
#include "tests/lib/kmd/fake_kfd_syscalls.h"
#include "tests/replay/replay_fixture.h"

namespace amdrr::replay {
namespace {

struct FakeKernel {
  std::unique_ptr<kmd::testing::FakeKfdSyscalls> fake;
  std::unique_ptr<sim::isa::IsaDispatchRunner> runner;  // outlives the engines
  std::unique_ptr<sim::EngineScheduler> engines;
};

BackendFactory linux_kfd_over_fake(sim::SimTarget target) {
  return [target](schema::Header::Reader header,
                  std::string* error) -> std::unique_ptr<ReplayBackend> {
    auto kernel = std::make_shared<FakeKernel>();
    auto fake = kmd::testing::FakeKfdSyscalls::create({target, header.getGpus().size(), false});
    if (!fake.ok()) {
      *error = "cannot create the fake kernel";
      return nullptr;
    }
    kernel->fake = std::move(fake.value());
    kernel->engines = std::make_unique<sim::EngineScheduler>(kernel->fake->sim());
    kernel->runner = std::make_unique<sim::isa::IsaDispatchRunner>(kernel->fake->sim());
    kernel->engines->set_dispatch_runner(kernel->runner.get());
    auto kfd = kmd::LinuxKfd::open(*kernel->fake, kernel->fake->linux_kfd_options());
    if (!kfd.ok()) {
      *error = "LinuxKfd over the fake kernel: errno " + std::to_string(kfd.error());
      return nullptr;
    }
    sim::EngineScheduler* engines = kernel->engines.get();
    return std::make_unique<KmdBackend>(std::move(kfd.value()), engines, kernel);
  };
}

class ReplayKfd : public testing::ReplayTest {};

TEST_F(ReplayKfd, SamplesReplayThroughLinuxKfd) {
  for (auto [sample, args] : {std::pair{"hello", ""}, std::pair{"dispatch", "--elements 1024"}}) {
    ReplayTraceOptions options;
    options.backend_factory = linux_kfd_over_fake(sim::SimTarget::kGfx942);
    ReplayResult r = replay_trace(capture_sample(sample, args), options);
    EXPECT_EQ(r.verdict, Verdict::kSame) << sample << ": " << r.message << "\n" << r.details;
    EXPECT_GT(r.submissions, 0u) << sample;
  }
}

TEST_F(ReplayKfd, FaultReplaysAsAFault) {
  ReplayTraceOptions options;
  options.backend_factory = linux_kfd_over_fake(sim::SimTarget::kGfx942);
  ReplayResult r = replay_trace(capture_sample("fault_vm"), options);
  EXPECT_EQ(r.verdict, Verdict::kGpuFault) << r.message;
}

TEST_F(ReplayKfd, OtherGfxTargetNeedsForce) {
  const std::string trace = capture_sample("hello");
  ReplayTraceOptions options;
  options.backend_factory = linux_kfd_over_fake(sim::SimTarget::kGfx90a);
  ReplayResult r = replay_trace(trace, options);
  EXPECT_EQ(r.verdict, Verdict::kCannotReplay) << r.message;
  EXPECT_NE(r.message.find("gfx942 at capture, is gfx90a"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("--force"), std::string::npos) << r.message;
  options.force = true;
  r = replay_trace(trace, options);
  EXPECT_EQ(r.verdict, Verdict::kSame) << r.message;
}

}  // namespace
}  // namespace amdrr::replay

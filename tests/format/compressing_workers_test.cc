// The second compressing worker works only through backlogs: frames sealed
// one at a time (a submission-heavy program flushing at its waits) are all
// the first worker's, so on a 2-CPU machine it does not preempt the
// program; frames sealed faster than one worker compresses them (bulk
// data) are shared.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>

#include "format/frame_pipeline.h"

namespace amdrr::format {
namespace {

struct DevNull {
  int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  ~DevNull() { ::close(fd); }
};

// Compressible content: 16 random bits in each 8 bytes.
void fill_frame(FramePipeline& pipeline, uint64_t seed) {
  uint8_t* data = pipeline.fill_data();
  const size_t size = pipeline.capacity();
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < size; i += 8) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const uint64_t v = x & 0xFFFF;
    std::memcpy(data + i, &v, 8);
  }
  pipeline.commit(size);
}

PipelineOptions two_workers() {
  PipelineOptions options;
  options.slot_bytes = 256u << 10;
  options.slots = 4;
  options.workers = 2;
  // Compressing a frame then takes far longer than filling one (~100x), so
  // frames sealed back to back always queue up behind the first worker.
  options.zstd_level = 15;
  return options;
}

TEST(CompressingWorkers, FramesSealedOneAtATimeAreTheFirstWorkers) {
  DevNull out;
  FramePipeline pipeline(out.fd, 0, two_workers());
  for (int i = 0; i < 6; ++i) {
    fill_frame(pipeline, static_cast<uint64_t>(i));
    pipeline.wait_written(pipeline.seal(FrameMeta{}));
  }
  pipeline.finish();
  EXPECT_EQ(pipeline.frames().size(), 6u);
  EXPECT_EQ(pipeline.backlog_frames(), 0u);
}

TEST(CompressingWorkers, ABacklogIsShared) {
  DevNull out;
  FramePipeline pipeline(out.fd, 0, two_workers());
  // Filling a frame is a fraction of compressing it: sealed back to back,
  // they queue up behind the first worker.
  for (int i = 0; i < 8; ++i) {
    fill_frame(pipeline, static_cast<uint64_t>(i));
    pipeline.seal(FrameMeta{});
  }
  pipeline.finish();
  EXPECT_EQ(pipeline.frames().size(), 8u);
  EXPECT_GT(pipeline.backlog_frames(), 0u);
  EXPECT_TRUE(pipeline.error().empty()) << pipeline.error();
}

}  // namespace
}  // namespace amdrr::format

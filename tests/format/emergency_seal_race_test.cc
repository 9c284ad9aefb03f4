// The signal path's emergency flush and the writer's own threads: once the
// handler has taken a frame, a seal from another thread (the capture's timer
// flushing) must not hand that frame to a compressing worker too. It did:
// the worker wrote its copy of the frame beside the handler's raw one and
// then zeroed the slot under it, leaving a frame that failed its checksum
// (seen once in kill_torture: "Restored data doesn't match checksum").
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <zstd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "format/frame_pipeline.h"
#include "format/zstd_frames.h"

namespace amdrr::format {
namespace {

TEST(EmergencyFlush, FrameTakenBySignalPathIsNotSealedToAWorker) {
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
  const int capacity = fcntl(pipe_fds[1], F_GETPIPE_SZ);
  ASSERT_GT(capacity, 0);

  // Pending bytes worth several pipe buffers: the handler's write blocks
  // part-way until the test reads, so the seal lands in the middle of it.
  const size_t size = static_cast<size_t>(capacity) * 4;
  PipelineOptions options;
  options.slot_bytes = size * 2;
  options.workers = 1;
  std::vector<uint8_t> pending(size);
  std::vector<uint8_t> received;
  {
    FramePipeline pipeline(pipe_fds[1], 0, options);
    for (size_t i = 0; i < size; ++i) pending[i] = static_cast<uint8_t>(i % 251);
    std::copy(pending.begin(), pending.end(), pipeline.fill_data());
    pipeline.commit(size);

    std::thread handler([&] { pipeline.emergency_flush(); });
    // Wait until the handler's write fills the pipe (it is then blocked; a
    // pipe's pages are not always filled to the last byte).
    for (int waited = 0;; ++waited) {
      int queued = 0;
      if (ioctl(pipe_fds[0], FIONREAD, &queued) != 0 || waited == 10000) {
        ADD_FAILURE() << "the emergency flush never filled the pipe";  // threads still end below
        break;
      }
      if (queued >= capacity / 2) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    // The timer thread's flush, while the handler is still writing.
    std::thread timer([&] { pipeline.seal(FrameMeta{}); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a worker would take it now

    std::thread reader([&] {
      uint8_t buffer[65536];
      ssize_t n;
      while ((n = read(pipe_fds[0], buffer, sizeof(buffer))) > 0) {
        received.insert(received.end(), buffer, buffer + n);
      }
    });
    handler.join();
    timer.join();
    pipeline.finish();
    close(pipe_fds[1]);
    reader.join();
  }
  close(pipe_fds[0]);

  // One raw frame holding exactly the pending bytes, and nothing else.
  ASSERT_EQ(received.size(), raw_frame_bytes(size));
  std::vector<uint8_t> decoded(size);
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  size_t n =
      ZSTD_decompressDCtx(dctx, decoded.data(), decoded.size(), received.data(), received.size());
  ZSTD_freeDCtx(dctx);
  ASSERT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
  EXPECT_EQ(decoded, pending);
}

}  // namespace
}  // namespace amdrr::format

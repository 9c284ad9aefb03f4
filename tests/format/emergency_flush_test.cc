// A process that dies on a fatal signal still leaves every record it wrote:
// the handler writes pending bytes as raw zstd frames with write(2) alone.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "format/trace_reader.h"
#include "format/trace_writer.h"
#include "tests/support/temp_dir.h"

namespace amdrr {
namespace {

format::TraceWriter* g_writer = nullptr;

void on_fatal_signal(int sig) {
  g_writer->emergency_flush();
  signal(sig, SIG_DFL);
  raise(sig);
}

// Child: writes `records` doorbells into small or large frames, then aborts.
[[noreturn]] void write_and_crash(const std::string& path, int records, size_t frame_bytes) {
  std::string error;
  format::WriterOptions options;
  options.frame_bytes = frame_bytes;
  auto writer = format::TraceWriter::create(path, nullptr, &error, options);
  if (!writer) _exit(3);
  g_writer = writer.get();
  signal(SIGABRT, on_fatal_signal);
  for (int i = 0; i < records; ++i) {
    writer->write(
        [&](schema::Record::Builder r) { r.initDoorbell().setValue(static_cast<uint64_t>(i)); });
  }
  abort();
}

void crash_and_check(int records, size_t frame_bytes) {
  testing::TempDir dir;
  std::string path = dir.file("crash.amdrr");
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) write_and_crash(path, records, frame_bytes);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child should die of SIGABRT, status " << status;
  EXPECT_EQ(WTERMSIG(status), SIGABRT);

  std::string error;
  auto reader = format::TraceReader::open(path, &error);
  ASSERT_NE(reader, nullptr) << error;
  uint64_t next_value = 0;
  while (auto v = reader->next()) {
    if (v->record.which() == schema::Record::DOORBELL) {
      ASSERT_EQ(v->record.getDoorbell().getValue(), next_value++);
    }
  }
  EXPECT_EQ(next_value, static_cast<uint64_t>(records)) << reader->end_message();
  EXPECT_EQ(reader->end(), format::TraceEnd::kCutShort);
  EXPECT_NE(reader->end_message().find("without an end record"), std::string::npos)
      << reader->end_message();
}

TEST(EmergencyFlush, PendingFrameSurvivesAbort) {
  crash_and_check(1000, 1u << 20);
}

TEST(EmergencyFlush, SealedAndPendingFramesSurviveAbortInOrder) {
  crash_and_check(20000, 2048);
}

}  // namespace
}  // namespace amdrr

// A program whose own SIGSEGV handler, installed after capture's, chains to
// it and then recovers (siglongjmp): capture's handler saves the trace (an
// emergency flush), and the process goes on capturing. Before, the writer
// blocked for good a few frames after the flush.
#include <gtest/gtest.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "capture/capture_session.h"
#include "format/trace_reader.h"
#include "lib/sim/sim_kfd.h"
#include "tests/support/temp_dir.h"

// The handler chain must end at the default disposition, as in a program
// without sanitizers: ASan's own SIGSEGV handler would report and exit.
extern "C" const char* __asan_default_options() {
  return "handle_segv=0";
}

namespace amdrr::capture {
namespace {

constexpr int kBefore = 100;
constexpr int kAfter = 2000;  // many 4 KiB frames after the flush

struct sigaction g_capture_handler;
sigjmp_buf g_recover;

// The program's handler: calls the one it replaced (capture's), then recovers.
void program_handler(int sig, siginfo_t* info, void* context) {
  g_capture_handler.sa_sigaction(sig, info, context);
  siglongjmp(g_recover, 1);
}

[[noreturn]] void capture_crash_and_recover(const std::string& path) {
  auto sim = std::move(sim::SimKfd::create()).value();
  CaptureOptions options;
  options.path = path;
  options.backend = schema::Backend::SIM;
  options.sim_profile = "gfx942";
  options.writer.frame_bytes = 4096;
  std::string error;
  auto session = CaptureSession::start(*sim, options, &error);
  if (!session) _exit(3);
  for (int i = 0; i < kBefore; ++i) session->kmd().annotate("before", std::to_string(i));

  struct sigaction action = {};
  action.sa_sigaction = program_handler;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  if (sigaction(SIGSEGV, &action, &g_capture_handler) != 0) _exit(4);
  void* page = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) _exit(5);
  if (sigsetjmp(g_recover, 1) == 0) {
    *static_cast<volatile int*>(page) = 1;  // a store fault: SIGSEGV
    _exit(6);                               // not reached
  }
  for (int i = 0; i < kAfter; ++i) session->kmd().annotate("after", std::to_string(i));
  _exit(session->close() ? 0 : 7);
}

TEST(CrashSurvival, ProgramHandlerChainedAfterCapturesRecoversAndCaptureGoesOn) {
  amdrr::testing::TempDir dir;
  const std::string path = dir.file("survivor.amdrr");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) capture_crash_and_recover(path);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      FAIL() << "the capture blocked after the fatal-signal flush";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;

  std::string error;
  auto reader = format::TraceReader::open(path, &error);
  ASSERT_NE(reader, nullptr) << error;
  EXPECT_TRUE(reader->has_index());
  int before = 0, after = 0;
  while (auto v = reader->next()) {
    if (v->record.which() != schema::Record::ANNOTATION) continue;
    const auto a = v->record.getAnnotation();
    const std::string label = a.getLabel();
    const std::string detail = a.getDetail();
    if (label == "before") {
      EXPECT_EQ(after, 0);
      EXPECT_EQ(detail, std::to_string(before++));
    } else if (label == "after") {
      EXPECT_EQ(detail, std::to_string(after++));
    }
  }
  EXPECT_EQ(reader->end(), format::TraceEnd::kClean) << reader->end_message();
  EXPECT_EQ(before, kBefore);
  EXPECT_EQ(after, kAfter);
}

}  // namespace
}  // namespace amdrr::capture

// A fatal signal on the thread compressing a frame: the emergency flush must
// not wait for that frame (its own thread cannot finish it while the handler
// runs); it stopped only after its 2 s timeout. The trace is cut short before
// that frame, and a process that survives still writes the whole trace.
//
// Made deterministic with a FIFO the test reads only when it wants to: the
// worker writing a large frame blocks in writev, and the signal goes to that
// thread (found by the system call it is in).
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "format/trace_reader.h"
#include "format/trace_writer.h"
#include "tests/format/trace_fixtures.h"
#include "tests/support/temp_dir.h"

namespace amdrr {
namespace {

format::TraceWriter* g_writer = nullptr;
std::atomic<bool> g_flush_result{true};
std::atomic<uint64_t> g_flush_ns{0};
std::atomic<bool> g_handled{false};

uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// What capture's handler does on a fatal signal, timed.
void on_signal(int) {
  const uint64_t start = monotonic_ns();
  g_flush_result.store(g_writer->emergency_flush());
  g_flush_ns.store(monotonic_ns() - start);
  g_handled.store(true);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  return text;
}

// Another thread of this process in write or writev (the writer's worker:
// nothing else here writes), or 0.
pid_t worker_in_write() {
  DIR* tasks = opendir("/proc/self/task");
  if (tasks == nullptr) return 0;
  pid_t found = 0;
  while (dirent* e = readdir(tasks)) {
    if (e->d_name[0] == '.') continue;
    const std::string task = std::string("/proc/self/task/") + e->d_name;
    if (std::stol(e->d_name) == gettid()) continue;
    const std::string call = read_text(task + "/syscall");
    const std::string number = call.substr(0, call.find(' '));
    if (number == std::to_string(SYS_write) || number == std::to_string(SYS_writev)) {
      found = static_cast<pid_t>(std::stol(e->d_name));
    }
  }
  closedir(tasks);
  return found;
}

// Appends what the FIFO holds now (not what a writer adds meanwhile).
void take_available(int fd, std::vector<uint8_t>* out) {
  int available = 0;
  ASSERT_EQ(ioctl(fd, FIONREAD, &available), 0);
  const size_t at = out->size();
  out->resize(at + static_cast<size_t>(available));
  size_t got = 0;
  while (got < static_cast<size_t>(available)) {
    ssize_t n = read(fd, out->data() + at + got, static_cast<size_t>(available) - got);
    ASSERT_GT(n, 0);
    got += static_cast<size_t>(n);
  }
}

struct Outcome {
  uint64_t doorbells = 0;
  format::TraceEnd end = format::TraceEnd::kReading;
  std::string message;
};

Outcome read_back(const std::string& path) {
  Outcome out;
  std::string error;
  auto reader = format::TraceReader::open(path, &error);
  EXPECT_NE(reader, nullptr) << error;
  if (!reader) return out;
  while (auto v = reader->next()) {
    if (v->record.which() != schema::Record::DOORBELL) continue;
    EXPECT_EQ(v->record.getDoorbell().getValue(), out.doorbells) << "record " << v->number;
    ++out.doorbells;
  }
  out.end = reader->end();
  out.message = reader->end_message();
  return out;
}

TEST(EmergencyFlush, SignalOnTheCompressingWorkerStopsWithoutWaiting) {
  amdrr::testing::TempDir dir;
  const std::string fifo = dir.file("trace.fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const int in = open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(in, 0);
  std::string error;
  format::WriterOptions options;
  options.frame_bytes = 64 * 1024;
  auto writer = format::TraceWriter::create(fifo, nullptr, &error, options);
  ASSERT_NE(writer, nullptr) << error;
  g_writer = writer.get();
  struct sigaction action = {};
  action.sa_handler = on_signal;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  struct sigaction previous = {};
  ASSERT_EQ(sigaction(SIGUSR1, &action, &previous), 0);

  // Frame 1: 100 doorbells, written whole (the FIFO holds them).
  for (uint64_t i = 0; i < 100; ++i) {
    writer->write([&](schema::Record::Builder r) { r.initDoorbell().setValue(i); });
  }
  writer->flush();
  std::vector<uint8_t> file;
  take_available(in, &file);
  // Frame 2: a blob of noise far larger than the FIFO: its worker blocks
  // writing it. Then doorbells in the next frame.
  std::vector<uint8_t> noise(1u << 20);
  std::mt19937_64 random(7);
  for (auto& b : noise) b = static_cast<uint8_t>(random());
  writer->put_blob(noise);
  for (uint64_t i = 100; i < 150; ++i) {
    writer->write([&](schema::Record::Builder r) { r.initDoorbell().setValue(i); });
  }
  pid_t worker = 0;
  for (int waited = 0; worker == 0 && waited < 10000; ++waited) {
    worker = worker_in_write();
    if (worker == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_NE(worker, 0) << "no compressing worker blocked writing the large frame";

  ASSERT_EQ(syscall(SYS_tgkill, getpid(), worker, SIGUSR1), 0);
  for (int waited = 0; !g_handled.load() && waited < 10000; ++waited) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(g_handled.load()) << "the handler did not run";
  EXPECT_FALSE(g_flush_result.load()) << "the flush should stop at the frame being compressed";
  EXPECT_LT(g_flush_ns.load(), 1'000'000'000u) << "the flush waited for its own thread";

  // The trace as a process dying there would leave it: cut short after
  // frame 1, inside frame 2.
  take_available(in, &file);
  const std::string cut = dir.file("cut.amdrr");
  amdrr::testing::write_file(cut, file);
  const Outcome dying = read_back(cut);
  EXPECT_EQ(dying.doorbells, 100u);
  EXPECT_EQ(dying.end, format::TraceEnd::kCutShort) << dying.message;

  // The process survives: the worker finishes, and the trace is whole.
  ASSERT_EQ(fcntl(in, F_SETFL, 0), 0);
  std::thread drain([&] {
    uint8_t buffer[65536];
    ssize_t n;
    while ((n = read(in, buffer, sizeof(buffer))) > 0) file.insert(file.end(), buffer, buffer + n);
  });
  EXPECT_TRUE(writer->close()) << writer->error();
  drain.join();
  close(in);
  sigaction(SIGUSR1, &previous, nullptr);
  const std::string whole = dir.file("whole.amdrr");
  amdrr::testing::write_file(whole, file);
  const Outcome survived = read_back(whole);
  EXPECT_EQ(survived.doorbells, 150u);
  EXPECT_EQ(survived.end, format::TraceEnd::kClean) << survived.message;
}

}  // namespace
}  // namespace amdrr

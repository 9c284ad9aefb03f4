// Capture of whole processes through AMDRR_CAPTURE and `amdrr capture`:
// samples, crashes and kills at several points, a forking program, two
// processes capturing at once.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/capture/trace_records.h"
#include "tests/support/temp_dir.h"

namespace amdrr::capture {
namespace {

using testing::read_trace;

struct Outcome {
  int status = 0;  // raw waitpid status
  std::string out, err;
};

// Runs argv with `env` added (NAME=VALUE), capturing stdout and stderr.
Outcome run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                    const std::string& dir) {
  std::string out_path = dir + "/stdout", err_path = dir + "/stderr";
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(out_path.c_str(), "w", stdout)) _exit(126);
    if (!freopen(err_path.c_str(), "w", stderr)) _exit(126);
    setenv("AMDRR_BACKEND", "sim", 1);
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  Outcome r;
  waitpid(pid, &r.status, 0);
  auto slurp = [](const std::string& p) {
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  };
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

const std::string kVictim = AMDRR_VICTIM;
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif
const std::string kBuild = AMDRR_BUILD_DIR;

size_t annotations(const testing::Trace& t, const std::string& label) {
  size_t n = 0;
  for (const auto& r : t.records) n += r.kind == schema::Record::ANNOTATION && r.label == label;
  return n;
}

TEST(CaptureProcess, HelloSampleCapturesAndInfoCountsTheSubmission) {
  amdrr::testing::TempDir dir;
  const std::string trace = dir.file("hello.amdrr");
  Outcome r = run_program({kBuild + "/samples/hello"}, {"AMDRR_CAPTURE=" + trace}, dir.path());
  ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) << r.err;
  auto t = read_trace(trace);
  EXPECT_EQ(t.end, format::TraceEnd::kClean);
  EXPECT_EQ(t.doorbells, 1u);  // hello submits once
  EXPECT_EQ(t.gfx_target, "gfx942");
  Outcome info = run_program({kBuild + "/cli/amdrr", "info", trace}, {}, dir.path());
  EXPECT_EQ(WEXITSTATUS(info.status), 0);
  EXPECT_NE(info.out.find("doorbell             1"), std::string::npos) << info.out;
}

TEST(CaptureProcess, AmdrrCaptureRunsSdmaStressAndSummarises) {
  amdrr::testing::TempDir dir;
  const std::string trace = dir.file("stress.amdrr");
  Outcome r =
      run_program({kBuild + "/cli/amdrr", "capture", "-o", trace, "--",
                   kBuild + "/samples/sdma_stress", "--max-size", "64K", "--iterations", "2"},
                  {}, dir.path());
  ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) << r.err << r.out;
  EXPECT_NE(r.out.find("every destination verified"), std::string::npos);
  EXPECT_NE(r.out.find("doorbells/submissions"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("status      complete"), std::string::npos) << r.out;
  auto t = read_trace(trace);
  EXPECT_EQ(t.end, format::TraceEnd::kClean);
  EXPECT_GT(t.doorbells, 0u);
  // Every submission waited on: one satisfied CPU wait per doorbell at least.
  size_t cpu_waits = 0;
  for (const auto& rec : t.records) {
    cpu_waits +=
        rec.kind == schema::Record::WAIT_RESULT && rec.wait_kind == schema::WaitKind::CPU_POLL;
  }
  EXPECT_GE(cpu_waits, 1u);
}

// --light leaves out what the packets wrote, and nothing else.
TEST(CaptureProcess, LightCaptureHasNoPacketObservations) {
  amdrr::testing::TempDir dir;
  auto packet_observations = [](const testing::Trace& t) {
    size_t n = 0;
    for (const auto& rec : t.records) {
      n += rec.kind == schema::Record::OBSERVED &&
           rec.reason == schema::ObservedReason::PACKET_TARGET;
    }
    return n;
  };
  const std::vector<std::string> program = {kBuild + "/samples/sdma_stress", "--max-size", "4K",
                                            "--iterations", "1"};
  std::vector<testing::Trace> traces;
  for (bool light : {false, true}) {
    const std::string trace = dir.file(light ? "light.amdrr" : "full.amdrr");
    std::vector<std::string> argv = {kBuild + "/cli/amdrr", "capture", "-q", "-o", trace};
    if (light) argv.push_back("--light");
    argv.push_back("--");
    argv.insert(argv.end(), program.begin(), program.end());
    Outcome r = run_program(argv, {}, dir.path());
    ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) << r.err << r.out;
    traces.push_back(read_trace(trace));
  }
  EXPECT_GT(packet_observations(traces[0]), 0u);
  EXPECT_EQ(packet_observations(traces[1]), 0u);
  EXPECT_EQ(traces[1].doorbells, traces[0].doorbells);
  EXPECT_EQ(traces[1].count(schema::Record::WAIT_RESULT),
            traces[0].count(schema::Record::WAIT_RESULT));
}

// The failing samples leave the failure in their traces, so replay can tell
// a hang (fault_hang) and a VM fault (fault_vm) from a clean run.
TEST(CaptureProcess, FailingSamplesRecordTheirGpuErrors) {
  amdrr::testing::TempDir dir;
  const std::pair<const char*, schema::GpuErrorKind> samples[] = {
      {"fault_hang", schema::GpuErrorKind::HANG}, {"fault_vm", schema::GpuErrorKind::VM_FAULT}};
  for (const auto& [name, kind] : samples) {
    const std::string trace = dir.file(std::string(name).append(".amdrr"));
    Outcome r = run_program({kBuild + "/samples/" + name}, {"AMDRR_CAPTURE=" + trace}, dir.path());
    ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1) << name << ": " << r.err;
    auto t = read_trace(trace);
    EXPECT_EQ(t.end, format::TraceEnd::kClean) << name;
    ASSERT_EQ(t.count(schema::Record::GPU_ERROR), 1u) << name;
    for (const auto& rec : t.records) {
      if (rec.kind != schema::Record::GPU_ERROR) continue;
      EXPECT_EQ(rec.error_kind, kind) << name;
      EXPECT_NE(rec.gpu_id, 0u) << name;
      EXPECT_NE(rec.va, 0u) << name << ": the faulting or stopped packet's address";
    }
  }
}

TEST(CaptureProcess, ExitStatusIsForwarded) {
  amdrr::testing::TempDir dir;
  const std::string trace = dir.file("fault.amdrr");
  Outcome r = run_program(
      {kBuild + "/cli/amdrr", "capture", "-q", "-o", trace, "--", kBuild + "/samples/fault_vm"}, {},
      dir.path());
  ASSERT_TRUE(WIFEXITED(r.status));
  EXPECT_EQ(WEXITSTATUS(r.status), 1);
  auto t = read_trace(trace);
  EXPECT_EQ(t.end, format::TraceEnd::kClean);
  // The VM fault the sample provokes is in the trace.
  EXPECT_GE(t.count(schema::Record::GPU_ERROR), 1u);
}

// Killed at several points: the trace reads back (cut short) with every
// submission up to the last flush.
void check_killed(const std::string& end, int signal, int submissions, bool exact) {
  amdrr::testing::TempDir dir;
  const std::string trace = dir.file(end + ".amdrr");
  Outcome r = run_program({kVictim, "--submissions", std::to_string(submissions), "--end", end},
                          {"AMDRR_CAPTURE=" + trace, "AMDRR_CAPTURE_FLUSH_MS=50"}, dir.path());
  if (signal == SIGSEGV && kAddressSanitizer) {
    // ASan's SIGSEGV handler (installed before capture's, chained to) reports
    // the fault and exits with its exit code; capture saves the trace first.
    ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) != 0) << end << ": " << r.err;
    EXPECT_NE(r.err.find("AddressSanitizer: SEGV"), std::string::npos) << r.err;
  } else {
    ASSERT_TRUE(WIFSIGNALED(r.status)) << end << ": " << r.err;
    EXPECT_EQ(WTERMSIG(r.status), signal);
  }
  auto t = read_trace(trace);
  EXPECT_EQ(t.end, format::TraceEnd::kCutShort) << end;
  EXPECT_EQ(annotations(t, "victim"), 1u);
  if (exact) {
    EXPECT_EQ(t.doorbells, static_cast<uint64_t>(submissions)) << end;
  } else {
    EXPECT_GE(t.doorbells, 1u) << end;
    EXPECT_LE(t.doorbells, static_cast<uint64_t>(submissions)) << end;
  }
}

TEST(CaptureProcess, SigsegvLeavesEveryRecord) {
  check_killed("segv", SIGSEGV, 5, true);
  check_killed("segv", SIGSEGV, 40, true);
}
TEST(CaptureProcess, FaultSavesRecordsNoFlushHadWritten) {
  // No submission and no timer flush before the fault: the annotation and
  // the driver's calls reach the trace only through the crash handler,
  // which must run before a sanitizer's handler ends the process.
  amdrr::testing::TempDir dir;
  const std::string trace = dir.file("segv-unflushed.amdrr");
  Outcome r = run_program({kVictim, "--submissions", "0", "--end", "segv"},
                          {"AMDRR_CAPTURE=" + trace, "AMDRR_CAPTURE_FLUSH_MS=3600000"}, dir.path());
  if (kAddressSanitizer) {
    ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) != 0) << r.err;
    EXPECT_NE(r.err.find("AddressSanitizer: SEGV"), std::string::npos) << r.err;
  } else {
    ASSERT_TRUE(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGSEGV) << r.err;
  }
  auto t = read_trace(trace);
  EXPECT_EQ(t.end, format::TraceEnd::kCutShort);
  EXPECT_EQ(annotations(t, "victim"), 1u);
}

TEST(CaptureProcess, SigtermLeavesEveryRecord) {
  check_killed("term", SIGTERM, 1, true);
  check_killed("term", SIGTERM, 30, true);
}
TEST(CaptureProcess, AbortLeavesEveryRecord) {
  check_killed("abort", SIGABRT, 7, true);
}
TEST(CaptureProcess, SigkillLeavesEveryRecordUpToTheLastFlush) {
  // The victim sleeps past a timer flush before SIGKILL: everything is in.
  check_killed("kill", SIGKILL, 3, true);
  check_killed("kill", SIGKILL, 25, true);
}

TEST(CaptureProcess, ForkedChildIsNotCapturedAndSaysSoOnce) {
  amdrr::testing::TempDir dir;
  const std::string trace = dir.file("fork.amdrr");
  Outcome r = run_program({kVictim, "--submissions", "3", "--end", "fork"},
                          {"AMDRR_CAPTURE=" + trace}, dir.path());
  ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) << r.err;
  auto t = read_trace(trace);
  EXPECT_EQ(t.end, format::TraceEnd::kClean);
  EXPECT_EQ(annotations(t, "child"), 0u);
  EXPECT_EQ(annotations(t, "parent"), 1u);
  EXPECT_EQ(t.doorbells, 3u);
  size_t notices = 0;
  for (size_t at = r.err.find("is not captured"); at != std::string::npos;
       at = r.err.find("is not captured", at + 1)) {
    ++notices;
  }
  EXPECT_EQ(notices, 1u) << r.err;
}

TEST(CaptureProcess, CrashingForkChildLeavesTheParentsTraceAlone) {
  // The child inherits the writer's unflushed frame and the trace's file
  // offset; if its crash handler wrote that frame, the parent's trace would
  // hold it twice and index its later frames at the wrong offsets.
  amdrr::testing::TempDir dir;
  const std::string trace = dir.file("fork-abort.amdrr");
  Outcome r = run_program({kVictim, "--submissions", "3", "--end", "fork-abort"},
                          {"AMDRR_CAPTURE=" + trace}, dir.path());
  ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) << r.err;
  auto t = read_trace(trace);
  EXPECT_EQ(t.end, format::TraceEnd::kClean);
  EXPECT_EQ(annotations(t, "parent"), 2u);
  EXPECT_EQ(annotations(t, "victim"), 1u);
  EXPECT_EQ(t.doorbells, 3u);
}

TEST(CaptureProcess, TwoProcessesCaptureAtOnceWithPidInThePath) {
  amdrr::testing::TempDir dir;
  const std::string pattern = dir.file("two-%p.amdrr");
  pid_t pids[2];
  for (pid_t& pid : pids) {
    pid = fork();
    if (pid == 0) {
      setenv("AMDRR_BACKEND", "sim", 1);
      setenv("AMDRR_CAPTURE", pattern.c_str(), 1);
      if (!freopen("/dev/null", "w", stdout)) _exit(126);
      execl(kVictim.c_str(), kVictim.c_str(), "--submissions", "20", nullptr);
      _exit(127);
    }
  }
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    auto t = read_trace(dir.file("two-" + std::to_string(pid) + ".amdrr"));
    EXPECT_EQ(t.end, format::TraceEnd::kClean);
    EXPECT_EQ(t.doorbells, 20u);
  }
}

TEST(CaptureProcess, ReadSyscallIntoProtectedBoIsRecorded) {
  // The kernel does not fault on a protected page for a syscall (EFAULT):
  // read(2) is interposed, unprotects the pages and records what it wrote.
  amdrr::testing::TempDir dir;
  const std::string trace = dir.file("read.amdrr");
  Outcome r = run_program({kVictim, "--submissions", "1", "--end", "read"},
                          {"AMDRR_CAPTURE=" + trace}, dir.path());
  ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) << r.err;
  EXPECT_NE(r.out.find("read returned 16 (ok)"), std::string::npos) << r.out;
  auto t = read_trace(trace);
  size_t syscalls = 0;
  for (const auto& rec : t.records) {
    if (rec.kind != schema::Record::MEM_WRITE || rec.source != schema::WriteSource::SYSCALL) {
      continue;
    }
    ++syscalls;
    ASSERT_EQ(rec.content.size(), 16u);
    EXPECT_EQ(std::string(rec.content.begin(), rec.content.end()), kVictim.substr(0, 16));
  }
  EXPECT_EQ(syscalls, 1u);
}

TEST(CaptureProcess, VectoredAndSocketReadsIntoProtectedBoAreRecorded) {
  amdrr::testing::TempDir dir;
  const std::string trace = dir.file("vectored.amdrr");
  Outcome r = run_program({kVictim, "--submissions", "1", "--end", "vectored"},
                          {"AMDRR_CAPTURE=" + trace}, dir.path());
  ASSERT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) << r.err;
  for (const char* line : {"readv returned 16", "pread64 returned 16", "recvfrom returned 16",
                           "recvmsg returned 16"}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << line << " in " << r.out;
  }
  auto t = read_trace(trace);
  std::map<uint64_t, std::string> written;  // by offset from the first
  uint64_t base = UINT64_MAX;
  for (const auto& rec : t.records) {
    if (rec.kind == schema::Record::MEM_WRITE && rec.source == schema::WriteSource::SYSCALL) {
      base = std::min(base, rec.va);
    }
  }
  for (const auto& rec : t.records) {
    if (rec.kind == schema::Record::MEM_WRITE && rec.source == schema::WriteSource::SYSCALL) {
      written[rec.va - base] = std::string(rec.content.begin(), rec.content.end());
    }
  }
  const std::map<uint64_t, std::string> expected = {{0, kVictim.substr(0, 8)},
                                                    {8192, kVictim.substr(8, 8)},
                                                    {16384, kVictim.substr(0, 16)},
                                                    {24576, "0123456789abcdef"},
                                                    {32768, "0123456789abcdef"}};
  EXPECT_EQ(written, expected);
}

}  // namespace
}  // namespace amdrr::capture

// `amdrr replay` as a process: the exit code is the verdict (0 same,
// 1 diverged, 2 GPU fault, 3 hang, 125 cannot replay), --help documents
// them, the flags reach the replay, and no progress bar when stderr is
// not a terminal.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "format/trace_reader.h"
#include "replay/address_space.h"
#include "replay/aslr.h"
#include "replay/trace_scan.h"

namespace amdrr::cli {
namespace {

namespace fs = std::filesystem;

struct CommandRun {
  int code = -1;
  std::string out;
};

CommandRun run(const std::string& command) {
  CommandRun r;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class ReplayCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("amdrr_replay_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string capture(const std::string& sample) {
    const std::string trace = (dir_ / (sample + ".amdrr")).string();
    run("env AMDRR_BACKEND=sim AMDRR_CAPTURE=" + trace + " " AMDRR_SAMPLES_DIR "/" + sample);
    EXPECT_TRUE(fs::exists(trace));
    return trace;
  }
  fs::path dir_;
};

const std::string kReplay = std::string(AMDRR_BIN) + " replay ";

TEST_F(ReplayCommand, HelpDocumentsExitCodesAndFlags) {
  CommandRun r = run(kReplay + "--help");
  EXPECT_EQ(r.code, 0);
  for (const char* needle : {"125", "0    replayed and matched", "3    hang", "reboot-driven",
                             "--serialize", "--seed", "--until", "--from-label", "--repeat",
                             "--timeout", "--force", "--max-alloc", "--max-seconds"}) {
    EXPECT_NE(r.out.find(needle), std::string::npos) << needle << "\n" << r.out;
  }
}

TEST_F(ReplayCommand, ExitCodesAreTheVerdict) {
  const std::string hello = capture("hello");
  CommandRun same = run(kReplay + hello);
  EXPECT_EQ(same.code, 0) << same.out;
  EXPECT_NE(same.out.find("replay: same"), std::string::npos) << same.out;
  EXPECT_EQ(same.out.find('\r'), std::string::npos) << "a progress bar on a pipe";

  CommandRun until = run(kReplay + hello + " --until 0 --serialize --seed 3");
  EXPECT_EQ(until.code, 0) << until.out;
  EXPECT_NE(until.out.find("1 submissions"), std::string::npos) << until.out;

  CommandRun fault = run(kReplay + capture("fault_vm") + " --repeat 2");
  EXPECT_EQ(fault.code, 2) << fault.out;
  EXPECT_NE(fault.out.find("2 of 2 replays failed"), std::string::npos) << fault.out;

  CommandRun limit = run(kReplay + hello + " --max-alloc 4096");
  EXPECT_EQ(limit.code, 125) << limit.out;
  EXPECT_NE(limit.out.find("--max-alloc"), std::string::npos) << limit.out;

  CommandRun missing = run(kReplay + (dir_ / "none.amdrr").string());
  EXPECT_EQ(missing.code, 125) << missing.out;
}

// A recorded range already taken in this process is a collision (the
// command then re-executes without address-space randomisation).
TEST_F(ReplayCommand, TakenRangeIsACollision) {
  const uint64_t va = 0x310000000000;
  void* p = ::mmap(reinterpret_cast<void*>(va), 4096, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  ASSERT_EQ(p, reinterpret_cast<void*>(va));
  replay::AddressSpace space;
  std::string error;
  EXPECT_FALSE(space.reserve({{va, 4096}}, {{va - 0x100000, 0x200000}}, &error));
  EXPECT_TRUE(space.collided());
  EXPECT_NE(error.find("0x310000000000"), std::string::npos) << error;
  ::munmap(p, 4096);
  replay::AddressSpace outside;
  EXPECT_FALSE(outside.reserve({{va, 4096}}, {{0x1000, 0x1000}}, &error));
  EXPECT_FALSE(outside.collided());
}

// End to end: a recorded range taken in the replayer only because of where
// randomisation put something (simulated: AMDRR_TEST_TAKE_WHILE_RANDOMISED
// takes a page there while randomisation is on) makes `amdrr replay` say so
// and execute itself again without randomisation, with the same arguments;
// that run replays. --no-reexec stops at the collision instead.
TEST_F(ReplayCommand, ACollisionRunsAgainWithoutRandomisation) {
  if (replay::aslr_disabled()) GTEST_SKIP() << "this process already runs without randomisation";
  const std::string hello = capture("hello");
  std::string error;
  auto reader = format::TraceReader::open(hello, &error);
  ASSERT_NE(reader, nullptr) << error;
  replay::TraceScan scan;
  ASSERT_TRUE(replay::scan_trace(*reader, {}, &scan, &error)) << error;
  ASSERT_FALSE(scan.fixed_ranges.empty());
  char at[32];
  std::snprintf(at, sizeof(at), "0x%llx",
                static_cast<unsigned long long>(scan.fixed_ranges.front().begin & ~0xfffull));
  const std::string taken = std::string("env AMDRR_TEST_TAKE_WHILE_RANDOMISED=") + at + " ";

  CommandRun again = run(taken + kReplay + hello + " --seed 3");
  EXPECT_EQ(again.code, 0) << again.out;
  EXPECT_NE(again.out.find("running again without address-space randomisation"), std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find(at), std::string::npos) << again.out;  // names the address
  EXPECT_NE(again.out.find("replay: same"), std::string::npos) << again.out;

  CommandRun stop = run(taken + kReplay + hello + " --no-reexec");
  EXPECT_EQ(stop.code, 125) << stop.out;
  EXPECT_EQ(stop.out.find("replay: same"), std::string::npos) << stop.out;
}

}  // namespace
}  // namespace amdrr::cli

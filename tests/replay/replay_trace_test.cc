// Capture sample workloads on the emulated GPU, replay them, and check the
// verdicts; hostile traces are refused (125), never crash the replayer.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "format/kmd_records.h"
#include "format/trace_writer.h"
#include "replay/replay_trace.h"

namespace amdrr::replay {
namespace {

namespace fs = std::filesystem;

class ReplayTraceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("amdrr_replay_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs a sample with AMDRR_CAPTURE; returns the trace path.
  std::string capture(const std::string& sample) {
    std::string trace = (dir_ / (sample + ".amdrr")).string();
    std::string cmd = "AMDRR_BACKEND=sim AMDRR_CAPTURE=" + trace + " " AMDRR_SAMPLES_DIR "/" +
                      sample + " >/dev/null 2>&1";
    (void)std::system(cmd.c_str());
    EXPECT_TRUE(fs::exists(trace)) << cmd;
    return trace;
  }

  fs::path dir_;
};

ReplayResult replay(const std::string& trace) {
  ReplayTraceOptions options;
  options.timeout_ms = 5000;
  return replay_trace(trace, options);
}

TEST_F(ReplayTraceTest, HelloReplaysTheSame) {
  ReplayResult r = replay(capture("hello"));
  EXPECT_EQ(r.verdict, Verdict::kSame) << r.message;
  EXPECT_EQ(verdict_exit_code(r.verdict), 0);
  EXPECT_GT(r.records_replayed, 10u);
}

TEST_F(ReplayTraceTest, DispatchReplaysTheSame) {
  ReplayResult r = replay(capture("dispatch"));
  EXPECT_EQ(r.verdict, Verdict::kSame) << r.message;
}

TEST_F(ReplayTraceTest, FaultVmReplaysAsAGpuFault) {
  ReplayResult r = replay(capture("fault_vm"));
  EXPECT_EQ(r.verdict, Verdict::kGpuFault) << r.message;
  EXPECT_EQ(verdict_exit_code(r.verdict), 2);
  EXPECT_NE(r.message.find("fault"), std::string::npos) << r.message;
}

TEST_F(ReplayTraceTest, MissingTraceCannotReplay) {
  ReplayResult r = replay((dir_ / "none.amdrr").string());
  EXPECT_EQ(r.verdict, Verdict::kCannotReplay);
  EXPECT_EQ(verdict_exit_code(r.verdict), 125);
}

// A hostile trace: an mmap at a fixed address outside the GPU's aperture
// (here, where the replayer's own code could be).
TEST_F(ReplayTraceTest, MmapOutsideTheApertureCannotReplay) {
  std::string path = (dir_ / "hostile.amdrr").string();
  std::string error;
  auto writer = format::TraceWriter::create(
      path,
      [](schema::Header::Builder h) {
        h.setBackend(schema::Backend::SIM);
        h.setSimProfile("gfx942");
      },
      &error);
  ASSERT_TRUE(writer) << error;
  kmd::MmapArgs args;
  args.mmap_offset = 0x1000;
  args.size = 4096;
  args.addr = 0x10000;
  args.prot = 3;
  writer->write([&](schema::Record::Builder r) {
    format::write_kmd_returned<format::KmdOp::kMmap>(r.initKmdCall(), 1, args,
                                                     kmd::CpuMapping{0x10000, 4096}, 0);
  });
  ASSERT_TRUE(writer->close());
  ReplayResult r = replay(path);
  EXPECT_EQ(r.verdict, Verdict::kCannotReplay);
  EXPECT_NE(r.message.find("0x10000"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("aperture"), std::string::npos) << r.message;
}

// A hostile trace: a CPU write where the replay mapped nothing.
TEST_F(ReplayTraceTest, MemWriteOutsideMappingsCannotReplay) {
  std::string path = (dir_ / "hostile_write.amdrr").string();
  std::string error;
  auto writer = format::TraceWriter::create(
      path, [](schema::Header::Builder h) { h.setSimProfile("gfx942"); }, &error);
  ASSERT_TRUE(writer) << error;
  const uint8_t bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  format::BlobId blob = writer->put_blob(bytes);
  int local = 0;
  writer->write([&](schema::Record::Builder r) {
    auto w = r.initMemWrite();
    w.setVa(reinterpret_cast<uint64_t>(&local));
    format::TraceWriter::set_blob_ref(w.initContent(), blob);
  });
  ASSERT_TRUE(writer->close());
  ReplayResult r = replay(path);
  EXPECT_EQ(r.verdict, Verdict::kCannotReplay);
  EXPECT_EQ(local, 0);
  EXPECT_NE(r.message.find("outside"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace amdrr::replay

#include "cli/info_command.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/exit_codes.h"
#include "tests/format/trace_fixtures.h"
#include "tests/support/temp_dir.h"

namespace amdrr::cli {
namespace {

TEST(InfoCommand, ReportsKindsDedupAndCleanEnd) {
  testing::TempDir dir;
  InfoOptions options{dir.file("t.amdrr")};
  testing::write_every_kind(options.trace);
  std::ostringstream out, err;
  EXPECT_EQ(run_info(options, out, err), kExitOk) << err.str();
  std::string text = out.str();
  EXPECT_NE(text.find("status    ended cleanly"), std::string::npos) << text;
  EXPECT_NE(text.find("gfx942"), std::string::npos) << text;
  EXPECT_NE(text.find("records   14 in"), std::string::npos) << text;
  EXPECT_NE(text.find("doorbell"), std::string::npos) << text;
  EXPECT_NE(text.find("index     present"), std::string::npos) << text;
  EXPECT_NE(text.find("1.5 MiB referenced, 1.5 MiB stored"), std::string::npos) << text;
}

TEST(InfoCommand, CutShortTraceIsReportedWithOffsetAndExitCode) {
  testing::TempDir dir;
  InfoOptions options{dir.file("t.amdrr")};
  testing::write_many_frames(options.trace, 100, 512);
  auto bytes = testing::read_file(options.trace);
  bytes.resize(bytes.size() * 2 / 3);
  testing::write_file(options.trace, bytes);
  std::ostringstream out, err;
  EXPECT_EQ(run_info(options, out, err), kExitDamagedTrace);
  EXPECT_NE(out.str().find("CUT SHORT"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("byte "), std::string::npos) << out.str();
}

TEST(InfoCommand, UnreadableFileIsAUsageError) {
  testing::TempDir dir;
  InfoOptions options{dir.file("missing.amdrr")};
  std::ostringstream out, err;
  EXPECT_EQ(run_info(options, out, err), kExitUsage);
  EXPECT_NE(err.str().find("cannot open"), std::string::npos) << err.str();
}

}  // namespace
}  // namespace amdrr::cli

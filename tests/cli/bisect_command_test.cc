// amdrr bisect / minimize as a user runs them: arguments checked, the
// culprit printed decoded, the reduction reported, exit codes as documented.
#include "cli/bisect_command.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "cli/exit_codes.h"
#include "cli/minimize_command.h"
#include "tests/support/temp_dir.h"

namespace amdrr::cli {
namespace {

// fault_vm captured on the emulated GPU: one SDMA copy to an unmapped address.
std::string capture_fault_vm(const testing::TempDir& dir) {
  const std::string trace = dir.file("fault_vm.amdrr");
  const std::string cmd = std::string("AMDRR_BACKEND=sim AMDRR_CAPTURE=")
                              .append(trace)
                              .append(" " AMDRR_SAMPLES_DIR "/fault_vm >/dev/null 2>&1");
  EXPECT_NE(std::system(cmd.c_str()), 0);  // the sample fails by design
  return trace;
}

TEST(BisectCommand, NamesTheCulpritDecoded) {
  testing::TempDir dir;
  BisectCommandOptions options;
  options.trace = capture_fault_vm(dir);
  options.until = "fault";
  options.output = dir.file("prefix.amdrr");
  std::ostringstream out, err;
  EXPECT_EQ(run_bisect(options, out, err), kExitOk) << err.str();
  const std::string text = out.str();
  EXPECT_NE(text.find("first bad submission: 1 of 1"), std::string::npos) << text;
  EXPECT_NE(text.find("SDMA queue"), std::string::npos) << text;
  EXPECT_NE(text.find("COPY_LINEAR"), std::string::npos) << text;
  EXPECT_NE(text.find("verdict: GPU fault"), std::string::npos) << text;
  EXPECT_NE(text.find("replays: 1"), std::string::npos) << text;
  EXPECT_NE(text.find("prefix.amdrr"), std::string::npos) << text;
  EXPECT_NE(err.str().find("bisect: replay 1"), std::string::npos) << err.str();
}

TEST(BisectCommand, AWholeTraceThatIsNotBadExitsOne) {
  testing::TempDir dir;
  BisectCommandOptions options;
  options.trace = capture_fault_vm(dir);
  options.until = "hang";
  std::ostringstream out, err;
  EXPECT_EQ(run_bisect(options, out, err), 1);
  EXPECT_NE(out.str().find("is not bad under --until hang"), std::string::npos) << out.str();
}

TEST(BisectCommand, BadPredicateAndMissingTraceAreUsageErrors) {
  testing::TempDir dir;
  BisectCommandOptions options;
  options.trace = dir.file("missing.amdrr");
  options.until = "crash";
  std::ostringstream out, err;
  EXPECT_EQ(run_bisect(options, out, err), kExitUsage);
  EXPECT_NE(err.str().find("--until must be"), std::string::npos) << err.str();
  options.until = "fault";
  EXPECT_EQ(run_bisect(options, out, err), kExitUsage);
  EXPECT_NE(err.str().find("missing.amdrr"), std::string::npos) << err.str();
}

TEST(MinimizeCommand, ReportsTheReduction) {
  testing::TempDir dir;
  MinimizeCommandOptions options;
  options.trace = capture_fault_vm(dir);
  options.output = dir.file("min.amdrr");
  options.until = "fault";
  std::ostringstream out, err;
  EXPECT_EQ(run_minimize(options, out, err, false), kExitOk) << err.str();
  const std::string text = out.str();
  EXPECT_NE(text.find("still fails (GPU fault"), std::string::npos) << text;
  EXPECT_NE(text.find("submissions 1 -> 1"), std::string::npos) << text;
  EXPECT_NE(text.find("packets     5 -> 1"), std::string::npos) << text;
  EXPECT_NE(text.find("bytes"), std::string::npos) << text;
  EXPECT_NE(text.find("replays"), std::string::npos) << text;
  EXPECT_NE(err.str().find("minimize: 1 of 5 packets"), std::string::npos) << err.str();
}

TEST(MinimizeCommand, ProgressBarRedrawsOneLine) {
  testing::TempDir dir;
  MinimizeCommandOptions options;
  options.trace = capture_fault_vm(dir);
  options.output = dir.file("min.amdrr");
  options.until = "fault";
  std::ostringstream out, err;
  EXPECT_EQ(run_minimize(options, out, err, true), kExitOk) << err.str();
  EXPECT_NE(err.str().find("\rminimize packets ["), std::string::npos) << err.str();
  EXPECT_EQ(err.str().find("minimize: 1 of 5"), std::string::npos) << err.str();
}

}  // namespace
}  // namespace amdrr::cli

// The inspect subcommands end to end: arguments, exit codes, files written.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "cli/diff_command.h"
#include "cli/dump_command.h"
#include "cli/exit_codes.h"
#include "cli/redact_command.h"
#include "cli/report_command.h"
#include "cli/timeline_command.h"
#include "tests/inspect/inspect_fixtures.h"
#include "tests/support/temp_dir.h"

namespace amdrr::cli {
namespace {

size_t count_lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

TEST(DumpCommand, JsonLinesOnePerRecordAndBadArgumentsAreUsageErrors) {
  testing::TempDir dir;
  DumpCommandOptions options;
  options.trace = dir.file("t.amdrr");
  const uint64_t records = testing::write_inspect_trace(options.trace);
  options.dump.json = true;
  std::ostringstream out, err;
  EXPECT_EQ(run_dump(options, out, err), kExitOk) << err.str();
  EXPECT_EQ(count_lines(out.str()), records);

  options.dump.kinds = {"doorbel"};
  std::ostringstream out2, err2;
  EXPECT_EQ(run_dump(options, out2, err2), kExitUsage);
  EXPECT_NE(err2.str().find("no record kind \"doorbel\""), std::string::npos) << err2.str();

  options.dump.kinds.clear();
  options.trace = dir.file("missing.amdrr");
  std::ostringstream out3, err3;
  EXPECT_EQ(run_dump(options, out3, err3), kExitUsage);
}

// Repeatable options take one value each, so the trace may come after them.
TEST(DumpCommand, RepeatedKindsThenTheTraceParse) {
  CLI::App app;
  DumpCommandOptions dump;
  add_dump_command(app, dump);
  RedactCommandOptions redact;
  add_redact_command(app, redact);
  app.parse(std::string("dump --kind doorbell --kind gpuError t.amdrr --no-disassembly"), false);
  EXPECT_EQ(dump.trace, "t.amdrr");
  EXPECT_EQ(dump.dump.kinds, (std::vector<std::string>{"doorbell", "gpuError"}));
  EXPECT_TRUE(dump.no_disassembly);
  CLI::App app2;
  add_redact_command(app2, redact);
  app2.parse(std::string("redact --keep-label a t.amdrr -o p.amdrr --keep-label b"), false);
  EXPECT_EQ(redact.trace, "t.amdrr");
  EXPECT_EQ(redact.output, "p.amdrr");
  EXPECT_EQ(redact.redact.keep_labels, (std::vector<std::string>{"a", "b"}));
}

TEST(DiffCommand, ExitCodeSaysSameOrDifferent) {
  testing::TempDir dir;
  DiffCommandOptions options{dir.file("a.amdrr"), dir.file("b.amdrr"), {}};
  testing::write_inspect_trace(options.a);
  testing::write_inspect_trace(options.b);
  std::ostringstream out, err;
  EXPECT_EQ(run_diff(options, out, err), 0) << out.str();
  testing::InspectTraceOptions flip;
  flip.flip_packet_dword = 4;  // WAIT_REG_MEM REFERENCE
  testing::write_inspect_trace(options.b, flip);
  std::ostringstream out2, err2;
  EXPECT_EQ(run_diff(options, out2, err2), 1);
  EXPECT_NE(out2.str().find("first difference: record #9 in a, #9 in b"), std::string::npos)
      << out2.str();
  EXPECT_NE(out2.str().find("WAIT_REG_MEM dword 4 REFERENCE"), std::string::npos) << out2.str();
}

TEST(TimelineCommand, WritesJsonAndHtml) {
  testing::TempDir dir;
  TimelineCommandOptions options{dir.file("t.amdrr"), dir.file("t.json"), dir.file("t.html")};
  testing::write_inspect_trace(options.trace);
  std::ostringstream out, err;
  EXPECT_EQ(run_timeline(options, out, err), kExitOk) << err.str();
  EXPECT_GT(std::filesystem::file_size(options.json), 100u);
  EXPECT_GT(std::filesystem::file_size(options.html), 100u);
  TimelineCommandOptions nowhere{options.trace, "", ""};
  std::ostringstream out2, err2;
  EXPECT_EQ(run_timeline(nowhere, out2, err2), kExitUsage);
}

TEST(ReportCommand, FaultCaptureNamesTheVaAndTheCommands) {
  testing::TempDir dir;
  ReportCommandOptions options{testing::capture_sample("fault_vm", dir.path().string())};
  std::ostringstream out, err;
  EXPECT_EQ(run_report(options, out, err), kExitOk) << err.str();
  const std::string md = out.str();
  EXPECT_NE(md.find("| GPU node 1 | gfx942"), std::string::npos) << md;
  EXPECT_NE(md.find("firmware mec="), std::string::npos) << md;
  EXPECT_NE(md.find("- VM fault on gpu 0x"), std::string::npos) << md;
  EXPECT_NE(md.find("(UNMAPPED (no buffer))"), std::string::npos) << md;
  EXPECT_NE(md.find("amdrr replay " + options.trace), std::string::npos) << md;
  EXPECT_NE(md.find("amdrr bisect " + options.trace + " --until fault"), std::string::npos) << md;
}

TEST(ReportCommand, HangCaptureShowsTheWaitingPacket) {
  testing::TempDir dir;
  ReportCommandOptions options{testing::capture_sample("fault_hang", dir.path().string())};
  std::ostringstream out, err;
  EXPECT_EQ(run_report(options, out, err), kExitOk) << err.str();
  const std::string md = out.str();
  EXPECT_NE(md.find("**Outcome**: hang"), std::string::npos) << md;
  EXPECT_NE(md.find("waits at:\n\n```\nPOLL_REGMEM"), std::string::npos) << md;
  EXPECT_NE(md.find("--until hang"), std::string::npos) << md;
}

TEST(RedactCommand, WritesACopyAndSaysWhatItCannotShow) {
  testing::TempDir dir;
  RedactCommandOptions options;
  options.trace = dir.file("t.amdrr");
  options.output = options.trace;
  testing::write_inspect_trace(options.trace);
  std::ostringstream out, err;
  EXPECT_EQ(run_redact(options, out, err), kExitUsage);
  options.output = dir.file("public.amdrr");
  std::ostringstream out2, err2;
  EXPECT_EQ(run_redact(options, out2, err2), kExitOk) << err2.str();
  EXPECT_NE(out2.str().find("cannot show: the program's data"), std::string::npos) << out2.str();
  EXPECT_TRUE(std::filesystem::exists(options.output));
}

}  // namespace
}  // namespace amdrr::cli

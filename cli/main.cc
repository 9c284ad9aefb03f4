// The amdrr command. Every subcommand is wired here explicitly; each lives in
// its own file and reports errors as one line plus an exit code.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <iostream>

#include "amdrr_version.h"
#include "cli/bisect_command.h"
#include "cli/capture_command.h"
#include "cli/diff_command.h"
#include "cli/dump_command.h"
#include "cli/exit_codes.h"
#include "cli/info_command.h"
#include "cli/minimize_command.h"
#include "cli/redact_command.h"
#include "cli/replay_command.h"
#include "cli/report_command.h"
#include "cli/timeline_command.h"

int main(int argc, char** argv) {
  using namespace amdrr::cli;
  CLI::App app{"amdrr: capture and replay AMD GPU compute work"};
  app.set_version_flag("--version", std::string("amdrr ") + AMDRR_VERSION_STRING);
  app.require_subcommand(1);

  InfoOptions info;
  CLI::App* info_cmd = add_info_command(app, info);
  CaptureOptions capture;
  CLI::App* capture_cmd = add_capture_command(app, capture);
  ReplayCommandOptions replay;
  CLI::App* replay_cmd = add_replay_command(app, replay);
  BisectCommandOptions bisect;
  CLI::App* bisect_cmd = add_bisect_command(app, bisect);
  MinimizeCommandOptions minimize;
  CLI::App* minimize_cmd = add_minimize_command(app, minimize);
  DumpCommandOptions dump;
  CLI::App* dump_cmd = add_dump_command(app, dump);
  DiffCommandOptions diff;
  CLI::App* diff_cmd = add_diff_command(app, diff);
  TimelineCommandOptions timeline;
  CLI::App* timeline_cmd = add_timeline_command(app, timeline);
  ReportCommandOptions report;
  CLI::App* report_cmd = add_report_command(app, report);
  RedactCommandOptions redact;
  CLI::App* redact_cmd = add_redact_command(app, redact);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (info_cmd->parsed()) return run_info(info, std::cout, std::cerr);
  if (capture_cmd->parsed()) return run_capture(capture, std::cout, std::cerr);
  if (replay_cmd->parsed()) return run_replay(replay, std::cout, std::cerr);
  if (bisect_cmd->parsed()) return run_bisect(bisect, std::cout, std::cerr);
  if (minimize_cmd->parsed()) {
    return run_minimize(minimize, std::cout, std::cerr, ::isatty(2) != 0);
  }
  if (dump_cmd->parsed()) return run_dump(dump, std::cout, std::cerr);
  if (diff_cmd->parsed()) return run_diff(diff, std::cout, std::cerr);
  if (timeline_cmd->parsed()) return run_timeline(timeline, std::cout, std::cerr);
  if (report_cmd->parsed()) return run_report(report, std::cout, std::cerr);
  if (redact_cmd->parsed()) return run_redact(redact, std::cout, std::cerr);
  return kExitUsage;
}

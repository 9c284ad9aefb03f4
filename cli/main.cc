// The amdrr command. Every subcommand is wired here explicitly; each lives in
// its own file and reports errors as one line plus an exit code.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <iostream>

#include "amdrr_version.h"
#include "cli/bisect_command.h"
#include "cli/capture_command.h"
#include "cli/exit_codes.h"
#include "cli/info_command.h"
#include "cli/minimize_command.h"
#include "cli/replay_command.h"

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
  return kExitUsage;
}

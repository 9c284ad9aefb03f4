// The amdrr command: every subcommand is wired here explicitly.
#include <CLI/CLI.hpp>

#include "amdrr_version.h"

int main(int argc, char** argv) {
  CLI::App app{"amdrr: capture and replay AMD GPU compute work"};
  app.set_version_flag("--version", std::string("amdrr ") + AMDRR_VERSION_STRING);
  app.require_subcommand(0, 1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

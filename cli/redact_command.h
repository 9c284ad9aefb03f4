#pragma once
// `amdrr redact t.amdrr -o public.amdrr [--keep-label L]...`.

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>

#include "inspect/redact.h"

namespace amdrr::cli {

struct RedactCommandOptions {
  std::string trace;
  std::string output;
  inspect::RedactOptions redact;
  bool drop_code = false;
};

CLI::App* add_redact_command(CLI::App& app, RedactCommandOptions& options);
int run_redact(const RedactCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace amdrr::cli

#pragma once
// `amdrr diff a.amdrr b.amdrr`: the first point where two traces part ways,
// then every difference by kind. Exit 0 same, 1 different, 2 unreadable.

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>

#include "inspect/trace_diff.h"

namespace amdrr::cli {

struct DiffCommandOptions {
  std::string a, b;
  inspect::DiffOptions diff;
};

CLI::App* add_diff_command(CLI::App& app, DiffCommandOptions& options);
int run_diff(const DiffCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace amdrr::cli

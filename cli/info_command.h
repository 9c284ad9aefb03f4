#pragma once
// `amdrr info t.amdrr`: header, machine, records and bytes by kind, blob
// dedup, time span, and whether the trace ended cleanly.

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>

namespace amdrr::cli {

struct InfoOptions {
  std::string trace;
};

/// Registers the subcommand; `run` is set to run it once parsing succeeds.
CLI::App* add_info_command(CLI::App& app, InfoOptions& options);

/// Prints the report to `out`; returns the exit code.
int run_info(const InfoOptions& options, std::ostream& out, std::ostream& err);

}  // namespace amdrr::cli

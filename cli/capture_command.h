#pragma once
// `amdrr capture -o out.amdrr -- PROGRAM ARGS...`: runs a program built on
// the amdrr driver with AMDRR_CAPTURE set, waits for it, prints a summary of
// the trace it left (records, submissions, bytes, compression, dedup) and
// exits with the program's status (128 + N when it died of signal N).

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace amdrr::cli {

struct CaptureOptions {
  std::string output = "capture.amdrr";
  std::vector<std::string> command;
  unsigned flush_ms = 0;  // 0: the library's default
  bool light = false;     // no packet observations (AMDRR_CAPTURE_OBSERVE_PACKETS=0)
  bool quiet = false;
};

/// Registers the subcommand.
CLI::App* add_capture_command(CLI::App& app, CaptureOptions& options);

/// Runs the program and prints the summary to `out`; returns the exit code.
int run_capture(const CaptureOptions& options, std::ostream& out, std::ostream& err);

/// The summary of a finished trace (also what run_capture prints).
void print_capture_summary(const std::string& path, std::ostream& out);

}  // namespace amdrr::cli

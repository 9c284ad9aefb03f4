#pragma once
// `amdrr report t.amdrr`: a Markdown block for a bug report.

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>

namespace amdrr::cli {

struct ReportCommandOptions {
  std::string trace;
};

CLI::App* add_report_command(CLI::App& app, ReportCommandOptions& options);
int run_report(const ReportCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace amdrr::cli

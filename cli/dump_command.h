#pragma once
// `amdrr dump t.amdrr`: every record, packets decoded, addresses named;
// `--json` for JSON Lines. Filters: --queue, --kind, --from/--to (submission
// numbers), --label.

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>

#include "inspect/dump.h"

namespace amdrr::cli {

struct DumpCommandOptions {
  std::string trace;
  inspect::DumpOptions dump;
  bool no_disassembly = false;
};

CLI::App* add_dump_command(CLI::App& app, DumpCommandOptions& options);
int run_dump(const DumpCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace amdrr::cli

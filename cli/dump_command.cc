#include "cli/dump_command.h"

#include <ostream>

#include "cli/exit_codes.h"

namespace amdrr::cli {

CLI::App* add_dump_command(CLI::App& app, DumpCommandOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "dump",
      "Print every record of a trace: packets decoded field by field, addresses named by the "
      "buffer they fall into, code objects disassembled per kernel");
  cmd->add_option("trace", options.trace, "the trace file (.amdrr)")->required();
  cmd->add_option("--queue", options.dump.queue, "only records of this KFD queue id");
  cmd->add_option("--kind", options.dump.kinds,
                  "only records of this kind (doorbell, kmdCall, memWrite, waitResult, ...; "
                  "repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  cmd->add_option("--from", options.dump.first_submission,
                  "from this submission (doorbells numbered from 0)");
  cmd->add_option("--to", options.dump.last_submission, "up to this submission (inclusive)");
  cmd->add_option("--label", options.dump.label,
                  "only records after an annotation with this label, up to the next annotation");
  cmd->add_flag("--json", options.dump.json,
                "JSON Lines: one object per record, field names as in format/trace.capnp");
  cmd->add_flag("--no-disassembly", options.no_disassembly,
                "do not list the code objects' kernels at the end");
  cmd->footer(
      "Exit status: 0 clean trace; 1 cut short or damaged (records before the damage are "
      "printed); 2 unreadable or bad arguments.");
  return cmd;
}

int run_dump(const DumpCommandOptions& options, std::ostream& out, std::ostream& err) {
  for (const std::string& kind : options.dump.kinds) {
    if (!inspect::is_record_kind(kind)) {
      err << "amdrr dump: no record kind \"" << kind << "\" (see format/trace.capnp Record)\n";
      return kExitUsage;
    }
  }
  std::string error;
  auto reader = format::TraceReader::open(options.trace, &error);
  if (!reader) {
    err << "amdrr dump: " << error << "\n";
    return kExitUsage;
  }
  inspect::DumpOptions dump = options.dump;
  dump.disassemble = !options.no_disassembly;
  inspect::dump_trace(*reader, dump, out);
  if (reader->end() != format::TraceEnd::kClean) {
    err << "amdrr dump: trace " << format::trace_end_name(reader->end()) << ": "
        << reader->end_message() << "\n";
    return kExitDamagedTrace;
  }
  return kExitOk;
}

}  // namespace amdrr::cli

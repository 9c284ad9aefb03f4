#include "cli/capture_command.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <ostream>

#include "cli/exit_codes.h"
#include "cli/format_units.h"
#include "format/record_visitor.h"
#include "format/trace_reader.h"
#include "format/trace_stats.h"

namespace amdrr::cli {
namespace {

std::string percent(uint64_t part, uint64_t whole) {
  char text[16];
  std::snprintf(text, sizeof(text), "%.1f%%",
                whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
  return text;
}

}  // namespace

CLI::App* add_capture_command(CLI::App& app, CaptureOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "capture", "Run a program built on amdrr and record everything it asks of the GPU");
  cmd->add_option("-o,--output", options.output, "the trace to write (%p: the process id)")
      ->capture_default_str();
  cmd->add_option("--flush-ms", options.flush_ms,
                  "flush the trace at least this often (AMDRR_CAPTURE_FLUSH_MS; default 200)");
  cmd->add_flag("--light", options.light,
                "the cheapest capture, for timing-sensitive bugs: no observations of what "
                "submitted packets wrote (replay still checks every wait and observe() range; "
                "AMDRR_CAPTURE_OBSERVE_PACKETS=0)");
  cmd->add_flag("-q,--quiet", options.quiet, "no summary");
  cmd->add_option("command", options.command, "the program and its arguments (after --)")
      ->required();
  cmd->footer(
      "Exit status: the program's (128 + N if signal N killed it); 2 if it could not be run. "
      "A program that forks: the child is not captured (see capture/README.md).");
  return cmd;
}

void print_capture_summary(const std::string& path, std::ostream& out) {
  std::string error;
  auto reader = format::TraceReader::open(path, &error);
  if (!reader) {
    out << "amdrr capture: no readable trace: " << error << "\n";
    return;
  }
  format::TraceStats stats;
  format::dispatch(*reader, {&stats});
  stats.finish(*reader);
  const auto& kinds = stats.kinds();
  auto count = [&](schema::Record::Which w) { return kinds[static_cast<size_t>(w)].records; };
  uint64_t uncompressed = 0;
  for (const auto& f : reader->frames()) uncompressed += f.content_size;
  const uint64_t file = reader->file_size();
  out << "trace       " << path << "\n";
  out << "records     " << stats.records() << " (" << count(schema::Record::KMD_CALL)
      << " kmd calls, " << count(schema::Record::DOORBELL) << " doorbells/submissions, "
      << count(schema::Record::MEM_WRITE) << " memory writes, "
      << count(schema::Record::WAIT_RESULT) << " waits";
  if (count(schema::Record::GPU_ERROR) > 0)
    out << ", " << count(schema::Record::GPU_ERROR) << " GPU errors";
  out << ")\n";
  out << "bytes       " << bytes_text(file) << " on disk, " << bytes_text(uncompressed)
      << " uncompressed";
  if (file > 0) {
    char ratio[24];
    std::snprintf(ratio, sizeof(ratio), "%.1fx",
                  static_cast<double>(uncompressed) / static_cast<double>(file));
    out << " (compression " << ratio << ")";
  }
  out << "\n";
  uint64_t referenced = stats.referenced_blob_bytes();
  uint64_t stored = stats.stored_blob_bytes();
  out << "content     " << bytes_text(referenced) << " referenced, " << bytes_text(stored)
      << " stored";
  if (referenced > stored) {
    out << " (dedup saved " << bytes_text(referenced - stored) << ", "
        << percent(referenced - stored, referenced) << ")";
  }
  out << "\n";
  out << "status      "
      << (reader->end() == format::TraceEnd::kClean ? "complete"
                                                    : "cut short: " + reader->end_message())
      << "\n";
}

int run_capture(const CaptureOptions& options, std::ostream& out, std::ostream& err) {
  if (options.command.empty()) {
    err << "amdrr capture: no program given: amdrr capture -o out.amdrr -- PROGRAM ARGS...\n";
    return kExitUsage;
  }
  std::error_code ec;
  if (options.output.find("%p") == std::string::npos)
    std::filesystem::remove(options.output, ec);  // a stale trace must not pass for this one
  std::vector<char*> argv;
  for (const auto& a : options.command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // Ctrl-C goes to the whole process group: let the program decide, and
  // report what it did.
  struct sigaction ignore = {}, old_int = {}, old_quit = {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGINT, &ignore, &old_int);
  sigaction(SIGQUIT, &ignore, &old_quit);
  pid_t pid = fork();
  if (pid == 0) {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGQUIT, &old_quit, nullptr);
    setenv("AMDRR_CAPTURE", options.output.c_str(), 1);
    if (options.flush_ms != 0) {
      setenv("AMDRR_CAPTURE_FLUSH_MS", std::to_string(options.flush_ms).c_str(), 1);
    }
    if (options.light) setenv("AMDRR_CAPTURE_OBSERVE_PACKETS", "0", 1);
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "amdrr capture: cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  if (pid < 0) {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGQUIT, &old_quit, nullptr);
    err << "amdrr capture: fork: " << std::strerror(errno) << "\n";
    return kExitUsage;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGQUIT, &old_quit, nullptr);

  int code = 0;
  if (WIFEXITED(status)) {
    code = WEXITSTATUS(status);
    if (code == 127 && !std::filesystem::exists(options.output)) return kExitUsage;
  } else if (WIFSIGNALED(status)) {
    code = 128 + WTERMSIG(status);
    err << "amdrr capture: " << options.command[0] << " was killed by signal " << WTERMSIG(status)
        << " (" << strsignal(WTERMSIG(status)) << ")\n";
  }
  if (options.output.find("%p") != std::string::npos) {
    // One trace per process that opened a GPU, named by pid: no one summary.
    if (!options.quiet) out << "amdrr capture: per-process traces " << options.output << "\n";
    return code;
  }
  if (!std::filesystem::exists(options.output)) {
    err << "amdrr capture: " << options.command[0] << " wrote no trace to " << options.output
        << ": it did not open a GPU through the amdrr driver\n";
    return code;
  }
  if (!options.quiet) print_capture_summary(options.output, out);
  return code;
}

}  // namespace amdrr::cli

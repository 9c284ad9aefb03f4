#include "cli/replay_command.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ostream>

#include "cli/exit_codes.h"
#include "replay/aslr.h"
#include "replay/progress_bar.h"
#include "replay/replay_trace.h"

namespace amdrr::cli {

namespace {

// For the test of the re-execution, end to end: a page taken at
// $AMDRR_TEST_TAKE_WHILE_RANDOMISED while address-space randomisation is on,
// as one of this process's libraries could be; once re-executed without it,
// the address is free.
void take_test_page_while_randomised() {
  const char* at = std::getenv("AMDRR_TEST_TAKE_WHILE_RANDOMISED");
  if (at == nullptr || replay::aslr_disabled()) return;
  const uint64_t va = std::strtoull(at, nullptr, 0);
  if (va == 0 || va % 4096 != 0) return;
  (void)::mmap(reinterpret_cast<void*>(va), 4096, PROT_NONE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
}

constexpr const char* kDescription =
    "Re-execute a trace and check it behaves as recorded: same GPU addresses,\n"
    "the recorded CPU writes and doorbells in the recorded order, every wait and\n"
    "every observed range compared (timestamps excluded).\n"
    "Runs on the emulated GPU built from the trace's header (AMDRR_BACKEND=kfd:\n"
    "this machine's GPU; AMDRR_SIM_MODE=threaded: every queue on its own thread).\n"
    "\n"
    "Exit codes:\n"
    "  0    replayed and matched\n"
    "  1    diverged (a value, call outcome or observed range differs)\n"
    "  2    GPU fault (VM fault, hardware exception)\n"
    "  3    hang (a wait timed out)\n"
    "  125  cannot replay here (wrong GPU, address range unavailable, limit\n"
    "       exceeded, unsupported record, packet or instruction)\n"
    "`git bisect run amdrr replay t.amdrr` bisects a userspace change; for kernel\n"
    "or firmware changes the exit code is the per-boot verdict a reboot-driven\n"
    "harness reads.";

std::string verdict_line(const replay::ReplayResult& r) {
  if (r.verdict == replay::Verdict::kSame) {
    std::string line = "replay: same (" + std::to_string(r.records_replayed) + " records, " +
                       std::to_string(r.submissions) + " submissions, " +
                       std::to_string(r.waits_checked) + " waits and " +
                       std::to_string(r.observations_checked) + " observations checked";
    if (r.stopped_early) line += "; stopped after submission " + std::to_string(r.submission);
    return line + ")";
  }
  std::string line = std::string("replay: ") + replay::verdict_name(r.verdict) + " at record " +
                     std::to_string(r.record) + " (" + (r.kind.empty() ? "-" : r.kind);
  if (r.submissions > 0) line += ", submission " + std::to_string(r.submission);
  return line + "): " + r.message;
}

}  // namespace

CLI::App* add_replay_command(CLI::App& app, ReplayCommandOptions& options) {
  CLI::App* cmd = app.add_subcommand("replay", kDescription);
  cmd->add_option("trace", options.trace, "The trace (.amdrr)")->required();
  cmd->add_option("--seed", options.seed,
                  "The emulated GPU's scheduling seed: another interleaving (default: recorded)");
  cmd->add_option("--timeout,--timeout-ms", options.timeout_ms,
                  "Timeout of every wait, in ms (default: 20x the recorded wait scaled by the "
                  "backend's speed, at least 5000)");
  cmd->add_flag("--serialize", options.serialize,
                "Wait for the GPU to be idle after each submission (a failure that disappears "
                "is a race)");
  cmd->add_option("--until", options.until,
                  "Stop after submission N (numbered from 0); what ran is still checked");
  cmd->add_option("--from-label", options.from_label,
                  "Compare only from the first annotation with this label on");
  cmd->add_option("--repeat", options.repeat, "Replay K times; report how many failed")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1000000}));
  cmd->add_flag("--force", options.force, "Replay even if the recorded GPU target differs");
  cmd->add_flag("--no-reexec", options.no_reexec,
                "Do not re-execute without address-space randomisation on a collision");
  auto& l = options.limits;
  cmd->add_option("--max-alloc", l.max_alloc_bytes, "Largest single allocation, bytes")
      ->capture_default_str();
  cmd->add_option("--max-total-alloc", l.max_total_alloc_bytes, "Most live allocated bytes")
      ->capture_default_str();
  cmd->add_option("--max-queues", l.max_queues, "Most live queues")->capture_default_str();
  cmd->add_option("--max-buffers", l.max_buffers, "Most live buffers")->capture_default_str();
  cmd->add_option("--max-record", l.max_record_bytes, "Largest record, bytes")
      ->capture_default_str();
  cmd->add_option("--max-blob", l.max_blob_bytes, "Largest blob, bytes")->capture_default_str();
  cmd->add_option("--max-seconds", l.max_seconds, "Longest replay, seconds (wall clock)")
      ->capture_default_str();
  return cmd;
}

int run_replay(const ReplayCommandOptions& options, std::ostream& out, std::ostream& err) {
  take_test_page_while_randomised();
  replay::ReplayTraceOptions replay_options;
  replay_options.seed = options.seed;
  replay_options.timeout_ms = options.timeout_ms;
  replay_options.serialize = options.serialize;
  replay_options.until_submission = options.until;
  replay_options.from_label = options.from_label;
  replay_options.force = options.force;
  replay_options.limits = options.limits;
  replay::ProgressBar bar(stderr, "replay");
  if (bar.enabled()) {
    replay_options.progress = [&bar](uint64_t done, uint64_t total) { bar.update(done, total); };
  }

  replay::RepeatedReplay runs =
      replay::replay_trace_repeated(options.trace, replay_options, options.repeat);
  bar.finish();
  const replay::ReplayResult& first = runs.results.front();
  if (first.address_collision && !options.no_reexec) {
    err << "replay: " << first.message
        << "; running again without address-space randomisation (--no-reexec to stop here)\n";
    std::string why;
    out.flush();
    err.flush();
    replay::reexec_without_aslr(&why);  // returns only on failure
    err << "replay: " << why << "\n";
  }
  // The first failure tells most; with --repeat, how many failed too.
  const replay::ReplayResult* shown = &first;
  for (const auto& r : runs.results) {
    if (r.verdict != replay::Verdict::kSame) {
      shown = &r;
      break;
    }
  }
  out << verdict_line(*shown) << "\n" << shown->details;
  if (options.repeat > 1) {
    out << "replay: " << runs.failed << " of " << runs.results.size() << " replays failed\n";
  }
  return shown->exit_code();
}

}  // namespace amdrr::cli

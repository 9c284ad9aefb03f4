#include "replay/bisect.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "replay/memory_diff.h"
#include "replay/replay_trace.h"

namespace amdrr::replay {

namespace fs = std::filesystem;

std::optional<Predicate> Predicate::parse(const std::string& text) {
  Predicate p;
  if (text == "diverge") {
    p.kind = Kind::kDiverge;
  } else if (text == "fault") {
    p.kind = Kind::kFault;
  } else if (text == "hang") {
    p.kind = Kind::kHang;
  } else if (text.rfind("cmd:", 0) == 0 && text.size() > 4) {
    p.kind = Kind::kCommand;
    p.command = text.substr(4);
  } else {
    return std::nullopt;
  }
  return p;
}

std::string Predicate::name() const {
  switch (kind) {
    case Kind::kDiverge:
      return "diverge";
    case Kind::kFault:
      return "fault";
    case Kind::kHang:
      return "hang";
    case Kind::kCommand:
      return "cmd:" + command;
  }
  return "?";
}

ScratchDir::ScratchDir(const std::string& requested) {
  if (!requested.empty()) {
    std::error_code ec;
    fs::create_directories(requested, ec);
    path_ = requested;
    return;
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp").append("/amdrr-bisect-XXXXXX");
  if (::mkdtemp(pattern.data())) {
    path_ = pattern;
    owned_ = true;
  } else {
    std::error_code ec;
    path_ = fs::current_path(ec).string();  // no temporary directory: work here
  }
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  if (owned_) fs::remove_all(path_, ec);
}

PredicateRunner::PredicateRunner(Predicate predicate, ReplayTraceOptions replay,
                                 std::string work_dir)
    : predicate_(std::move(predicate)), replay_(replay), work_dir_(std::move(work_dir)) {}

Outcome PredicateRunner::test(const std::string& trace, uint64_t submissions,
                              ReplayResult* result) {
  ++replays_;
  *result = replay_trace(trace, replay_);
  if (predicate_.kind == Predicate::Kind::kCommand) {
    return run_command(trace, submissions, *result);
  }
  if (result->verdict == Verdict::kCannotReplay) return Outcome::kSkip;
  Verdict bad = Verdict::kGpuFault;
  if (predicate_.kind == Predicate::Kind::kDiverge) bad = Verdict::kDiverged;
  if (predicate_.kind == Predicate::Kind::kHang) bad = Verdict::kHang;
  return result->verdict == bad ? Outcome::kBad : Outcome::kGood;
}

Outcome PredicateRunner::run_command(const std::string& trace, uint64_t submissions,
                                     const ReplayResult& r) {
  const pid_t pid = ::fork();
  if (pid < 0) return Outcome::kSkip;
  if (pid == 0) {
    ::setenv(kEnvExit, std::to_string(verdict_exit_code(r.verdict)).c_str(), 1);
    ::setenv(kEnvVerdict, verdict_name(r.verdict), 1);
    ::setenv(kEnvMessage, r.message.c_str(), 1);
    ::setenv(kEnvTrace, trace.c_str(), 1);
    ::setenv(kEnvSubmissions, std::to_string(submissions).c_str(), 1);
    ::dup2(2, 1);  // bisect's own results stay alone on stdout
    ::execl("/bin/sh", "sh", "-c", predicate_.command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Outcome::kSkip;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Outcome::kGood;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 125) return Outcome::kSkip;
  return Outcome::kBad;
}

namespace {

// Submissions rung before record `record` of a rewritten trace.
size_t doorbells_before(const std::string& path, uint64_t record) {
  std::string error;
  auto reader = format::TraceReader::open(path, &error);
  if (!reader) return SIZE_MAX;
  size_t count = 0;
  while (auto view = reader->next()) {
    if (view->number >= record) break;
    if (view->record.which() == schema::Record::DOORBELL) ++count;
  }
  return count;
}

class Bisection {
 public:
  Bisection(const std::string& trace, const BisectOptions& options)
      : trace_(trace),
        options_(options),
        scratch_(options.work_dir),
        runner_(options.until, options.replay, scratch_.path()) {}

  BisectResult run();

 private:
  std::string prefix_path(size_t k) const {
    return scratch_.path() + "/prefix_" + std::to_string(k + 1) + ".amdrr";
  }
  // Writes and replays the prefix cut after submission k.
  std::optional<Outcome> test(size_t k, ReplayResult* result);
  // Replays the prefix cut after submission k as asked and serialized; where
  // their memory first differs ("" nowhere), nullopt if it cannot tell.
  std::optional<std::string> differs(size_t k);
  // The first submission in [0, hi] whose prefix differs, given that hi's does.
  std::optional<size_t> first_differing(size_t hi, std::string difference);
  bool differential() const {
    return options_.until.kind == Predicate::Kind::kDiverge && options_.differential;
  }
  void progress(size_t k, const std::string& what);
  // Fills in the culprit `hi` and writes its prefix to the output.
  BisectResult finish(size_t hi);

  const std::string& trace_;
  const BisectOptions& options_;
  ScratchDir scratch_;
  PredicateRunner runner_;
  std::unique_ptr<format::TraceReader> reader_;
  TraceSubmissions subs_;
  BisectResult out_;
  std::vector<VaRange> timestamps_;
  int differential_replays_ = 0;
};

void Bisection::progress(size_t k, const std::string& what) {
  if (!options_.progress) return;
  std::ostringstream line;
  line << "bisect: replay " << runner_.replays() + differential_replays_ << ": submissions 1.."
       << k + 1 << " of " << subs_.submissions.size() << ": " << what;
  options_.progress(line.str());
}

std::optional<std::string> Bisection::differs(size_t k) {
  MemorySnapshot runs[2];
  for (int reference = 0; reference < 2; ++reference) {
    RewritePlan plan;
    plan.cut_after = k;
    plan.serialize = reference == 1;
    plan.keep_memory = true;
    const std::string path = reference ? scratch_.path() + "/reference.amdrr" : prefix_path(k);
    std::string error;
    if (!rewrite_trace(*reader_, subs_, plan, path, nullptr, &error)) {
      out_.error = "cannot write the prefix: " + error;
      return std::nullopt;
    }
    ReplayTraceOptions options = options_.replay;
    options.inspect = [&](const AddressSpace& space) {
      runs[reference] = snapshot_memory(space, timestamps_);
    };
    ReplayResult r = replay_trace(path, options);
    ++differential_replays_;
    if (r.verdict == Verdict::kCannotReplay) {
      out_.error = "cannot tell at submission " + std::to_string(k + 1) + ": " + r.message;
      return std::nullopt;
    }
  }
  std::string difference = first_difference(runs[0], runs[1]);
  progress(k, difference.empty() ? "memory as the serialized run's"
                                 : difference + " from the serialized run's");
  return difference;
}

std::optional<size_t> Bisection::first_differing(size_t hi, std::string difference) {
  size_t lo = 0;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    auto d = differs(mid);
    if (!d) return std::nullopt;
    if (!d->empty()) {
      hi = mid;
      difference = *d;
    } else {
      lo = mid + 1;
    }
  }
  out_.by_memory = true;
  out_.failing = {};
  out_.failing.verdict = Verdict::kDiverged;
  out_.failing.message = "after submission " + std::to_string(hi + 1) + ", " + difference +
                         " from a serialized reference run";
  return hi;
}

std::optional<Outcome> Bisection::test(size_t k, ReplayResult* result) {
  RewritePlan plan;
  plan.cut_after = k;
  std::string error;
  if (!rewrite_trace(*reader_, subs_, plan, prefix_path(k), nullptr, &error)) {
    out_.error = "cannot write the prefix: " + error;
    return std::nullopt;
  }
  Outcome outcome = runner_.test(prefix_path(k), k + 1, result);
  progress(k, std::string(outcome == Outcome::kBad    ? "bad"
                          : outcome == Outcome::kGood ? "good"
                                                      : "cannot tell")
                  .append(" (")
                  .append(verdict_name(result->verdict))
                  .append(")"));
  if (outcome == Outcome::kSkip) {
    out_.error = "cannot tell at submission " + std::to_string(k + 1) + ": " + result->message;
    return std::nullopt;
  }
  return outcome;
}

BisectResult Bisection::run() {
  std::string error;
  reader_ = format::TraceReader::open(trace_, &error, rereading_limits());
  if (!reader_ || !index_submissions(*reader_, &subs_, &error)) {
    out_.error = error;
    return out_;
  }
  const size_t n = subs_.submissions.size();
  out_.submissions = n;
  if (n == 0) {
    out_.error = "the trace has no submissions";
    return out_;
  }
  // The whole trace must be bad; where its replay stopped bounds the culprit.
  ReplayResult whole;
  auto outcome = test(n - 1, &whole);
  if (!outcome) return out_;
  out_.replays = runner_.replays();
  out_.failing = whole;
  if (differential()) timestamps_ = timestamp_ranges(*reader_);
  if (*outcome == Outcome::kGood) {
    // No observation differs; the memory of the whole run still may.
    if (!differential()) return out_;
    auto d = differs(n - 1);
    out_.replays = runner_.replays() + differential_replays_;
    if (!d || d->empty()) return out_;
    auto first = first_differing(n - 1, *d);
    if (!first) return out_;
    return finish(*first);
  }
  size_t hi = n - 1;
  ReplayResult best = whole;
  if (options_.until.kind != Predicate::Kind::kCommand) {
    const size_t rung = doorbells_before(prefix_path(n - 1), whole.record);
    if (rung >= 1 && rung < n) {
      ReplayResult early;
      outcome = test(rung - 1, &early);
      if (!outcome) return out_;
      if (*outcome == Outcome::kBad) hi = rung - 1, best = early;
    }
  }
  size_t lo = 0;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    ReplayResult r;
    outcome = test(mid, &r);
    if (!outcome) return out_;
    if (*outcome == Outcome::kBad) {
      hi = mid;
      best = r;
    } else {
      lo = mid + 1;
    }
  }
  out_.failing = best;
  // The first observation that differs may be late: memory can differ earlier.
  if (differential()) {
    auto d = differs(hi);
    if (!d) return out_;
    if (!d->empty()) {
      auto first = first_differing(hi, *d);
      if (!first) return out_;
      hi = *first;
    }
  }
  return finish(hi);
}

BisectResult Bisection::finish(size_t hi) {
  std::string error;
  out_.found = true;
  out_.culprit = hi;
  out_.replays = runner_.replays() + differential_replays_;
  const Submission& s = subs_.submissions[hi];
  out_.culprit_record = s.record;
  const TraceQueue& queue = subs_.queue_of(s);
  out_.queue =
      std::string(queue_kind_name(queue.kind)).append(" queue ").append(std::to_string(s.queue_id));
  std::vector<uint32_t> packets;
  if (submission_packets(*reader_, s, &packets, &error)) {
    out_.packets = describe_packets(queue, packets, "  ");
  } else {
    out_.packets = "  (" + error + ")\n";
  }
  if (!options_.output.empty()) {
    std::error_code ec;
    fs::copy_file(prefix_path(hi), options_.output, fs::copy_options::overwrite_existing, ec);
    if (ec) out_.error = "cannot write " + options_.output + ": " + ec.message();
  }
  return out_;
}

}  // namespace

BisectResult bisect(const std::string& trace, const BisectOptions& options) {
  Bisection bisection(trace, options);
  return bisection.run();
}

}  // namespace amdrr::replay

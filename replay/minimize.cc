#include "replay/minimize.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

#include "replay/replay_trace.h"

namespace amdrr::replay {

namespace {

namespace fs = std::filesystem;

// ddmin (Zeller & Hildebrandt) over a list of items: returns a 1-minimal
// subset for which `bad` holds, given that it holds for `items`.
template <typename Bad>
std::vector<size_t> ddmin(std::vector<size_t> items, Bad&& bad) {
  size_t n = 2;
  while (items.size() >= 2) {
    const size_t chunk = (items.size() + n - 1) / n;
    std::vector<std::vector<size_t>> parts;
    for (size_t i = 0; i < items.size(); i += chunk) {
      parts.emplace_back(items.begin() + static_cast<long>(i),
                         items.begin() + static_cast<long>(std::min(items.size(), i + chunk)));
    }
    bool reduced = false;
    for (const auto& part : parts) {
      if (bad(part)) {
        items = part;
        n = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && parts.size() > 2) {
      for (size_t p = 0; p < parts.size() && !reduced; ++p) {
        std::vector<size_t> complement;
        for (size_t q = 0; q < parts.size(); ++q) {
          if (q != p) complement.insert(complement.end(), parts[q].begin(), parts[q].end());
        }
        if (bad(complement)) {
          items = std::move(complement);
          n = std::max<size_t>(n - 1, 2);
          reduced = true;
        }
      }
    }
    if (reduced) continue;
    if (n >= items.size()) break;
    n = std::min(items.size(), 2 * n);
  }
  return items;
}

class Minimizer {
 public:
  Minimizer(const std::string& trace, const MinimizeOptions& options)
      : trace_(trace),
        options_(options),
        scratch_(options.work_dir),
        runner_(options.until, options.replay, scratch_.path()) {}

  MinimizeResult run();

 private:
  // Writes and replays the candidate; true if it is bad.
  bool bad(const RewritePlan& plan, const std::string& path, RewriteStats* stats = nullptr);
  void report(const char* phase, uint64_t kept, uint64_t total) {
    if (options_.progress) options_.progress({phase, kept, total, runner_.replays()});
  }
  bool minimize_packets(RewritePlan& plan);

  const std::string& trace_;
  const MinimizeOptions& options_;
  ScratchDir scratch_;
  PredicateRunner runner_;
  std::unique_ptr<format::TraceReader> reader_;
  TraceSubmissions subs_;
  MinimizeResult out_;
  std::map<std::vector<bool>, bool> tried_;  // submission sets already replayed
  std::optional<std::string> failure_;       // the failure candidates must keep
};

bool Minimizer::bad(const RewritePlan& plan, const std::string& path, RewriteStats* stats) {
  std::string error;
  if (!rewrite_trace(*reader_, subs_, plan, path, stats, &error)) {
    if (out_.error.empty()) out_.error = "cannot write a candidate: " + error;
    return false;
  }
  ReplayResult result;
  const uint64_t kept = std::count(plan.keep.begin(), plan.keep.end(), true);
  const Outcome outcome = runner_.test(path, kept, &result);
  if (outcome != Outcome::kBad) return false;  // good, or cannot be judged: not kept
  if (failure_) {
    if (result.failure != *failure_) {
      ++out_.other_failures;
      return false;
    }
  } else if (options_.same_failure && options_.until.kind != Predicate::Kind::kCommand) {
    failure_ = result.failure;  // the whole trace's, tested first
  }
  out_.failing = result;
  return true;
}

bool Minimizer::minimize_packets(RewritePlan& plan) {
  for (size_t s = 0; s < subs_.submissions.size(); ++s) {
    if (!plan.keep[s]) continue;
    std::vector<uint32_t> packets;
    std::string error;
    if (!submission_packets(*reader_, subs_.submissions[s], &packets, &error)) {
      out_.error = error;
      return false;
    }
    const TraceQueue& queue = subs_.queue_of(subs_.submissions[s]);
    const auto spans = split_packets(queue, packets);
    std::vector<size_t> real;
    for (size_t p = 0; p < spans.size(); ++p) {
      auto packet = std::span<const uint32_t>(packets).subspan(spans[p].first, spans[p].second);
      if (!is_nop(queue, packet)) real.push_back(p);
    }
    // Packets left out become NOPs of the same length.
    auto with_only = [&](const std::vector<size_t>& keep) {
      std::vector<uint32_t> out = packets;
      std::vector<bool> kept(spans.size(), false);
      for (size_t p : keep) kept[p] = true;
      for (size_t p : real) {
        if (kept[p]) continue;
        std::vector<uint32_t> nops;
        append_nops(queue.kind, spans[p].second, &nops);
        std::copy(nops.begin(), nops.end(), out.begin() + static_cast<long>(spans[p].first));
      }
      return out;
    };
    const std::string path = scratch_.path() + "/packets.amdrr";
    size_t smallest = real.size();  // the smallest failing candidate so far
    auto kept = ddmin(real, [&](const std::vector<size_t>& keep) {
      RewritePlan candidate = plan;
      candidate.packets[s] = with_only(keep);
      const bool is_bad = bad(candidate, path);
      if (is_bad) smallest = std::min(smallest, keep.size());
      report("packets", smallest, real.size());
      return is_bad;
    });
    if (kept.size() < real.size()) plan.packets[s] = with_only(kept);
  }
  return true;
}

MinimizeResult Minimizer::run() {
  std::string error;
  reader_ = format::TraceReader::open(trace_, &error, rereading_limits());
  if (!reader_ || !index_submissions(*reader_, &subs_, &error)) {
    out_.error = error;
    return out_;
  }
  const size_t n = subs_.submissions.size();
  if (n == 0) {
    out_.error = "the trace has no submissions";
    return out_;
  }
  std::error_code ec;
  RewritePlan plan;
  plan.keep.assign(n, true);
  RewriteStats whole;
  const std::string whole_path = scratch_.path() + "/whole.amdrr";
  out_.reproduced = bad(plan, whole_path, &whole);
  out_.before = {whole.submissions, whole.packets, fs::file_size(trace_, ec)};
  out_.replays = runner_.replays();
  if (!out_.reproduced || !out_.error.empty()) return out_;
  report("submissions", n, n);

  std::vector<size_t> all(n);
  for (size_t i = 0; i < n; ++i) all[i] = i;
  const std::string path = scratch_.path() + "/candidate.amdrr";
  size_t smallest = n;  // the smallest failing candidate so far
  auto kept = ddmin(all, [&](const std::vector<size_t>& keep) {
    RewritePlan candidate;
    candidate.keep.assign(n, false);
    for (size_t i : keep) candidate.keep[i] = true;
    auto [it, fresh] = tried_.emplace(candidate.keep, false);
    if (fresh) it->second = bad(candidate, path);
    if (it->second) smallest = std::min(smallest, keep.size());
    report("submissions", smallest, n);
    return it->second;
  });
  plan.keep.assign(n, false);
  for (size_t i : kept) plan.keep[i] = true;
  if (options_.packets && !minimize_packets(plan)) return out_;

  // The result, replayed once more so the verdict printed is its own.
  RewriteStats final_stats;
  const std::string output = options_.output.empty() ? path : options_.output;
  if (!bad(plan, output, &final_stats) && out_.error.empty()) {
    out_.error = "the minimized trace no longer fails as the whole trace did (a flaky predicate?)";
  }
  out_.after = {final_stats.submissions, final_stats.packets, fs::file_size(output, ec)};
  out_.replays = runner_.replays();
  return out_;
}

}  // namespace

MinimizeResult minimize(const std::string& trace, const MinimizeOptions& options) {
  Minimizer minimizer(trace, options);
  return minimizer.run();
}

}  // namespace amdrr::replay

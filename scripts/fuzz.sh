#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-19, ASan + UBSan) in the sanitizer
# build (build-san/, scripts/build-sanitized.sh: in CI the asan stage has
# built it already) and runs each for SECONDS (default 600) on one core,
# starting from the seed corpora (tests/fuzz/make_corpus.sh, from the same
# build). Prints executions, coverage and crashes per target; a crash input
# is left in build-san/crashes/<target>/ and the script exits 1.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 25   (CI)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-600}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(packets engines shader code_object topology trace_file trace_record)
fuzz_build=${AMDRR_SAN_BUILD_DIR:-$root/build-san}

"$root/scripts/setup.sh"
# The targets, and what the seed corpora are made with.
AMDRR_SAN_BUILD_DIR=$fuzz_build "$root/scripts/build-sanitized.sh" "${targets[@]/#/fuzz_}" \
  fuzz_make_seeds hello dispatch write_sample_trace sim_dispatch_kernels

"$root/tests/fuzz/make_corpus.sh" "$fuzz_build" "$fuzz_build/seeds" >/dev/null
failed=0
printf '%-14s %10s %8s %8s %8s %s\n' target execs exec/s cov ft crashes
for t in "${targets[@]}"; do
  corpus=$fuzz_build/corpus/$t
  crashes=$fuzz_build/crashes/$t
  mkdir -p "$corpus" "$crashes"
  log=$fuzz_build/fuzz_$t.log
  status=0
  # A tmpfs topology tree per run; -rss_limit_mb catches an input that makes
  # the code under test allocate without bound.
  "$fuzz_build/tests/fuzz/fuzz_$t" "$corpus" "$fuzz_build/seeds/$t" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  found=$(find "$crashes" -type f | wc -l)
  printf '%-14s %10s %8s %8s %8s %s\n' "$t" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "$found"
  if ((status != 0 || found != 0)); then
    failed=1
    echo "fuzz_$t failed (exit $status); log: $log" >&2
    grep -m5 -E 'ERROR|SUMMARY|==[0-9]+==' "$log" >&2 || true
  fi
done
exit $failed

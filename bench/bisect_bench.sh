#!/usr/bin/env bash
# Bisect and minimize cost in replays against log2(submissions). For each N,
# captures tests/replay/bisect_workload N FAULT_AT on the emulated GPU (a real
# VM fault at submission FAULT_AT, about 3/4 of the way in), then runs
# `amdrr bisect --until fault` and `amdrr minimize --submissions-only
# --until fault` on it and prints the replays each took, side by side.
#
#   bench/bisect_bench.sh [BUILD_DIR] [N...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${AMDRR_BENCH_BUILD_DIR:-$root/build-release}}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(16 64 256 1024 4096)
amdrr=$build/cli/amdrr
workload=$build/tests/replay/bisect_workload
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

now() { date +%s.%N; }
printf '%12s %8s %10s %12s %10s %14s %12s\n' submissions log2 culprit bisect_replays bisect_s \
  minimize_replays minimize_s
for n in "${sizes[@]}"; do
  tail=$((n / 4 < 256 ? n / 4 : 256))  # submissions queued behind the fault fit the ring
  fault_at=$((n - tail))
  trace=$dir/w$n.amdrr
  AMDRR_BACKEND=sim AMDRR_CAPTURE=$trace "$workload" "$n" "$fault_at" >/dev/null 2>&1 || true
  t0=$(now)
  out=$("$amdrr" bisect "$trace" --until fault 2>/dev/null)
  t1=$(now)
  culprit=$(sed -n 's/^bisect: first bad submission: \([0-9]*\) .*/\1/p' <<<"$out")
  breplays=$(sed -n 's/^replays: \([0-9]*\).*/\1/p' <<<"$out")
  mout=$("$amdrr" minimize "$trace" -o "$dir/min.amdrr" --submissions-only --until fault 2>/dev/null)
  t2=$(now)
  mreplays=$(sed -n 's/^  replays *\([0-9]*\)/\1/p' <<<"$mout")
  msubs=$(sed -n 's/^  submissions *\([0-9]* -> [0-9]*\)/\1/p' <<<"$mout")
  [ "$culprit" = "$fault_at" ] || echo "bisect named submission $culprit, expected $fault_at" >&2
  printf '%12s %8.2f %10s %14s %10.2f %16s %12.2f   (minimize: %s submissions)\n' "$n" \
    "$(awk -v n="$n" 'BEGIN { print log(n) / log(2) }')" "$culprit" "$breplays" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$mreplays" \
    "$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')" "$msubs"
done

#!/usr/bin/env bash
# Builds (optimised) and runs every benchmark, printing each figure with its
# side-by-side comparison.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${AMDRR_BENCH_BUILD_DIR:-$root/build-release}
"$root/scripts/setup.sh"
AMDRR_BUILD_DIR=$build "$root/scripts/build.sh" -DCMAKE_BUILD_TYPE=Release
echo "== $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
"$build/bench/trace_bench"
"$root/bench/bisect_bench.sh" "$build"
"$build/bench/replay_bench"

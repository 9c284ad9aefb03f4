#!/usr/bin/env bash
# Configures and builds the clang-19 ASan + UBSan build (build-san/, or
# $AMDRR_SAN_BUILD_DIR) that CI uses twice: the whole suite runs on it
# (scripts/ci-sanitizers.sh asan) and its libFuzzer targets fuzz
# (scripts/fuzz.sh), one cold build instead of two. -DAMDRR_FUZZ=ON gives
# every library libFuzzer's coverage; only the fuzz_* targets link its main.
# -O1 without debug info is the quickest build whose reports stay readable
# (function names, through llvm-symbolizer).
# Usage: scripts/build-sanitized.sh [TARGET...]   (default: everything)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${AMDRR_SAN_BUILD_DIR:-$root/build-san}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
CC=clang-19 CXX=clang++-19 cmake -S "$root" -B "$build" -G Ninja -DAMDRR_FUZZ=ON \
  -DAMDRR_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=None -DCMAKE_C_FLAGS=-O1 -DCMAKE_CXX_FLAGS=-O1 \
  "${launcher[@]}" >/dev/null
targets=()
(($#)) && targets=(--target "$@")
cmake --build "$build" "${targets[@]}"

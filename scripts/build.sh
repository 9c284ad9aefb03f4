#!/usr/bin/env bash
# Configures and builds amdrr into build/ (or $AMDRR_BUILD_DIR).
# Extra arguments go to CMake, e.g. scripts/build.sh -DAMDRR_SANITIZE=ON.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${AMDRR_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -G Ninja "$@" >/dev/null
cmake --build "$build"

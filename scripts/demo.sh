#!/usr/bin/env bash
# Sets up, builds and runs the main job. For now: write a small trace and show
# `amdrr info` of it. Capture and replay of a sample workload come next.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${AMDRR_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
out=${AMDRR_DEMO_TRACE:-$build/demo.amdrr}
"$build/samples/write_sample_trace" "$out"
"$build/cli/amdrr" info "$out"

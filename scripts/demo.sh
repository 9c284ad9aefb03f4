#!/usr/bin/env bash
# Sets up, builds and runs the main job: capture a sample workload (a kernel
# compiled from source, run on PM4 and AQL queues) into a trace — on the
# emulated GPU when this machine has no usable AMD GPU — show what the trace
# holds, and replay it, checking that it behaves as recorded.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${AMDRR_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
trace=${AMDRR_DEMO_TRACE:-$build/demo.amdrr}
echo "== amdrr capture -o $trace -- samples/dispatch"
"$build/cli/amdrr" capture -o "$trace" -- "$build/samples/dispatch" --elements 65536
echo
echo "== amdrr info $trace"
"$build/cli/amdrr" info "$trace"
echo
echo "== amdrr replay $trace"
"$build/cli/amdrr" replay "$trace"

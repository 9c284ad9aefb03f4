#!/usr/bin/env bash
# Sets up, builds and runs the main job: capture a sample workload (a kernel
# compiled from source, run on PM4 and AQL queues) into a trace — on the
# emulated GPU when this machine has no usable AMD GPU — show what the trace
# holds, and replay it, checking that it behaves as recorded. Then capture a
# known-failing sample (fault_vm: an SDMA copy to an address nothing maps),
# replay it (exit 2: GPU fault), bisect it to its culprit submission and
# minimize it to the packet that faults; and capture fault_race, which loses
# its race, and bisect it by differential replay to the racing submission.
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

echo
fault=${AMDRR_DEMO_FAULT_TRACE:-$build/demo_fault_vm.amdrr}
echo "== amdrr capture -o $fault -- samples/fault_vm   (fails by design: exit 1)"
"$build/cli/amdrr" capture -o "$fault" -- "$build/samples/fault_vm" || true
echo
echo "== amdrr replay $fault   (expect exit 2: GPU fault)"
rc=0
"$build/cli/amdrr" replay "$fault" || rc=$?
echo "exit $rc"
test "$rc" -eq 2
echo
echo "== amdrr bisect $fault --until fault -o $build/demo_fault_prefix.amdrr"
"$build/cli/amdrr" bisect "$fault" --until fault -o "$build/demo_fault_prefix.amdrr"
echo
echo "== amdrr minimize $fault -o $build/demo_fault_min.amdrr --until fault"
"$build/cli/amdrr" minimize "$fault" -o "$build/demo_fault_min.amdrr" --until fault

echo
race=${AMDRR_DEMO_RACE_TRACE:-$build/demo_fault_race.amdrr}
echo "== amdrr capture -o $race -- samples/fault_race   (loses its race under seed 0: exit 1)"
AMDRR_SIM_SEED=0 "$build/cli/amdrr" capture -o "$race" -- "$build/samples/fault_race" || true
echo
echo "== amdrr bisect $race --until diverge   (memory compared with a serialized run)"
"$build/cli/amdrr" bisect "$race" --until diverge

#!/usr/bin/env bash
# queue_stress under capture, then its trace replayed: exit 0 only when both
# the run verified and the replay matched.
# Usage: captured.sh AMDRR QUEUE_STRESS SUBMISSIONS
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$1" capture -o "$dir/stress.amdrr" -- "$2" --submissions "$3"
"$1" replay "$dir/stress.amdrr"

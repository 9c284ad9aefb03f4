#!/usr/bin/env bash
# Builds the fuzz targets' seed corpora in OUT/<target>/ from a normal
# (g++) build in BUILD: the committed text seeds (tests/fuzz/corpus), code
# objects built from source, traces captured from samples on the emulated
# GPU, and packet streams from lib/pkt's builders (fuzz_make_seeds).
# Usage: tests/fuzz/make_corpus.sh BUILD OUT
set -euo pipefail
build=$(cd "$1" && pwd)
out=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out"
cp -r "$here/corpus/." "$out/"

traces=$(mktemp -d)
trap 'rm -rf "$traces"' EXIT
export AMDRR_BACKEND=sim
AMDRR_CAPTURE=$traces/dispatch.amdrr "$build/samples/dispatch" --elements 256 >/dev/null
AMDRR_CAPTURE=$traces/hello.amdrr "$build/samples/hello" >/dev/null
"$build/samples/write_sample_trace" "$traces/sample.amdrr" >/dev/null

mapfile -t codes < <(find "$build/samples/kernels" "$build/tests/lib/sim" -name '*.co' | sort)
"$build/tests/fuzz/fuzz_make_seeds" "$out" --code "${codes[@]}" \
  --trace "$traces/dispatch.amdrr" "$traces/hello.amdrr" "$traces/sample.amdrr"

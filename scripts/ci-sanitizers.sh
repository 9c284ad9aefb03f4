#!/usr/bin/env bash
# CI's sanitizer stage, after scripts/test.sh:
#   asan  the whole suite built with ASan + UBSan by clang-19 (build-san/,
#         scripts/build-sanitized.sh; scripts/fuzz.sh then reuses it);
#   tsan  the threaded emulator (AMDRR_SIM_MODE=threaded: its scheduler tests
#         and every sample on it) and the trace writer's background
#         compressor (FramePipeline, via the format tests) under TSan
#         (build-tsan/). fault_race's race is between GPU queues (an order
#         the program does not enforce), not a host data race: the emulator
#         synchronises every access, so it runs unsuppressed.
# Usage: scripts/ci-sanitizers.sh [asan] [tsan]   (default: both)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
stages=("$@")
((${#stages[@]})) || stages=(asan tsan)
jobs=$(nproc)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)

for stage in "${stages[@]}"; do
  case $stage in
    asan)
      build=${AMDRR_SAN_BUILD_DIR:-$root/build-san}
      "$root/scripts/build-sanitized.sh"
      # The whole suite, kill_torture too (it lets its signals reach the
      # capture's handlers, not ASan's). AMDRR_ASAN_EXCLUDE leaves out known
      # failures (a regex).
      exclude=()
      [[ -n ${AMDRR_ASAN_EXCLUDE:-} ]] && exclude=(-E "$AMDRR_ASAN_EXCLUDE")
      (cd "$build" && ASAN_OPTIONS=detect_leaks=1 \
        ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-19/bin/llvm-symbolizer UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --output-on-failure -j"$jobs" --timeout 900 "${exclude[@]}")
      ;;
    tsan)
      build=$root/build-tsan
      # -O2 without debug info: quicker than the default -g build, and g++ 12 at
      # -O1 warns falsely (-Warray-bounds) in lib/driver/compute_queue.cc.
      cmake -S "$root" -B "$build" -G Ninja -DAMDRR_TSAN=ON -DAMDRR_BUILD_BENCH=OFF \
        -DCMAKE_BUILD_TYPE=None -DCMAKE_C_FLAGS=-O2 -DCMAKE_CXX_FLAGS=-O2 "${launcher[@]}" >/dev/null
      cmake --build "$build" --target sim_engine_test format_test hello sdma_stress dispatch \
        overlap fault_race fault_hang
      cmake --build "$build" --target capture_close_test
      export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
      "$build/tests/lib/sim/sim_engine_test" --gtest_filter='Threaded*'
      "$build/tests/format/format_test"
      "$build/tests/capture/capture_close_test"
      export AMDRR_BACKEND=sim AMDRR_SIM_MODE=threaded
      s=$build/samples
      "$s/dispatch" --elements 4096 --queue both
      AMDRR_SIM_GPUS=2 "$s/overlap" --elements 16384 --chunks 8
      "$s/hello"
      "$s/sdma_stress" --max-size 256K --iterations 2 >/dev/null
      "$s/fault_hang" || [[ $? == 1 ]]  # a hang, reported: exit 1
      # Its exit code is the outcome of the GPU-side race it exists to show.
      "$s/fault_race" || [[ $? == 1 ]]
      echo "tsan: threaded emulator and background compressor clean"
      ;;
    *)
      echo "unknown stage $stage" >&2
      exit 2
      ;;
  esac
done

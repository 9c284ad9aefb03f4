#!/usr/bin/env bash
# Kill torture: runs sample programs under capture on the emulated GPU and
# kills each at a random moment — SIGKILL mostly, SIGSEGV / SIGABRT / SIGTERM
# every few rounds — then checks the trace it left:
#   * `amdrr info` reads it without crashing and says how it ended (a killed
#     run: "cut short", or "ended cleanly" when the kill came after the
#     writer closed the trace; a run that finished first: "ended cleanly");
#   * every complete frame reads back: info's record count is at least the
#     records of the frames zstd itself can decode (the last flushed frame);
#   * `amdrr replay` fails cleanly or succeeds: exit 0, 1, 2, 3 or 125,
#     never a signal or a hang.
# Usage: tests/kill/kill_torture.sh BUILD_DIR [ROUNDS=100] [SEED=1]
# Prints "N passed, M failed" and exits non-zero on any failure.
set -uo pipefail
build=$(cd "$1" && pwd)
rounds=${2:-100}
RANDOM=${3:-1}
amdrr=$build/cli/amdrr
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export AMDRR_BACKEND=sim AMDRR_CAPTURE_FLUSH_MS=20
# On an ASan build the signals sent here must reach the capture's handlers as
# on any other: ASan's own SIGSEGV / SIGBUS / SIGABRT handler would report
# them and exit 1, and it deadlocks (one thread in FutexWait, for ever) when
# the signal lands during LeakSanitizer's exit-time check, which holds the
# thread-registry lock its report needs. Appended: these settings win.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0:handle_sigbus=0:handle_abort=0"

programs=(
  "overlap --elements 262144 --chunks 32"
  "dispatch --elements 65536 --queue both"
  "sdma_stress --max-size 1M --iterations 2"
  "hello"
)
# Each program's run time under capture: the kill lands uniformly inside it.
durations=()
for p in "${programs[@]}"; do
  start=$(date +%s%N)
  AMDRR_CAPTURE=$work/probe.amdrr "$build/samples/"$p >/dev/null 2>&1
  durations+=($((($(date +%s%N) - start) / 1000000 + 1)))
done

passed=0 failed=0 killed=0 finished=0 no_trace=0
declare -A by_signal=()
fail() {
  echo "FAIL round $1 (${2}, ${3} after ${4} ms): $5" >&2
  failed=$((failed + 1))
}
for ((i = 1; i <= rounds; i++)); do
  pick=$((RANDOM % ${#programs[@]}))
  program=${programs[$pick]}
  case $((i % 8)) in
    2) sig=SEGV ;; 4) sig=ABRT ;; 6) sig=TERM ;; *) sig=KILL ;;
  esac
  delay_ms=$((RANDOM % durations[pick]))
  trace=$work/t$i.amdrr
  AMDRR_CAPTURE=$trace "$build/samples/"$program >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v ms="$delay_ms" "BEGIN { print ms / 1000 }")"
  if kill -s "$sig" "$pid" 2>/dev/null; then
    was_killed=1
  else
    was_killed=0
  fi
  wait "$pid" 2>/dev/null
  rc=$?
  # A signal that arrived after exit began does not count as a kill.
  ((was_killed && rc <= 128)) && was_killed=0
  if [[ ! -s $trace ]]; then
    # Killed before the header frame reached the file: nothing to read.
    ((was_killed)) || { fail "$i" "$program" "$sig" "$delay_ms" "finished but left no trace"; continue; }
    no_trace=$((no_trace + 1))
    passed=$((passed + 1))
    continue
  fi
  info=$("$amdrr" info "$trace" 2>&1)
  info_rc=$?
  if ((info_rc > 2)); then
    fail "$i" "$program" "$sig" "$delay_ms" "amdrr info exited $info_rc"
    continue
  fi
  if ((was_killed)); then
    killed=$((killed + 1))
    by_signal[$sig]=$((${by_signal[$sig]:-0} + 1))
    # Killed while exiting, after the writer closed the trace: clean is right.
    if ! grep -qiE "^status .*(cut short|ended cleanly)" <<<"$info"; then
      fail "$i" "$program" "$sig" "$delay_ms" "info does not say cut short: $(grep '^status' <<<"$info")"
      continue
    fi
  else
    finished=$((finished + 1))
    if ! grep -qi "^status .*ended cleanly" <<<"$info"; then
      fail "$i" "$program" "$sig" "$delay_ms" "finished run not clean: $(grep '^status' <<<"$info")"
      continue
    fi
  fi
  # zstd decodes the complete frames; the reader must give every record in them.
  flushed=$(zstd -dc "$trace" 2>/dev/null | wc -c)
  records=$(sed -n 's/^records *\([0-9]*\) .*/\1/p' <<<"$info")
  if ((flushed > 0)) && [[ -z $records || $records -lt 1 ]]; then
    fail "$i" "$program" "$sig" "$delay_ms" "zstd decodes $flushed bytes but info read no records"
    continue
  fi
  timeout -s KILL 120 "$amdrr" replay --timeout-ms 10000 "$trace" >/dev/null 2>&1
  replay_rc=$?
  case $replay_rc in
    0 | 1 | 2 | 3 | 125) ;;
    *)
      fail "$i" "$program" "$sig" "$delay_ms" "amdrr replay exited $replay_rc"
      continue
      ;;
  esac
  passed=$((passed + 1))
done
sigs=""
for s in KILL SEGV ABRT TERM; do sigs+=" $s=${by_signal[$s]:-0}"; done
echo "kill torture: $rounds rounds: $killed killed mid-capture ($sigs ), $finished finished first, $no_trace killed before the first frame"
echo "$passed passed, $failed failed"
((failed == 0))

#!/usr/bin/env bash
# expect.sh EXIT REGEX -- COMMAND...: runs COMMAND, passes when it exits with
# EXIT and its output (stdout + stderr) matches REGEX.
set -u
want=$1 pattern=$2
shift 3
out=$("$@" 2>&1)
got=$?
printf '%s\n' "$out"
if [[ $got -ne $want ]]; then
  echo "expect.sh: exit $got, wanted $want" >&2
  exit 1
fi
if ! grep -Eq -- "$pattern" <<<"$out"; then
  echo "expect.sh: output does not match /$pattern/" >&2
  exit 1
fi

#!/usr/bin/env bash
# Installs what amdrr needs from Debian's packages. Idempotent: when every
# package is present it only checks (well under a second) and changes nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libdrm-dev capnproto libcapnp-dev libzstd-dev zstd libxxhash-dev
  libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  # amdrr timeline's tests check the HTML with libxml2.
  libxml2-dev
  # The amdgcn target (gfx942 needs LLVM >= 17) builds the sample kernels.
  clang-19 llvm-19 lld-19
  # libFuzzer and the sanitizer runtimes for clang-19 (scripts/fuzz.sh).
  libclang-rt-19-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
echo "setup: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

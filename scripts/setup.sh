#!/usr/bin/env bash
# Installs Cutover's build and test dependencies (Debian packages) and builds it.
#   scripts/setup.sh [BUILD_DIR] [--target TARGET] [extra cmake args...]     default BUILD_DIR: build
# --target builds only TARGET (e.g. fuzz: the fuzz targets) instead of everything.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
target=()
if [[ ${1:-} == --target ]]; then
  target=(--target "$2")
  shift 2
fi

# clang and libclang-rt-14-dev (its sanitizer and libFuzzer runtimes): the fuzz build of scripts/test.sh
packages=(build-essential cmake pkg-config libmicrohttpd-dev libgnutls28-dev libcjson-dev libsqlite3-dev libyaml-dev
          libcunit1-dev libcurl4-openssl-dev curl jq zsh clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# the fidelity tests drive a real kubectl; Debian's kubernetes-client provides one where none is
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cmake -S . -B "$build" -DCUTOVER_WERROR=ON "$@" >/dev/null
cmake --build "$build" -j"$(nproc)" "${target[@]}"

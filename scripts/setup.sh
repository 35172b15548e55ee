#!/usr/bin/env bash
# Installs Cutover's build and test dependencies (Debian packages) and builds it.
#   scripts/setup.sh [BUILD_DIR] [extra cmake args...]     default BUILD_DIR: build
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true

packages=(build-essential cmake pkg-config libmicrohttpd-dev libgnutls28-dev libcjson-dev libsqlite3-dev libyaml-dev
          libcunit1-dev libcurl4-openssl-dev curl jq zsh)
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
cmake --build "$build" -j"$(nproc)"

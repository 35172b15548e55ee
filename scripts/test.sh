#!/usr/bin/env bash
# Builds Cutover twice (warnings as errors; then AddressSanitizer + UndefinedBehaviorSanitizer)
# and runs the whole test suite on both with ctest. The last lines are ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build-asan -DCUTOVER_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j2
scripts/setup.sh build
ctest --test-dir build --output-on-failure -j2

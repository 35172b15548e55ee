#!/usr/bin/env bash
# Builds Cutover twice (warnings as errors; then AddressSanitizer + UndefinedBehaviorSanitizer)
# and runs the whole test suite on both with ctest; then builds the fuzz targets with clang's
# libFuzzer (plus ASan and UBSan) and runs each for a bounded number of inputs. The last lines are
# ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build-asan -DCUTOVER_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j2
scripts/setup.sh build
ctest --test-dir build --output-on-failure -j2
# The fuzz targets under libFuzzer: only they are built (see tests/fuzz/CMakeLists.txt).
CC=clang scripts/setup.sh build-fuzz --target fuzz -DCUTOVER_FUZZ=ON -DCUTOVER_SANITIZE=ON
ctest --test-dir build-fuzz -R '^fuzz\.' --output-on-failure

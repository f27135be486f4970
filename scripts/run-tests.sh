#!/usr/bin/env bash
# The whole test suite on a fresh machine: set up, then build and run every
# test three times: gcc with warnings as errors; ASan+UBSan (leaks
# included); clang with the libFuzzer targets (which replay their corpus).
# Exit status is non-zero if anything fails.
#   scripts/run-tests.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/setup.sh
quo_install_missing
jobs=$(nproc)

echo "== build (gcc, -Werror)"
quo_build build -DQUO_WERROR=ON
echo "== tests"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== build (ASan+UBSan, -Werror)"
quo_build build-asan -DQUO_WERROR=ON -DQUO_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
echo "== tests under ASan+UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"

echo "== build (clang, libFuzzer targets, -Werror)"
quo_build build-fuzz-ci -DCMAKE_C_COMPILER=clang -DQUO_FUZZ=ON -DQUO_WERROR=ON
echo "== tests with the libFuzzer build (corpus replay with -runs=0, and the rest)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-fuzz-ci --output-on-failure -j"$jobs"

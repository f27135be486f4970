#!/usr/bin/env bash
# The whole test suite on a fresh machine: set up, then build and run every
# test three times, each a preset of CMakePresets.json: dev (gcc with
# warnings as errors), asan (ASan+UBSan, leaks included), fuzz (clang with
# the libFuzzer targets, which replay their corpus).
# Exit status is non-zero if anything fails.
#   scripts/run-tests.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/setup.sh
quo_install_missing
jobs=$(nproc)

pass() {
  local preset=$1 what=$2
  echo "== build ($what)"
  quo_preset "$preset"
  echo "== tests ($what)"
  ctest --preset "$preset" -j"$jobs"
}
pass dev "gcc, -Werror"
pass asan "ASan+UBSan, -Werror"
pass fuzz "clang, libFuzzer targets, -Werror; corpus replay with -runs=0"

#!/usr/bin/env bash
# Benchmarks of the validator (figures, not pass/fail). Builds a Release
# tree in build-bench/ and writes reports/bench/validate.md.
#   bench/run.sh [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/setup.sh
quo_install_missing
quo_build build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
out=reports/bench
mkdir -p "$out"
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT

{
  echo "# Validator benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(uname -m))"
  echo
  build-bench/bench/bench_validate --rounds "${1:-7}" --write-corpus "$corpus"
  echo
  echo "## quo-validate request on 10,000 files (one process)"
  echo
  files=("$corpus"/*.json)
  best=""
  for _ in 1 2 3 4 5; do
    t0=$(date +%s.%N)
    build-bench/tools/quo-validate request "${files[@]}" >/dev/null || [ $? -eq 1 ]
    t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    best=$(awk -v t="$t" -v b="${best:-1e9}" 'BEGIN { print (t < b ? t : b) }')
  done
  printf 'best of 5: %.3f s for %d files\n' "$best" "${#files[@]}"
} | tee "$out/validate.md.tmp"
mv "$out/validate.md.tmp" "$out/validate.md"

#!/usr/bin/env bash
# Benchmark (a figure, never a pass/fail test): the wall time of a full
# quo-conformance run against the embedded mock, start to exit (spec load,
# case derivation, mock start, every request, every check, the reports).
# Target: under 1 s. Uses hyperfine when installed, else a loop timed with
# `date +%s.%N`. Also times CK_FORK=no (one process, no per-case fork) for
# comparison. Writes reports/bench/conformance.md.
#   bench/conformance/run.sh [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. scripts/setup.sh
quo_install_missing
build=build-bench-conformance
quo_build "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
runs=${1:-10}
prog=$build/suite/quo-conformance
out=reports/bench
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cases=$("$prog" --list | tail -n 1)   # "N cases (M requests) of N generated"
"$prog" --report-dir "$work/check" >/dev/null   # one run must pass before timing it

# time_runs LABEL [ENV=VALUE]: min / median / mean wall seconds over $runs runs.
time_runs() {
  local label=$1 envset=${2:-}
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s.%N)
    env $envset "$prog" --report-dir "$work/r" >/dev/null
    t1=$(date +%s.%N)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" '
    { t[NR] = $1; sum += $1 }
    END { med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
          printf "| %s | %.3f | %.3f | %.3f | %d |\n", label, t[1], med, sum / NR, NR }'
}

{
  echo "# quo-conformance: full run against the embedded mock"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(uname -m); $cases."
  echo "Target: under 1 s wall for the full run (fork mode, the default)."
  echo
  if command -v hyperfine >/dev/null 2>&1; then
    echo "Timed with hyperfine ($runs runs, 2 warm-up):"
    echo
    hyperfine --warmup 2 --runs "$runs" --style none \
      --export-markdown "$work/h.md" \
      -n "fork mode (default)" "$prog --report-dir $work/r" \
      -n "CK_FORK=no" "env CK_FORK=no $prog --report-dir $work/r" >/dev/null
    cat "$work/h.md"
  else
    echo "Timed with \`date +%s.%N\` around each run (hyperfine is not installed):"
    echo
    echo "| mode | min s | median s | mean s | runs |"
    echo "|---|---:|---:|---:|---:|"
    time_runs "fork mode (default): a forked check per case"
    time_runs "CK_FORK=no: one process" "CK_FORK=no"
  fi
} | tee "$out/conformance.md.tmp"
mv "$out/conformance.md.tmp" "$out/conformance.md"

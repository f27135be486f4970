#!/usr/bin/env bash
# fuzz/run.sh TARGET SECONDS - one time-bounded libFuzzer session.
#
# Fuzzes TARGET (one of fuzz/targets) for SECONDS over corpus/TARGET with fuzz/TARGET.dict, merges the new inputs
# that add coverage into corpus/TARGET (-merge=1, which keeps a minimal
# set), minimises every distinct crash, and writes
# reports/fuzz/TARGET.md and reports/fuzz/TARGET.json (atomically): execs/s,
# edges and features, corpus size, crashes with reproducer paths and the
# command that replays each.
#
# Environment:
#   QUO_SOURCE_DIR      the project (default: the parent of this script's dir)
#   QUO_FUZZ_BUILD_DIR  build tree configured with -DQUO_FUZZ=ON and clang
#                       (default: build-fuzz)
#   JOBS                parallel fuzzing processes (default: all cores)
#   MODE                fork (default: -fork=JOBS, keeps going after crashes)
#                       or jobs (-jobs=JOBS -workers=JOBS: independent
#                       processes; with JOBS=1 a single process on one core)
#   MERGE=0             do not merge new inputs into corpus/
#   MINIMIZE=0          do not minimise crashes
# Exit status: 0 no crash, 1 crashes found (see the report), 2 usage or
# build problem.
set -euo pipefail

root=${QUO_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
mapfile -t known < <(awk '!/^#/ && NF {print $1}' "$root/fuzz/targets")
usage() {
    echo "usage: fuzz/run.sh TARGET SECONDS" >&2
    echo "  TARGET: ${known[*]} (fuzz/targets)" >&2
    exit 2
}
[ $# -eq 2 ] || usage
target=$1
seconds=$2
[[ " ${known[*]} " == *" $target "* ]] || usage
case $seconds in ''|*[!0-9]*) usage ;; esac
[ "$seconds" -gt 0 ] || usage

build=${QUO_FUZZ_BUILD_DIR:-$root/build-fuzz}
jobs=${JOBS:-$(nproc)}
mode=${MODE:-fork}
bin=$build/fuzz/$target
corpus=$root/corpus/$target
dict=$root/fuzz/$target.dict
out=$root/reports/fuzz
work=$out/work/$target
stamp=$(date -u +%Y%m%dT%H%M%SZ)
artifacts=$out/artifacts/$target/$stamp
log=$out/$target.log

if [ ! -x "$bin" ]; then
    echo "run.sh: $bin not found; build it first:" >&2
    echo "  cmake --preset fuzz && cmake --build --preset fuzz -j2 --target $target" >&2
    exit 2
fi
# (Output captured first: with pipefail, grep -q closing the pipe early
# would make the check itself fail.)
help=$("$bin" -help=1 2>&1 || true)
if [[ $help != *-runs* ]]; then
    echo "run.sh: $bin is a replay executable, not a libFuzzer target: configure $build with -DQUO_FUZZ=ON and clang" >&2
    exit 2
fi
case $mode in fork|jobs) ;; *) echo "run.sh: MODE must be fork or jobs" >&2; exit 2 ;; esac

rm -rf "$work"
mkdir -p "$work/new" "$artifacts" "$corpus"

# Options from fuzz/TARGET.options ([libfuzzer] section, key = value),
# except dict: the dictionary is passed explicitly.
opts=()
if [ -f "$root/fuzz/$target.options" ]; then
    while IFS= read -r line; do
        opts+=("$line")
    done < <(awk -F' *= *' '/^\[/{s=($0=="[libfuzzer]")} s && NF==2 && $1!="dict" && $1!~/^[#;]/{print "-" $1 "=" $2}' \
        "$root/fuzz/$target.options")
fi
# Read-only extra seeds (never merged into corpus/: third-party data).
extra=()
if [ "$target" = fuzz_json ]; then
    jts=${QUO_TESTDATA_DIR:-$root/../shared/testdata}/JSONTestSuite/test_parsing
    [ -d "$jts" ] && extra+=("$jts")
fi

common=(-max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts/"
        -dict="$dict" -timeout=10 -rss_limit_mb=2048 "${opts[@]}")
if [ "$mode" = fork ]; then
    parallel=(-fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
else
    parallel=(-jobs="$jobs" -workers="$jobs")
fi
cmd=("$bin" "${common[@]}" "${parallel[@]}" "$work/new" "$corpus" "${extra[@]}")
rel() { echo "${1#"$root"/}"; }

before_files=$(find "$corpus" -type f | wc -l)
echo "run.sh: fuzzing $target for ${seconds}s ($mode, $jobs job(s)); log: $(rel "$log")"
start=$(date +%s)
status=0
(cd "$work" && QUO_BASE_URL=${QUO_BASE_URL:-} "${cmd[@]}") >"$log" 2>&1 || status=$?
end=$(date +%s)
elapsed=$((end - start))
[ "$elapsed" -gt 0 ] || elapsed=1
# (-jobs mode: libFuzzer copies each job's fuzz-N.log into its own output
# when the job ends, so $log has everything.)

# --- statistics -----------------------------------------------------------
# Status lines: "#N ... cov: E ft: F corp: C[/S] ... exec/s: X" (plain) or
# "#N: cov: E ft: F corp: C exec/s: X ..." (fork parent).
stats=$(awk '
    /cov: [0-9]+ ft: [0-9]+/ {
        for (i = 1; i <= NF; i++) {
            if ($i == "cov:") c = $(i+1); if ($i == "ft:") f = $(i+1)
        }
        if (!seen) { c0 = c; f0 = f; seen = 1 }
        if (c + 0 > cmax) cmax = c + 0; if (f + 0 > fmax) fmax = f + 0
        n = $1; gsub(/[#:]/, "", n); if (n + 0 > runs_line) runs_line = n + 0
    }
    /^stat::number_of_executed_units:/ { units += $2; have_units = 1 }
    /^stat::average_exec_per_sec:/ { eps += $2; have_eps = 1 }
    /^stat::peak_rss_mb:/ { if ($2 + 0 > rss) rss = $2 + 0 }
    /^Done [0-9]+ runs/ { done_runs += $2 }
    END {
        execs = have_units ? units : (done_runs ? done_runs : runs_line)
        printf "%d %d %d %d %d %d %d\n", execs, (have_eps ? eps : -1), cmax, fmax, c0, f0, rss
    }' "$log")
read -r execs lf_eps edges features edges0 features0 peak_rss <<<"$stats"
wall_eps=$((execs / elapsed))
[ "$lf_eps" -ge 0 ] || lf_eps=$wall_eps

# --- merge new inputs into the corpus (minimised set) ---------------------
new_units=$(find "$work/new" -type f | wc -l)
if [ "${MERGE:-1}" != 0 ] && [ "$new_units" -gt 0 ]; then
    "$bin" -merge=1 -merge_control_file="$work/merge.ctl" -timeout=10 -rss_limit_mb=2048 \
        "$corpus" "$work/new" >"$work/merge.log" 2>&1 || echo "run.sh: merge failed, see $(rel "$work/merge.log")" >&2
fi
after_files=$(find "$corpus" -type f | wc -l)
corpus_bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
# Coverage of the corpus as it is now, the figure to compare across sessions.
# (0 0 when an input of the corpus still crashes the target.)
read -r corpus_edges corpus_features < <("$bin" -runs=0 "$corpus" 2>&1 |
    awk '/INITED/ {for (i = 1; i <= NF; i++) {if ($i == "cov:") c = $(i+1); if ($i == "ft:") f = $(i+1)}} END {print c + 0, f + 0}')

# --- crashes: minimise, reproduce once for the message --------------------
# Fork mode keeps going after a crash, so one bug may leave many inputs:
# each is replayed for its first message, and only the first input per
# distinct message is minimised and listed; the rest are counted.
crash_json=""
crash_md=""
ncrash=0
nunique=0
seen_messages=$work/messages
: >"$seen_messages"
for f in "$artifacts"/*; do
    [ -f "$f" ] || continue
    name=$(basename "$f")
    case $name in crash-*|leak-*|timeout-*|oom-*|slow-unit-*) ;; *) continue ;; esac
    ncrash=$((ncrash + 1))
    kind=${name%%-*}
    first=$(timeout 60 "$bin" "$f" 2>&1 | grep -a -m1 -E 'fuzz property violated|ERROR: |SUMMARY: ' |
        sed -e 's/==[0-9]*==//' -e 's/0x[0-9a-f]*/0x/g' | cut -c1-300 || true)
    if grep -qxF -- "$kind $first" "$seen_messages"; then
        continue
    fi
    echo "$kind $first" >>"$seen_messages"
    nunique=$((nunique + 1))
    repro=$f
    if [ "${MINIMIZE:-1}" != 0 ] && [ "$kind" = crash -o "$kind" = leak ]; then
        min=$artifacts/minimized-$name
        if "$bin" -minimize_crash=1 -max_total_time=60 -runs=100000 -exact_artifact_path="$min" \
            "$f" >"$work/minimize-$name.log" 2>&1 || [ -f "$min" ]; then
            [ -f "$min" ] && repro=$min
        fi
    fi
    message=$(timeout 60 "$bin" "$repro" 2>&1 | grep -a -m1 -E 'fuzz property violated|ERROR: |SUMMARY: ' |
        cut -c1-300 || true)
    cmd1="$(rel "$bin") $(rel "$repro")"
    cmd2="build-fuzz-gcc/fuzz/$target $(rel "$repro")"
    esc() { sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/ /g' <<<"$1" | tr -d '\000-\037'; }
    [ -n "$crash_json" ] && crash_json+=","
    crash_json+=$(printf '\n    {"kind": "%s", "path": "%s", "original": "%s", "message": "%s", "replay": ["%s", "%s"]}' \
        "$kind" "$(esc "$(rel "$repro")")" "$(esc "$(rel "$f")")" "$(esc "$message")" \
        "$(esc "$cmd1")" "$(esc "$cmd2")")
    crash_md+="| $kind | \`$(rel "$repro")\` | ${message//|/\\|} | \`$cmd1\` |"$'\n'
done

# --- reports (temp file + fsync + rename) ---------------------------------
write_atomic() {
    local dest=$1 tmp
    tmp=$(mktemp "$dest.XXXXXX")
    cat >"$tmp"
    sync "$tmp"
    mv -f "$tmp" "$dest"
}
crash_close=""
[ -z "$crash_json" ] || crash_close=$'\n  '
command_line="fuzz/run.sh $target $seconds  (MODE=$mode JOBS=$jobs)"
libfuzzer_line="$(rel "$bin") ${common[*]} ${parallel[*]} $(rel "$work/new") $(rel "$corpus") ${extra[*]}"
libfuzzer_line=${libfuzzer_line//"$root/"/}
libfuzzer_line=${libfuzzer_line% }
write_atomic "$out/$target.json" <<EOF
{
  "target": "$target",
  "date": "$stamp",
  "command": "$command_line",
  "libfuzzer_command": "$(sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' <<<"$libfuzzer_line")",
  "mode": "$mode",
  "jobs": $jobs,
  "seconds": $elapsed,
  "execs": $execs,
  "execs_per_sec": $lf_eps,
  "execs_per_sec_wall": $wall_eps,
  "edges": $edges,
  "features": $features,
  "initial": {"edges": $edges0, "features": $features0},
  "corpus": {"files_before": $before_files, "files": $after_files, "bytes": $corpus_bytes,
             "new_units_found": $new_units, "edges": $corpus_edges, "features": $corpus_features},
  "peak_rss_mb": $peak_rss,
  "fuzzer_exit_status": $status,
  "crash_inputs": $ncrash,
  "distinct_crashes": $nunique,
  "crashes": [$crash_json$crash_close],
  "log": "$(rel "$log")"
}
EOF
{
    echo "# Fuzzing report: $target"
    echo
    echo "Session $stamp, ${elapsed}s, \`$command_line\`."
    echo
    echo "| figure | value |"
    echo "| --- | --- |"
    echo "| executions | $execs |"
    echo "| execs/s (libFuzzer average, summed over jobs) | $lf_eps |"
    echo "| execs/s (wall clock) | $wall_eps |"
    echo "| edges (cov) at start -> end | $edges0 -> $edges |"
    echo "| features (ft) at start -> end | $features0 -> $features |"
    echo "| corpus files before -> after merge | $before_files -> $after_files ($corpus_bytes bytes) |"
    echo "| corpus coverage after merge (edges / features) | $corpus_edges / $corpus_features |"
    echo "| new inputs found (before merge) | $new_units |"
    echo "| peak RSS | ${peak_rss} MB |"
    echo "| crash inputs (distinct failures) | $ncrash ($nunique) |"
    echo
    if [ "$ncrash" -gt 0 ]; then
        echo "## Crashes"
        echo
        echo "| kind | reproducer | first message | replay |"
        echo "| --- | --- | --- | --- |"
        printf '%s' "$crash_md"
        echo
        echo "Replay a reproducer with the libFuzzer build (\`$(rel "$bin") FILE\`) or the"
        echo "replay build (\`build-fuzz-gcc/fuzz/$target FILE\`). Keep it as a regression seed:"
        echo "\`cp FILE corpus/$target/regress-<what>\` together with the fix."
    else
        echo "No crashes."
    fi
    echo
    echo "libFuzzer command: \`$libfuzzer_line\`"
    echo
    echo "Full log: \`$(rel "$log")\`."
} | write_atomic "$out/$target.md"

rmdir "$artifacts" 2>/dev/null || true
echo "run.sh: $target: $execs execs, $lf_eps execs/s, edges $edges, features $features, corpus $before_files -> $after_files files, crash inputs $ncrash ($nunique distinct)"
echo "run.sh: reports: $(rel "$out/$target.md") $(rel "$out/$target.json")"
[ "$ncrash" -eq 0 ] || exit 1
exit 0

#!/usr/bin/env bash
# fuzz/coverage.sh - line coverage of the corpus replay over the library
# (src/) and the mock (mock/).
#
# Builds the fuzz targets as replay executables with coverage
# instrumentation in build-fuzz-cov/, replays every corpus/<target>/ file
# through its target, writes an HTML report into reports/coverage/ (index.html)
# plus reports/coverage/summary.txt and coverage.json, and prints the line
# coverage of the library, of the mock, and of both.
#
# Tools: clang + llvm-profdata + llvm-cov (source-based coverage) when
# present, else gcc + gcovr (installed with apt-get when missing and run as
# root). COVERAGE_TOOL=llvm|gcov forces one.
# Environment: QUO_COVERAGE_BUILD_DIR (default build-fuzz-cov).
# Exit status: 0 report written; 2 a tool is missing or a step failed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${QUO_COVERAGE_BUILD_DIR:-$root/build-fuzz-cov}
out=$root/reports/coverage
mapfile -t targets < <(awk '!/^#/ && NF {print $1}' "$root/fuzz/targets")

die() { echo "coverage.sh: $*" >&2; exit 2; }

# The llvm tools must match clang's major version.
llvm_tool() {
    local name=$1 ver
    ver=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
    for c in "$name-$ver" "$name"; do
        command -v "$c" >/dev/null 2>&1 && { echo "$c"; return 0; }
    done
    return 1
}

tool=${COVERAGE_TOOL:-auto}
if [ "$tool" = auto ]; then
    if command -v clang >/dev/null && llvm_tool llvm-cov >/dev/null && llvm_tool llvm-profdata >/dev/null; then
        tool=llvm
    else
        tool=gcov
    fi
fi
case $tool in
    llvm) cc=clang ;;
    gcov)
        cc=gcc
        if ! command -v gcovr >/dev/null; then
            [ "$(id -u)" = 0 ] || die "gcovr is missing (apt-get install gcovr)"
            echo "coverage.sh: installing gcovr" >&2
            apt-get update -qq && apt-get install -y -qq gcovr >/dev/null || die "cannot install gcovr"
        fi
        ;;
    *) die "COVERAGE_TOOL must be llvm or gcov" ;;
esac

echo "coverage.sh: building replay targets with $tool coverage in ${build#"$root"/}"
cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=$cc -DCMAKE_BUILD_TYPE=Debug \
    -DQUO_COVERAGE=ON -DQUO_FUZZ=OFF -DQUO_SANITIZE=OFF >"$build.configure.log" 2>&1 ||
    die "configure failed, see $build.configure.log"
built=()
for t in "${targets[@]}"; do
    if cmake --build "$build" -j2 --target "$t" >>"$build.build.log" 2>&1; then
        built+=("$t")
    else
        echo "coverage.sh: $t did not build (see $build.build.log); left out" >&2
    fi
done
[ ${#built[@]} -gt 0 ] || die "no fuzz target built"

rm -rf "$build/profraw"
find "$build" -name '*.gcda' -delete
mkdir -p "$build/profraw"
failing=()
for t in "${built[@]}"; do
    echo "coverage.sh: replaying corpus/$t"
    export LLVM_PROFILE_FILE="$build/profraw/$t-%p.profraw" QUO_BASE_URL=
    if ! "$build/fuzz/$t" "$root/corpus/$t" >/dev/null 2>"$build/replay-$t.log"; then
        # A failing input aborts the replay (and its profile is lost): go on
        # file by file so the coverage of the others still counts.
        echo "coverage.sh: corpus/$t has failing inputs; replaying file by file" >&2
        rm -f "$build/profraw/$t-"*.profraw
        for f in "$root/corpus/$t"/*; do
            ("$build/fuzz/$t" "$f" >/dev/null 2>&1) 2>/dev/null || failing+=("${f#"$root"/}")
        done
    fi
done
unset LLVM_PROFILE_FILE
for f in "${failing[@]}"; do
    echo "coverage.sh: warning: $f fails its target's properties (not counted)" >&2
done

rm -rf "$out"
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Writes stdin to $1 atomically (temp file + fsync + rename).
write_atomic() {
    local t
    t=$(mktemp "$1.XXXXXX")
    cat >"$t"
    sync "$t"
    mv -f "$t" "$1"
}

if [ "$tool" = llvm ]; then
    profdata=$(llvm_tool llvm-profdata)
    cov=$(llvm_tool llvm-cov)
    "$profdata" merge -sparse -o "$build/fuzz.profdata" "$build/profraw"/*.profraw
    objects=("$build/fuzz/${built[0]}")
    for t in "${built[@]:1}"; do objects+=(-object "$build/fuzz/$t"); done
    "$cov" show -format=html -output-dir="$out" -instr-profile="$build/fuzz.profdata" \
        -show-line-counts-or-regions -project-title="quo: fuzz corpus replay" \
        "${objects[@]}" "$root/src" "$root/mock"
    report() { "$cov" report -instr-profile="$build/fuzz.profdata" "${objects[@]}" "$@"; }
    report "$root/src" "$root/mock" >"$tmp/all.txt"
    report "$root/src" >"$tmp/src.txt"
    report "$root/mock" >"$tmp/mock.txt" 2>/dev/null || true
    # TOTAL row: regions, missed, cover, functions, missed, executed, lines, missed, cover.
    line_pct() { awk '$1 == "TOTAL" {sub(/%/, "", $10); print $10 + 0; f = 1} END {if (!f) print 0}' "$1"; }
    line_counts() { awk '$1 == "TOTAL" {print $8 - $9, $8; f = 1} END {if (!f) print 0, 0}' "$1"; }
    cp "$tmp/all.txt" "$tmp/summary.txt"
else
    gcovr -r "$root" --object-directory "$build" --filter "$root/src/" --filter "$root/mock/" \
        --html-details "$out/index.html" --txt "$tmp/all.txt"
    gcovr -r "$root" --object-directory "$build" --filter "$root/src/" --txt "$tmp/src.txt"
    gcovr -r "$root" --object-directory "$build" --filter "$root/mock/" --txt "$tmp/mock.txt"
    # TOTAL row: lines, executed, cover%.
    line_pct() { awk '$1 == "TOTAL" {sub(/%/, "", $4); print $4 + 0; f = 1} END {if (!f) print 0}' "$1"; }
    line_counts() { awk '$1 == "TOTAL" {print $3, $2; f = 1} END {if (!f) print 0, 0}' "$1"; }
    cp "$tmp/all.txt" "$tmp/summary.txt"
fi

src_pct=$(line_pct "$tmp/src.txt")
mock_pct=$(line_pct "$tmp/mock.txt")
all_pct=$(line_pct "$tmp/all.txt")
read -r src_hit src_lines < <(line_counts "$tmp/src.txt")
read -r mock_hit mock_lines < <(line_counts "$tmp/mock.txt")
write_atomic "$out/summary.txt" <"$tmp/summary.txt"
write_atomic "$out/coverage.json" <<EOF
{
  "tool": "$tool",
  "targets": [$(printf '"%s",' "${built[@]}" | sed 's/,$//')],
  "library": {"dir": "src", "line_percent": $src_pct, "lines": $src_lines, "covered": $src_hit},
  "mock": {"dir": "mock", "line_percent": $mock_pct, "lines": $mock_lines, "covered": $mock_hit},
  "total_line_percent": $all_pct,
  "failing_inputs": [$(printf '"%s",' "${failing[@]}" | sed 's/,$//')],
  "html": "reports/coverage/index.html"
}
EOF
echo "coverage.sh: line coverage of the corpus replay ($tool):"
echo "  library (src/):  $src_pct% ($src_hit of $src_lines lines)"
echo "  mock (mock/):    $mock_pct% ($mock_hit of $mock_lines lines)"
echo "  both:            $all_pct%"
echo "coverage.sh: HTML: reports/coverage/index.html; per file: reports/coverage/summary.txt"

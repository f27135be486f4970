#!/usr/bin/env bash
# fuzz/check_targets.sh ROOT - fuzz/targets is the list of fuzz targets:
# every name there has its source, dictionary, options, corpus and a row in
# docs/fuzzing.md's table, and every harness in fuzz/ is listed.
set -euo pipefail
root=$1
bad=0
no() { echo "fuzz_targets_listed: $*" >&2; bad=1; }
mapfile -t targets < <(awk '!/^#/ && NF {print $1}' "$root/fuzz/targets")
[ ${#targets[@]} -gt 0 ] || no "fuzz/targets lists nothing"
listed() { [[ " ${targets[*]} " == *" $1 "* ]]; }
for t in "${targets[@]}"; do
    for f in "fuzz/$t.c" "fuzz/$t.dict" "fuzz/$t.options"; do
        [ -f "$root/$f" ] || no "$t: $f is missing"
    done
    [ -d "$root/corpus/$t" ] || no "$t: corpus/$t/ is missing"
    grep -q "^| \`$t\` |" "$root/docs/fuzzing.md" || no "$t: no row in docs/fuzzing.md"
done
for c in "$root"/fuzz/*.c; do
    grep -q 'LLVMFuzzerTestOneInput' "$c" || continue
    grep -q 'int LLVMFuzzerTestOneInput' "$c" || continue
    t=$(basename "$c" .c)
    listed "$t" || no "fuzz/$t.c is a harness but not in fuzz/targets"
done
grep -o '^| `fuzz_[a-z_]*`' "$root/docs/fuzzing.md" | tr -d '|` ' | while read -r t; do
    listed "$t" || no "docs/fuzzing.md describes $t, which fuzz/targets does not list"
done
[ $bad -eq 0 ] && echo "fuzz/targets: ${#targets[@]} targets, each with its files, corpus and docs row"
exit $bad

#!/usr/bin/env bash
# lint-gate-strings.sh - keeps NUL-blind string comparisons on gate trees
# out of mock/, suite/ and tools/ (issue 8 item 6).
#
# A tree built by the strict JSON gate (quo_json_parse) stores strings and
# member names in full, \u0000 included; cJSON_GetObjectItemCaseSensitive
# and strcmp stop at the first NUL, so "PN1\u0000x" would pass for "PN1".
# Those trees are read with quo_json_member() and compared with
# quo_json_strlen()/quo_json_keylen() (include/quo/json.h). This check
# flags, in *.c under mock/ suite/ tools/:
#   - every cJSON_GetObjectItemCaseSensitive( call;
#   - every strcmp(/strncmp( whose arguments name ->valuestring or ->string.
# A line may be exempted with a trailing comment "lint-gate-strings: <why>"
# (a tree this program built itself, never parsed from input).
# Sites not converted yet are counted per file in
# scripts/lint-gate-strings.baseline: a file with more sites than its
# baseline fails (a new site), and so does one with fewer (the baseline
# must be lowered with the fix, so it only ever shrinks).
#
# usage: lint-gate-strings.sh [ROOT]   exit 0 clean, 1 findings, 2 usage
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
baseline=$root/scripts/lint-gate-strings.baseline
[ -d "$root/mock" ] && [ -f "$baseline" ] || { echo "usage: $0 [ROOT]" >&2; exit 2; }
cd "$root" || exit 2
pattern='cJSON_GetObjectItemCaseSensitive\(|str(n)?cmp\([^;]*(->valuestring|->string)'
declare -A count=()
while IFS= read -r hit; do
  file=${hit%%:*}
  count[$file]=$(( ${count[$file]:-0} + 1 ))
done < <(grep -nE "$pattern" mock/*.c suite/*.c tools/*.c | grep -v 'lint-gate-strings:')
declare -A allowed=()
while read -r file n; do
  [ -n "${file:-}" ] && [ "${file:0:1}" != "#" ] && allowed[$file]=$n
done < "$baseline"
report=$(for file in "${!count[@]}" "${!allowed[@]}"; do
  have=${count[$file]:-0} may=${allowed[$file]:-0}
  if [ "$have" -gt "$may" ]; then
    echo "$file: $have NUL-blind comparison(s) on JSON trees, baseline $may; use quo_json_member/quo_json_strlen:"
    grep -nE "$pattern" "$file" | grep -v 'lint-gate-strings:' | sed 's/^/  /'
  elif [ "$have" -lt "$may" ]; then
    echo "$file: $have site(s), baseline $may: lower its line in scripts/lint-gate-strings.baseline"
  fi
done | awk '!seen[$0]++')
[ -z "$report" ] && { echo "lint-gate-strings: clean"; exit 0; }
printf '%s\n' "$report"
exit 1

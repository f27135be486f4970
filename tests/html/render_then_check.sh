#!/usr/bin/env bash
# tests/html/render_then_check.sh - runs a program that writes DIR/report.html
# (quo-conformance --report-dir DIR, html_sample DIR), then checks the page
# with check_html.sh.
#   render_then_check.sh DIR PROGRAM [ARGS...] -- [check_html options] EXPECTED...
# The program's verdict (exit 0 or 1) is not judged here; 2 or more is an error.
set -u
[ $# -ge 3 ] || { echo "usage: render_then_check.sh DIR PROGRAM [ARGS...] -- EXPECTED..." >&2; exit 2; }
dir="$1"; shift
prog=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do prog+=("$1"); shift; done
[ $# -gt 0 ] && shift
rm -rf "$dir"
"${prog[@]}" >"$dir.log" 2>&1
rc=$?
if [ "$rc" -gt 1 ]; then
  echo "render_then_check: ${prog[0]} exited $rc:" >&2
  tail -n 20 "$dir.log" >&2
  exit 1
fi
opts=() # check_html's options come in pairs (--name VALUE)
while [ $# -ge 2 ] && [ "${1#--}" != "$1" ]; do opts+=("$1" "$2"); shift 2; done
exec "$(dirname "$0")/check_html.sh" "${opts[@]+"${opts[@]}"}" "$dir/report.html" "$@"

#!/usr/bin/env bash
# tests/html/mock_then_check.sh - quo-mock's HTML report as a browser shows
# it: starts quo-mock on a loopback port with --report DIR/report.html,
# sends one conforming request (client good-sdk) and one whose unknown
# member name is markup (client bad-sdk), stops the mock by its pid
# (SIGTERM writes the reports), then checks the page with check_html.sh.
#   mock_then_check.sh DIR QUO_MOCK -- [check_html options] EXPECTED...
set -u
[ $# -ge 3 ] || { echo "usage: mock_then_check.sh DIR QUO_MOCK -- EXPECTED..." >&2; exit 2; }
dir="$1" mock="$2"; shift 2
[ "${1:-}" = "--" ] && shift
command -v curl >/dev/null || { echo "SKIP: curl is not installed"; exit 77; }
rm -rf "$dir" && mkdir -p "$dir" || exit 1
"$mock" --host 127.0.0.1 --port 0 --report "$dir/report.html" >"$dir/stdout" 2>"$dir/stderr" &
pid=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$dir/stdout" | head -n 1)
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
if [ -z "$port" ]; then
  echo "mock_then_check: quo-mock did not start:" >&2
  cat "$dir/stderr" >&2
  kill "$pid" 2>/dev/null
  exit 1
fi
post() {
  curl -sS -o /dev/null -w '%{http_code}\n' --max-time 10 -H 'Content-Type: application/json' \
    "$@" "http://127.0.0.1:$port/v1/tasks"
}
a=$(post -H 'Authorization: test-key' -H 'Quo-Client: good-sdk' \
  -d '{"title":"t","description":"d","phoneNumberId":"PN1"}')
b=$(post -H 'Authorization: test-key' -H 'Quo-Client: bad-sdk' \
  -d '{"title":"t","description":"d","phoneNumberId":"PN1","<img src=x onerror=alert(1)>":1}')
kill -TERM "$pid"
wait "$pid"
rc=$?
if [ "$a" != 201 ] || [ "$b" != 400 ] || [ "$rc" -ne 0 ]; then
  echo "mock_then_check: answers $a and $b (want 201, 400), quo-mock exit $rc" >&2
  exit 1
fi
opts=() # check_html's options come in pairs (--name VALUE)
while [ $# -ge 2 ] && [ "${1#--}" != "$1" ]; do opts+=("$1" "$2"); shift 2; done
exec "$(dirname "$0")/check_html.sh" "${opts[@]+"${opts[@]}"}" "$dir/report.html" "$@"

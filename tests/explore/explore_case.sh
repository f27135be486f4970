#!/bin/sh
# One --explore run against tests/explore/bug_server in one mode.
# usage: explore_case.sh BUG_SERVER QUO_CONFORMANCE MODE SECONDS SEED WORKDIR SIGNATURE MAX_BYTES [FLAG...]
#   FLAGs go to the --explore run (e.g. --explore-max-body 2MiB).
#   env QE_CONFIG_EXTRA: JSON members added to the config file (",\"k\":v").
#   env QE_EXPECT_LOG: a grep -E pattern the run's output must match.
#   env QE_SPEC: an OpenAPI document for both the run and the replay (--spec).
#   env QE_TIMEOUT: --timeout for a bug mode (default 1 s: finds a hang fast).
#   MODE correct, or SIGNATURE "-": the run must pass with no finding (exit 0).
#   otherwise: the run must fail (exit 1) with a finding whose signature
#   contains SIGNATURE, saved as a request file whose minimised body has at
#   most MAX_BYTES bytes, and --replay of that file must find it again.
set -u
server=$1 prog=$2 mode=$3 seconds=$4 seed=$5 work=$6 sig=$7 max=$8
shift 8
rm -rf "$work" && mkdir -p "$work" || exit 1
"$server" "$mode" >"$work/port" 2>"$work/server.err" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null' EXIT
i=0
while [ ! -s "$work/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$work/port")
[ -n "$port" ] || { echo "bug_server did not start"; cat "$work/server.err"; exit 1; }
cat >"$work/config.json" <<JSON
{"apiKey":"test-key","fixtures":{"phoneNumberId":"PN1","conversationId":"CN1","activityId":"AC1","userId":"US1"},"forbidden":{"apiKey":"no-access-key"}${QE_CONFIG_EXTRA:-}}
JSON
url="http://127.0.0.1:$port"
# A short timeout finds the hang quickly; the correct server gets a long one,
# so a slow machine (sanitizers) does not turn a slow answer into a timeout.
timeout=${QE_TIMEOUT:-1}
[ "$mode" = correct ] && timeout=10
[ -n "${QE_SPEC:-}" ] && set -- --spec "$QE_SPEC" "$@"
"$prog" --config "$work/config.json" --base-url "$url" --report-dir "$work/reports" \
  --filter '201.phoneNumberId' --timeout "$timeout" --explore "$seconds" --seed "$seed" "$@" >"$work/run.log" 2>&1
rc=$?
grep 'explore' "$work/run.log"
if [ -n "${QE_EXPECT_LOG:-}" ] && ! grep -Eq "$QE_EXPECT_LOG" "$work/run.log" "$work/reports/report.md"; then
  echo "FAIL: the run does not say /$QE_EXPECT_LOG/"
  exit 1
fi
if [ "$mode" = correct ] || [ "$sig" = - ]; then
  [ $rc -eq 0 ] || { echo "FAIL: the correct server gave exit $rc"; cat "$work/run.log"; exit 1; }
  grep -q '"explore.finding' "$work/reports/report.json" && { echo "FAIL: a finding against the correct server"; exit 1; }
  grep -q 'explore.summary' "$work/reports/report.json" || { echo "FAIL: no explore summary"; exit 1; }
  echo "ok: no finding"
  exit 0
fi
[ $rc -eq 1 ] || { echo "FAIL: exit $rc, expected 1"; cat "$work/run.log"; exit 1; }
for req in "$work"/reports/explore/finding-*.req; do
  [ -f "$req" ] || continue
  out=$("$prog" --config "$work/config.json" --base-url "$url" --timeout "$timeout" ${QE_SPEC:+--spec "$QE_SPEC"} --replay "$req" 2>&1)
  rrc=$?
  case "$out" in
    *"FINDING: "*"$sig"*)
      bytes=$(sed -n 's/^body-bytes: //p' "$req")
      [ $rrc -eq 1 ] || { echo "FAIL: replay exit $rrc"; exit 1; }
      [ "$bytes" -le "$max" ] || { echo "FAIL: minimised to $bytes bytes, more than $max"; exit 1; }
      grep -q "reproduce: curl" "$work/reports/report.md" || { echo "FAIL: no curl reproducer"; exit 1; }
      echo "ok: $req ($bytes bytes): $out"
      exit 0 ;;
  esac
done
echo "FAIL: no finding \"$sig\" replays"
cat "$work/run.log"
exit 1

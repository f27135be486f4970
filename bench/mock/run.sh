#!/usr/bin/env bash
# quo-mock throughput and latency, beside a static-response baseline.
#
#   bench/mock/run.sh [BUILD_DIR]        (default: build)
#
# wrk (1 thread, 16 connections, 10 s, loopback only) POSTs valid
# create-task bodies of all three shapes, with and without the optional
# members, to
#   1. nginx (Debian's nginx-light) answering every request with a fixed 201
#      body: the floor of what an HTTP server does here;
#   2. quo-mock with full validation, fixtures lookups, task creation and the
#      certification record, in each thread mode, quiet and logging to
#      /dev/null.
# A shared machine's neighbours come and go: every target runs once per
# round, the rounds interleaved (QUO_BENCH_ROUNDS, default 3), and the
# table shows each target's median round and its spread.
# Figures go to stdout and to reports/bench/mock.md. Everything it starts
# it stops; each run is bounded by `timeout`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
mock=$build/mock/quo-mock
duration=${QUO_BENCH_DURATION:-10}
rounds=${QUO_BENCH_ROUNDS:-3}
out_dir=$root/reports/bench
out=$out_dir/mock.md

# Installs what is missing (wrk, nginx-light, the build deps) and builds.
. "$root/scripts/setup.sh"
quo_install_missing wrk nginx-light
[ -x "$mock" ] || quo_build "$build" -DCMAKE_BUILD_TYPE=Release
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d /tmp/quo-bench-mock.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The request mix: valid bodies for the compiled-in fixtures (docs/mock.md).
cat > "$work/post.lua" <<'EOF'
local bodies = {
  '{"title":"Call back","description":"About pricing","phoneNumberId":"PN1"}',
  '{"title":"Follow up","description":"Onboarding next steps","conversationId":"CN2","assignedTo":"US1"}',
  '{"title":"Reply","description":"Answer the question","activityId":"AC1","dueDate":"2025-06-01T09:00:00Z"}',
  '{"title":"Check in","description":"Quarterly review","phoneNumberId":"PN2","assignedTo":"US2","dueDate":"2025-12-31T23:59:59+01:00"}',
}
local reqs = {}
local i = 0
init = function(args)
  for k, b in ipairs(bodies) do
    reqs[k] = wrk.format("POST", "/v1/tasks",
      {["Content-Type"] = "application/json", ["Authorization"] = "test-key"}, b)
  end
end
request = function()
  i = i % #reqs + 1
  return reqs[i]
end
EOF

# Runs wrk against $1 (base URL); prints "rps p50 p99 non2xx".
run_wrk() {
  local url=$1 log=$2
  timeout $((duration + 30)) wrk -t1 -c16 -d"${duration}s" --latency -s "$work/post.lua" "$url" > "$log"
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$log")
  p50=$(awk '$1 == "50%" {print $2}' "$log")
  p99=$(awk '$1 == "99%" {print $2}' "$log")
  bad=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$log")
  echo "$rps $p50 $p99 ${bad:-0}"
}

wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "bench/mock: nothing listens on port $1" >&2
  return 1
}

# 1. nginx, one worker, a fixed 201 body like the mock's.
nport=$(free_port)
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nport;
    location /v1/tasks {
      default_type application/json;
      return 201 '{"data":{"taskId":"TK0000000000000000000001","revision":"1","phoneNumberId":"PN1"}}';
    }
  }
}
EOF
run_nginx() {
  "$nginx_bin" -c "$work/nginx/nginx.conf" -p "$work/nginx" &
  local pid=$!
  pids+=($pid)
  wait_port "$nport"
  local r
  r=$(run_wrk "http://127.0.0.1:$nport" "$work/nginx.wrk")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "nginx static 201|$r"
}

# 2. quo-mock in its modes.
run_mock() {
  local label=$1; shift
  "$mock" --port 0 "$@" > "$work/mock.out" 2> /dev/null &
  local pid=$!
  pids+=($pid)
  # A loaded machine may take seconds to start it: wait up to 20 s.
  for _ in $(seq 1 200); do [ -s "$work/mock.out" ] && break; sleep 0.1; done
  local port
  port=$(sed -n '1s/.*://p' "$work/mock.out")
  # Every body of the mix must be a 201, or the figures mean nothing.
  local code
  for b in PN1 CN2; do
    local key=phoneNumberId; [ "$b" = CN2 ] && key=conversationId
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/tasks" \
      -H 'Authorization: test-key' -H 'Content-Type: application/json' \
      -d "{\"title\":\"t\",\"description\":\"d\",\"$key\":\"$b\"}")
    [ "$code" = 201 ] || { echo "bench/mock: $label answered $code, not 201" >&2; exit 1; }
  done
  local r
  r=$(run_wrk "http://127.0.0.1:$port" "$work/mock.wrk")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  echo "quo-mock $label|$r"
}

# One round: every target once, in the table's order.
one_round() {
  run_nginx
  run_mock "default (epoll), quiet" --quiet
  run_mock "default, logging to /dev/null"
  run_mock "epoll, a worker per CPU ($(nproc)), quiet" --quiet --threads "$(nproc)"
  run_mock "thread per connection, quiet" --quiet --thread-per-connection
}
: > "$work/rounds"
for r in $(seq 1 "$rounds"); do
  echo "bench/mock: round $r of $rounds" >&2
  one_round >> "$work/rounds"
done

# Per target, in first-seen order: the round with the median requests/s
# (its latencies with it), then the lowest and highest requests/s.
results=()
while IFS= read -r label; do
  results+=("$(awk -F'|' -v l="$label" '$1 == l { print $2 }' "$work/rounds" | sort -n -k1,1 |
    awk -v l="$label" '{ row[NR] = $0; split($0, f, " "); rps[NR] = f[1] }
      END { m = int((NR + 1) / 2); print l "|" row[m] " " rps[1] " " rps[NR] }')")
done < <(awk -F'|' '!seen[$1]++ { print $1 }' "$work/rounds")

ms() { # wrk prints 1.23ms / 456.78us / 1.02s
  awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.3f", v / 1000; else if (v ~ /ms$/) printf "%.3f", v + 0;
                         else if (v ~ /s$/) printf "%.3f", v * 1000; else print v }'
}

mkdir -p "$out_dir"
{
  echo "# quo-mock benchmark"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, wrk -t1 -c16 -d${duration}s on loopback,"
  echo "$rounds interleaved rounds: each row is the target's median round, with the range of its rounds."
  echo "POST /v1/tasks with 4 valid bodies in turn (all three link shapes, optional members)."
  echo "nginx: Debian nginx-light, 1 worker, \`return 201\` with a fixed body."
  echo "quo-mock: full validation, fixtures lookups, task creation, certification record."
  echo
  echo "| target | requests/s | range | p50 ms | p99 ms | vs nginx | non-2xx |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  n_rps=
  for line in "${results[@]}"; do
    IFS='|' read -r label rest <<< "$line"
    read -r rps p50 p99 bad lo hi <<< "$rest"
    n_rps=${n_rps:-$rps} # nginx comes first
    ratio=$(awk -v a="$rps" -v b="$n_rps" 'BEGIN { printf "%.2f", a / b }')
    echo "| $label | $rps | ${lo%.*}-${hi%.*} | $(ms "$p50") | $(ms "$p99") | $ratio | $bad |"
  done
  echo
  echo "Target: quo-mock at >= 0.70x the nginx baseline, p99 < 5 ms."
} | tee "$out.tmp"
mv "$out.tmp" "$out"
echo "bench/mock: written to $out"

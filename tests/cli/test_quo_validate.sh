#!/usr/bin/env bash
# End-to-end checks of quo-validate. Usage: test_quo_validate.sh BINARY SPEC
set -u
bin=$1 spec=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# expect NAME WANT_EXIT STDOUT_REGEX|EMPTY STDERR_REGEX|'' -- CMD...
expect() {
  local name=$1 want=$2 out_re=$3 err_re=$4; shift 5
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL $name: exit $rc, wanted $want"; sed 's/^/  stderr: /' "$tmp/err"; failed=$((failed+1)); return
  fi
  if [ "$out_re" = EMPTY ] && [ -s "$tmp/out" ]; then
    echo "FAIL $name: stdout should be empty:"; sed 's/^/  /' "$tmp/out"; failed=$((failed+1)); return
  fi
  if [ "$out_re" != EMPTY ] && ! grep -Eq -- "$out_re" "$tmp/out"; then
    echo "FAIL $name: stdout does not match /$out_re/:"; sed 's/^/  /' "$tmp/out"; failed=$((failed+1)); return
  fi
  if [ -n "$err_re" ] && ! grep -Eq -- "$err_re" "$tmp/err"; then
    echo "FAIL $name: stderr does not match /$err_re/:"; sed 's/^/  /' "$tmp/err"; failed=$((failed+1)); return
  fi
  echo "ok   $name"; passed=$((passed+1))
}

printf '%s' '{"title":"t","description":"d","phoneNumberId":"PN1"}' >"$tmp/good.json"
printf '%s' '{"title":"t","description":"d","phoneNumberId":"XX1"}' >"$tmp/bad.json"
printf '%s' '{"title":"t","description":"d"}' >"$tmp/nolink.json"
printf '%s' '{"a":1,"a":2}' >"$tmp/dup.json"
printf '%s' '{"data":{"taskId":"TK1","revision":"1","phoneNumberId":"PN1"}}' >"$tmp/created.json"
printf '%s' '{"message":"m","code":"0601500","status":500,"docs":"https://quo.com/docs","title":"Unknown"}' >"$tmp/e500.json"

expect "valid request"            0 '^\{"file":"[^"]*good.json","valid":true,"errors":\[\]\}$' '' -- "$bin" request "$tmp/good.json"
expect "invalid request"          1 '"valid":false,"errors":\[\{"path":"/phoneNumberId","message":"[^"]+","value":"XX1","schema":\{"type":"string"\}\}\]' '' -- "$bin" request "$tmp/bad.json"
expect "anyOf message"            1 'provide exactly one of phoneNumberId, conversationId, activityId' '' -- "$bin" request "$tmp/nolink.json"
expect "one line per file"        1 'bad.json' '' -- "$bin" request "$tmp/good.json" "$tmp/bad.json"
[ "$(wc -l <"$tmp/out")" -eq 2 ] && { echo "ok   two lines"; passed=$((passed+1)); } || { echo "FAIL two lines"; failed=$((failed+1)); }
expect "stdin by default"         0 '^\{"file":"-","valid":true' '' -- sh -c "\"$bin\" request <\"$tmp/good.json\""
expect "stdin as -"               1 '"file":"-","valid":false' '' -- sh -c "\"$bin\" request - <\"$tmp/bad.json\""
expect "json mode duplicates"     1 '"valid":false.*duplicate' '' -- "$bin" json "$tmp/dup.json"
expect "json mode accepts any"    0 '"valid":true' '' -- "$bin" json "$tmp/bad.json"
expect "response 201"             0 '"valid":true' '' -- "$bin" response 201 "$tmp/created.json"
expect "response 500 constants"   0 '"valid":true' '' -- "$bin" response 500 "$tmp/e500.json"
expect "response wrong status"    1 '"path":"/code"' '' -- "$bin" response 400 "$tmp/e500.json"
expect "response undocumented"    1 'not documented' '' -- "$bin" response 418 "$tmp/created.json"
expect "response content type"    1 'text/plain' '' -- "$bin" --content-type text/plain response 201 "$tmp/created.json"
expect "--spec file"              0 '"valid":true' '' -- "$bin" --spec "$spec" request "$tmp/good.json"
expect "--operation by id"        0 '"valid":true' '' -- "$bin" --operation createTask_v1 request "$tmp/good.json"
expect "--operation METHOD PATH"  0 '"valid":true' '' -- "$bin" --spec "$spec" --operation 'post /v1/tasks' request "$tmp/good.json"
expect "--operation unknown"      2 EMPTY "no operation get /v1/tasks in the document \\(it has: post /v1/tasks\\)" -- "$bin" --operation 'get /v1/tasks' request "$tmp/good.json"
expect "missing file"             2 EMPTY 'missing.json: No such file' -- "$bin" request "$tmp/missing.json"
expect "missing file, others go on" 2 'good.json' 'missing.json' -- "$bin" request "$tmp/missing.json" "$tmp/good.json"
expect "directory"                2 EMPTY 'Is a directory' -- "$bin" request "$tmp"
expect "max size"                 2 EMPTY 'larger than 10 bytes' -- "$bin" --max-size 10 request "$tmp/good.json"
expect "max depth"                1 'deeper|depth' '' -- sh -c "printf '[[[[1]]]]' | \"$bin\" --max-depth 3 json"
expect "max depth ceiling"        2 EMPTY 'from 1 to 1000' -- "$bin" --max-depth 1001 json
big=$(printf '%0.s[' $(seq 1000))$(printf '%0.s]' $(seq 1000))
expect "deepest allowed"          1 '"valid":false.*must be a JSON object' '' -- sh -c "printf '%s' '$big' | \"$bin\" --max-depth 1000 request"
expect "no mode"                  2 EMPTY 'missing mode' -- "$bin"
expect "bad mode"                 2 EMPTY "unknown mode 'bogus'" -- "$bin" bogus
expect "bad status"               2 EMPTY 'HTTP status' -- "$bin" response abc
expect "bad option"               2 EMPTY "unknown option '--frob'" -- "$bin" --frob request
expect "bad spec"                 2 EMPTY 'cannot load the spec' -- "$bin" --spec "$tmp/dup.json" request "$tmp/good.json"
expect "help"                     0 'Exit status' '' -- "$bin" --help
expect "version"                  0 '^quo-validate [0-9]' '' -- "$bin" --version

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# tests/lint/test_lint.sh - proves scripts/lint.sh can fail: a throw-away
# tree with one banned call per rule (and look-alikes it must not flag:
# comments, strings, strerror_r, quo_strerror, member calls) must be
# reported exactly, with exit 1; the same tree without the calls passes.
set -euo pipefail
lint="$(cd "$(dirname "$0")/../.." && pwd)/scripts/lint.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_lint.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src" "$tmp/mock" "$tmp/tests"
cat >"$tmp/src/ok.c" <<'C'
/* strcpy(a, b) in a comment, sprintf in "a string: sprintf(x)" */
// gets(line) in a line comment
static const char *s = "atoi(\"1\") strtok(";
void f(char *b, int e) { quo_strerror(e, b, 8); strerror_r(e, b, 8); o.sprintf(b); p->atoi(b); }
C
cat >"$tmp/tests/allowed.c" <<'C'
int t(void) { return atoi("1"); } /* tests/ is not scanned */
C
"$lint" "$tmp" >"$tmp/out" 2>&1 || { echo "clean tree rejected:"; cat "$tmp/out"; exit 1; }
cat >"$tmp/mock/bad.c" <<'C'
void g(char *d, const char *s, char *buf)
{
    strcpy(d, s); strncat(d, s, 1); sprintf(d, "%d", 1);
    int a = atoi(s); long l = atol (s); sscanf(s, "%d", &a);
    const char *m = strerror(a); char *t = strtok(d, ","); gets(buf);
}
C
set +e
"$lint" "$tmp" >"$tmp/out" 2>&1
rc=$?
set -e
cat "$tmp/out"
[ "$rc" -eq 1 ] || { echo "expected exit 1, got $rc"; exit 1; }
for name in strcpy strncat sprintf atoi atol sscanf strerror strtok gets; do
  grep -q "^mock/bad.c:[0-9]*: $name: " "$tmp/out" || { echo "missed $name"; exit 1; }
done
[ "$(grep -c '^mock/bad.c:' "$tmp/out")" -eq 9 ] || { echo "expected exactly 9 reports"; exit 1; }
grep -q '^src/ok.c' "$tmp/out" && { echo "false positive in src/ok.c"; exit 1; }
echo "test_lint: ok"

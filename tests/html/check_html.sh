#!/usr/bin/env bash
# tests/html/check_html.sh - renders an HTML report in headless Chromium and
# checks what a person would see. Generic: any report of the project
# (quo-conformance's report.html, quo-mock's --report x.html).
#
#   check_html.sh [options] FILE EXPECTED_TEXT...
#
# Checks, in order:
#   1. the file is self-contained: no <script src>, <link>, @import, url(),
#      and no src/href that loads from the network;
#   2. Chromium's DOM after load (--dump-dom, scripts enabled, so server
#      data that became markup would run): every EXPECTED_TEXT appears in
#      the rendered text (tags stripped, entities decoded, whitespace
#      folded); no <script>, <img>, <iframe>, <object>, <embed> element and
#      no on* attribute exists (the page has none of its own, so any is
#      server data that was not escaped);
#   3. a screenshot (--screenshot) is a PNG of the window size, not blank
#      (at least --min-png bytes).
# Options:
#   --forbid TEXT       TEXT must not occur in the file nor the DOM (keys)
#   --title-not TEXT    the document title after load must not contain TEXT
#   --forbid-attr NAME  no element may carry the attribute NAME
#   --screenshot PATH   where the PNG goes (default FILE.png)
#   --size WxH          window size (default 1280x2000)
#   --min-png BYTES     smallest acceptable PNG (default 30000)
# Environment: CHROMIUM (the browser binary), QC_BROWSER_TIMEOUT (seconds
# per browser run, default 60).
# Exit: 0 all checks hold, 1 a check failed, 2 usage, 77 no browser found
# (ctest: SKIP_RETURN_CODE 77).
set -u

die() { echo "check_html: $*" >&2; exit 2; }
fail() { echo "check_html: FAIL: $*" >&2; failures=$((failures + 1)); }

forbid=() title_not=() forbid_attr=() shot="" size="1280x2000" min_png=30000
while [ $# -gt 0 ]; do
  case "$1" in
    --forbid) [ $# -ge 2 ] || die "--forbid needs TEXT"; forbid+=("$2"); shift 2 ;;
    --title-not) [ $# -ge 2 ] || die "--title-not needs TEXT"; title_not+=("$2"); shift 2 ;;
    --forbid-attr) [ $# -ge 2 ] || die "--forbid-attr needs NAME"; forbid_attr+=("$2"); shift 2 ;;
    --screenshot) [ $# -ge 2 ] || die "--screenshot needs PATH"; shot="$2"; shift 2 ;;
    --size) [ $# -ge 2 ] || die "--size needs WxH"; size="$2"; shift 2 ;;
    --min-png) [ $# -ge 2 ] || die "--min-png needs BYTES"; min_png="$2"; shift 2 ;;
    --) shift; break ;;
    -*) die "unknown option $1" ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || die "usage: check_html.sh [options] FILE EXPECTED_TEXT..."
file="$1"; shift
[ -f "$file" ] || die "no such file: $file"
[[ "$size" =~ ^[0-9]+x[0-9]+$ ]] || die "--size wants WxH, not $size"
file="$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"
[ -n "$shot" ] || shot="$file.png"
failures=0
py=$(command -v python3) || die "python3 is needed"

# 1. Self-contained (the file as written).
"$py" - "$file" "${forbid[@]+"${forbid[@]}"}" <<'PY' || failures=$((failures + 1))
import re, sys
data = open(sys.argv[1], 'rb').read()
bad = []
for pat, why in [(rb'<script[^>]*\bsrc\s*=', 'an external script'), (rb'<link\b', 'a <link>'),
                 (rb'@import', 'a CSS @import'), (rb'url\s*\(', 'a CSS url()'),
                 (rb'\b(?:src|href|action|poster|data)\s*=\s*["\']?\s*(?:https?:|//)', 'a network URL')]:
    if re.search(pat, data, re.I):
        bad.append(why)
for text in sys.argv[2:]:
    if text.encode() in data:
        bad.append('forbidden text %r' % text)
for b in bad:
    print('check_html: FAIL: %s in the file' % b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# The browser. None: the rest cannot be checked here (exit 77, not a pass).
browser="${CHROMIUM:-}"
if [ -z "$browser" ]; then
  for b in chromium chromium-browser google-chrome-stable google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser=$(command -v "$b"); break; fi
  done
fi
if [ -z "$browser" ]; then
  echo "check_html: SKIP: no Chromium found (install Debian's chromium or set CHROMIUM)" >&2
  [ "$failures" -eq 0 ] || exit 1
  exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_html.XXXXXX") || die "cannot make a temporary folder"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -KILL -- "-$pid" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# Runs the browser in a process group of its own (setsid), waits at most
# QC_BROWSER_TIMEOUT seconds, then ends that group by its id: Chromium's
# helper processes go with it. stdout goes to $1.
run_browser() {
  local out="$1"; shift
  setsid "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --no-default-browser-check --disable-extensions --disable-sync \
    --disable-background-networking --disable-component-update --mute-audio \
    --user-data-dir="$tmp/profile" --window-size="${size/x/,}" --hide-scrollbars \
    "$@" "file://$file" >"$out" 2>"$tmp/browser.log" &
  pid=$!
  local waited=0 limit="${QC_BROWSER_TIMEOUT:-60}"
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge $((limit * 10)) ]; then
      echo "check_html: browser still running after ${limit}s; ending it" >&2
      kill -TERM -- "-$pid" 2>/dev/null; sleep 1; kill -KILL -- "-$pid" 2>/dev/null
      break
    fi
    sleep 0.1; waited=$((waited + 1))
  done
  wait "$pid"; local rc=$?
  kill -KILL -- "-$pid" 2>/dev/null # helpers still alive after the main process
  pid=""
  return "$rc"
}

# 2. The DOM after load, scripts enabled.
if ! run_browser "$tmp/dom.html" --dump-dom --virtual-time-budget=2000 || [ ! -s "$tmp/dom.html" ]; then
  fail "chromium --dump-dom produced nothing; its log:"
  tail -n 20 "$tmp/browser.log" >&2
else
  attr_args=()
  for a in "${forbid_attr[@]+"${forbid_attr[@]}"}"; do attr_args+=(--attr "$a"); done
  for t in "${title_not[@]+"${title_not[@]}"}"; do attr_args+=(--title "$t"); done
  for t in "${forbid[@]+"${forbid[@]}"}"; do attr_args+=(--forbid "$t"); done
  "$py" - "$tmp/dom.html" "${attr_args[@]+"${attr_args[@]}"}" -- "$@" <<'PY' || failures=$((failures + 1))
import re, sys
from html.parser import HTMLParser
args = sys.argv[2:]
sep = args.index('--')
opts, expected = args[:sep], args[sep + 1:]
attrs_bad = [opts[i + 1] for i in range(0, len(opts), 2) if opts[i] == '--attr']
titles_bad = [opts[i + 1] for i in range(0, len(opts), 2) if opts[i] == '--title']
forbid = [opts[i + 1] for i in range(0, len(opts), 2) if opts[i] == '--forbid']
ACTIVE = {'script', 'img', 'iframe', 'object', 'embed', 'frame', 'svg', 'math', 'base'}

class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.title, self.problems, self.stack = [], '', [], []
    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        if tag in ACTIVE:
            self.problems.append('a <%s> element' % tag)
        for name, value in attrs:
            if name.startswith('on'):
                self.problems.append('an event handler attribute %s on <%s>' % (name, tag))
            if name in attrs_bad:
                self.problems.append('the attribute %s on <%s>' % (name, tag))
    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass
    def handle_data(self, data):
        cur = self.stack[-1] if self.stack else ''
        if cur == 'title':
            self.title += data
        elif cur not in ('style', 'script'):
            self.text.append(data)

dom = open(sys.argv[1], encoding='utf-8', errors='replace').read()
p = Page()
p.feed(dom)
text = ' '.join(' '.join(p.text).split())
bad = list(p.problems)
for t in titles_bad:
    if t in p.title:
        bad.append('the title after load contains %r (a script ran): %r' % (t, p.title))
for t in forbid:
    if t in dom:
        bad.append('forbidden text %r in the rendered page' % t)
for e in expected:
    if ' '.join(e.split()) not in text:
        bad.append('expected text not rendered: %r' % e)
for b in bad:
    print('check_html: FAIL: %s' % b, file=sys.stderr)
print('check_html: DOM: %d characters of text, title %r, %d expected strings checked'
      % (len(text), p.title[:80], len(expected)))
sys.exit(1 if bad else 0)
PY
fi

# 3. A screenshot of the first screen.
rm -f "$shot"
if ! run_browser "$tmp/shot.out" --screenshot="$shot" || [ ! -f "$shot" ]; then
  fail "no screenshot written; the browser's log:"
  tail -n 20 "$tmp/browser.log" >&2
else
  "$py" - "$shot" "$size" "$min_png" <<'PY' || failures=$((failures + 1))
import struct, sys
data = open(sys.argv[1], 'rb').read()
w, h = (int(x) for x in sys.argv[2].split('x'))
problems = []
if data[:8] != b'\x89PNG\r\n\x1a\n' or data[12:16] != b'IHDR':
    problems.append('not a PNG')
else:
    pw, ph = struct.unpack('>II', data[16:24])
    if (pw, ph) != (w, h):
        problems.append('PNG is %dx%d, window %dx%d' % (pw, ph, w, h))
if len(data) < int(sys.argv[3]):
    problems.append('PNG of %d bytes (under %s: a blank or broken page?)' % (len(data), sys.argv[3]))
for p in problems:
    print('check_html: FAIL: screenshot %s' % p, file=sys.stderr)
print('check_html: screenshot %s: %d bytes' % (sys.argv[1], len(data)))
sys.exit(1 if problems else 0)
PY
fi

if [ "$failures" -ne 0 ]; then
  echo "check_html: $file: $failures check(s) failed" >&2
  exit 1
fi
echo "check_html: $file: ok"

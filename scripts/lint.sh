#!/usr/bin/env bash
# scripts/lint.sh - the project's banned-function check (run by ctest as
# lint_banned_functions; docs/CODE_STYLE.md explains the rules).
#
#   scripts/lint.sh [ROOT]     ROOT defaults to the repository
#
# Scans the C sources of the product (src/ mock/ suite/ tools/ fuzz/) with
# comments and string literals removed, and reports every call of a banned
# function as FILE:LINE: NAME: what to use instead.
# Exit: 0 clean, 1 a banned call found, 2 usage.
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
[ -d "$root" ] || { echo "lint: no such folder: $root" >&2; exit 2; }

# The rule table: banned name, then what to use instead. One place.
rules='
strcpy    no bound: memcpy with a known length, or quo_buf
strncat   easy to misuse (the bound is what is left, not the size): quo_buf
sprintf   no bound: snprintf, or quo_buf_printf
atoi      no error report: strtol with an end pointer and errno
atol      no error report: strtol with an end pointer and errno
sscanf    silent partial parses, overflow is undefined: strtol/strtod by hand
strerror  not thread-safe: quo_strerror / quo_errno_text (quo/io.h)
strtok    hidden global state: strchr/strspn/strcspn loops
gets      no bound at all: fgets
'
dirs=(src mock suite tools fuzz)

exec python3 - "$root" "$rules" "${dirs[@]}" <<'PY'
import os, re, sys
root, rules, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
table = {}
for line in rules.strip().splitlines():
    name, why = line.split(None, 1)
    table[name] = why
call = re.compile(r'(?<![A-Za-z0-9_.>])(%s)\s*\(' % '|'.join(map(re.escape, table)))

def code_only(text):
    """The text with comments and string/char literals blanked (newlines kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j])); i = j
        elif text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i)); i = j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r'[^\n]', ' ', text[i + 1:j - 1]) + c); i = j
        else:
            out.append(c); i += 1
    return ''.join(out)

found = 0
for d in dirs:
    for base, subdirs, files in os.walk(os.path.join(root, d)):
        subdirs.sort()
        for f in sorted(files):
            if not f.endswith(('.c', '.h')):
                continue
            path = os.path.join(base, f)
            text = code_only(open(path, encoding='utf-8', errors='replace').read())
            for m in call.finditer(text):
                line = text.count('\n', 0, m.start()) + 1
                print('%s:%d: %s: %s' % (os.path.relpath(path, root), line, m.group(1),
                                          table[m.group(1)]))
                found += 1
if found:
    print('lint: %d banned call(s); see docs/CODE_STYLE.md' % found, file=sys.stderr)
    sys.exit(1)
print('lint: no banned calls in %s' % ' '.join(d + '/' for d in dirs))
PY

#!/usr/bin/env python3
"""Case counts per constraint kind, from `quo-conformance --list`.

    python3 counts.py QUO_CONFORMANCE [SPEC...]

With no SPEC the shipped (embedded) spec is counted. A case's kind is the
keyword its id names for the coverage phase's TCases (201-values,
400-values, 400-header: "<status>.<keyword>.<member>.<label>"), else its
TCase ("201", "400-links", ...). Companions (201-echo, 400-errors-path)
are counted apart, as they send no request of their own."""
import collections
import subprocess
import sys

VALUE_TCASES = {"201-values", "400-values"}
COMPANIONS = {"201-echo", "400-errors-path"}


def kind_of(case_id, tcase):
    parts = case_id.split(".")
    if tcase in VALUE_TCASES and len(parts) >= 3:
        if parts[1] == "header" and len(parts) >= 4:
            return "header " + parts[3]
        return parts[1]
    if tcase == "400-header" and len(parts) >= 4:
        # 400.header.<Name>.<keyword>.<label> (generated) or .<breaker>
        return "header " + (parts[3] if len(parts) >= 5 else parts[3])
    return tcase


def count(suite, spec):
    cmd = [suite, "--list"] + (["--spec", spec] if spec else [])
    out = subprocess.run(cmd, capture_output=True, timeout=60)
    if out.returncode != 0:
        sys.stderr.write(out.stderr.decode("utf-8", "replace"))
        return None
    kinds = collections.Counter()
    companions = collections.Counter()
    total = None
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        f = line.split()
        if len(f) >= 3 and "/" in f[2] and f[1] in ("MUST", "SHOULD"):
            tcase = f[2].split("/", 1)[1]
            (companions if tcase in COMPANIONS else kinds)[kind_of(f[0], tcase)] += 1
        elif " cases (" in line:
            total = line.strip()
    return kinds, companions, total


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    suite = argv[1]
    for spec in argv[2:] or [None]:
        got = count(suite, spec)
        if got is None:
            return 1
        kinds, companions, total = got
        print("== %s: %s" % (spec or "shipped spec", total))
        for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])):
            print("  %-28s %5d" % (k, n))
        print("  companions: " + ", ".join("%s %d" % kv for kv in sorted(companions.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

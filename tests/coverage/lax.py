#!/usr/bin/env python3
"""Lax-server tests of the coverage phase (docs/coverage.md).

For each constraint kind the suite derives cases from, a "lax" copy of the
rich test spec (specs/rich.openapi.json) is written with that one
constraint removed or loosened; quo-mock serves the lax copy (so it accepts
what the constraint forbids), quo-conformance runs the RICH spec against
it, and the run must fail (exit 1) with a MUST failure aimed at that
keyword: a failed case whose `constraint` (when the report carries it) or
whose id names the keyword. A "strict" kind adds a constraint instead, so
the mock refuses what the rich spec allows and a positive must fail. The
faithful mock (started from RICH itself) must pass (exit 0).

One mock at a time, each run bounded (a few seconds); every mock is stopped
by its process id.

    python3 lax.py QUO_MOCK QUO_CONFORMANCE RICH_SPEC WORKDIR [KIND...]

KIND  run only these kinds (names as printed); "faithful" is always run.
Exit: 0 every kind caught and the faithful mock passed, 1 otherwise,
2 usage or setup (the mock did not start)."""
import copy
import json
import os
import re
import subprocess
import sys
import time

CONFIG = {"apiKey": "test-key",
          "fixtures": {"phoneNumberId": "PN1", "conversationId": "CN1", "activityId": "AC1",
                       "userId": "US1"},
          "forbidden": {"apiKey": "no-access-key"}}
# Per suite run: the faithful run sends ~800 cases, about 3 s in a gcc build
# and minutes under ASan on a loaded 2-core machine (a fork per case).
RUN_SECONDS = int(os.environ.get("QUO_LAX_RUN_SECONDS", "400"))


def branches(spec):
    body = spec["paths"]["/v1/tasks"]["post"]["requestBody"]["content"]["application/json"]
    s = body["schema"]
    return s.get("anyOf") or s.get("oneOf")


def each_member(name, fn):
    def edit(spec):
        for b in branches(spec):
            fn(b["properties"][name])
    return edit


def drop(name, *keys):
    def fn(schema):
        for k in keys[:-1]:
            schema = schema[k]
        del schema[keys[-1]]
    return each_member(name, fn)


def setkey(name, key, value):
    return each_member(name, lambda schema: schema.__setitem__(key, value))


def header(fn):
    def edit(spec):
        fn(spec["paths"]["/v1/tasks"]["post"]["parameters"][0])
    return edit


def not_required(member):
    def edit(spec):
        for b in branches(spec):
            b["required"].remove(member)
    return edit


def open_branches(spec):
    for b in branches(spec):
        b.pop("additionalProperties", None)


# kind, the edit that makes the lax (or strict) spec, the keyword the failing
# MUST case must name, a regex its id must match, and the --filter glob of
# the lax run (the cases about that member: the faithful run sends them all).
KINDS = [
    ("enum", drop("priority", "enum"), "enum", r"\.enum\.priority\.", "*.priority.*"),
    ("minLength", drop("label", "minLength"), "minLength", r"\.minLength\.label\.", "*.label.*"),
    ("maxLength", drop("label", "maxLength"), "maxLength", r"\.maxLength\.label\.", "*.label.*"),
    ("minimum", drop("estimateMinutes", "minimum"), "minimum",
     r"\.minimum\.estimateMinutes\.", "*.estimateMinutes.*"),
    ("maximum", drop("estimateMinutes", "maximum"), "maximum",
     r"\.maximum\.estimateMinutes\.", "*.estimateMinutes.*"),
    ("integer", setkey("estimateMinutes", "type", "number"), "type",
     r"\.type\.estimateMinutes\.", "*.estimateMinutes.*"),
    ("exclusiveMinimum", drop("progress", "exclusiveMinimum"), "exclusiveMinimum",
     r"\.exclusiveMinimum\.progress\.", "*.progress.*"),
    ("exclusiveMaximum", drop("progress", "exclusiveMaximum"), "exclusiveMaximum",
     r"\.exclusiveMaximum\.progress\.", "*.progress.*"),
    ("multipleOf", drop("points", "multipleOf"), "multipleOf", r"\.multipleOf\.points\.",
     "*.points.*"),
    ("minItems", drop("tags", "minItems"), "minItems", r"\.minItems\.tags\.", "*.tags.*"),
    ("maxItems", drop("tags", "maxItems"), "maxItems", r"\.maxItems\.tags\.", "*.tags.*"),
    ("uniqueItems", drop("tags", "uniqueItems"), "uniqueItems", r"\.uniqueItems\.tags\.",
     "*.tags.*"),
    ("items", drop("tags", "items"), "items|type|maxLength", r"\.(items|type|maxLength)\.tags\.",
     "*.tags.*"),
    ("type", drop("note", "type"), "type", r"\.type\.note\.", "*.note.*"),
    ("null-allowed (strict)", setkey("note", "type", "string"), "type", r"^201\.type\.note\.",
     "*.note.*"),
    ("pattern", setkey("ticket", "pattern", "^TK-"), "pattern", r"\.pattern\.ticket\.",
     "*.ticket.*"),
    ("format", drop("startDate", "format"), "format", r"\.format\.startDate\.", "*.startDate.*"),
    ("required", not_required("title"), "required", r"^400\.required\.title$", "400.required.*"),
    ("additionalProperties", open_branches, "additionalProperties",
     r"^400\.(unknown-property|closed\.)", "400.*"),
    ("header required", header(lambda p: p.__setitem__("required", False)), "required",
     r"^400\.header\.Idempotency-Key\.missing$", "400.header.*"),
    ("header minLength", header(lambda p: p["schema"].pop("minLength")), "minLength",
     r"^400\.header\.Idempotency-Key\.(minLength\.|empty$)", "400.header.*"),
]


def combiner(name):
    """The request schema's alternatives under `name` (anyOf / oneOf), open."""
    def edit(spec):
        s = spec["paths"]["/v1/tasks"]["post"]["requestBody"]["content"]["application/json"]
        s = s["schema"]
        alts = s.pop("anyOf", None) or s.pop("oneOf")
        for b in alts:
            b.pop("additionalProperties", None)
        s[name] = alts
    return edit


# Kinds that need a variant of the rich spec (a construct the rich spec
# does not have): the suite runs the variant, the faithful mock serves the
# variant (and must pass), the lax mock serves the variant's lax copy.
# kind, variant edit, lax edit, keyword, id regex, --filter glob.
VARIANT_KINDS = [
    ("oneOf", combiner("oneOf"), combiner("anyOf"), "oneOf", r"^400\.oneOf\.two\.",
     "400.oneOf.*"),
]


def start_mock(mock, spec_path, log):
    """quo-mock on 127.0.0.1, port 0: (process, base URL)."""
    err = open(log, "wb")
    p = subprocess.Popen([mock, "--spec", spec_path, "--port", "0"], stdout=subprocess.PIPE,
                         stderr=err)
    line = p.stdout.readline().decode()
    if not line.startswith("listening on "):
        p.wait(timeout=10)
        return None, None
    return p, line.split()[2].strip()


def stop_mock(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    p.stdout.close()


def run_suite(suite, rich, url, work, glob):
    cfg = os.path.join(work, "config.json")
    with open(cfg, "w") as f:
        json.dump(CONFIG, f)
    reports = os.path.join(work, "reports")
    t0 = time.monotonic()
    # The config file alone says where and with which key (no QUO_* from
    # the caller's environment).
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUO_")}
    try:
        p = subprocess.run([suite, "--spec", rich, "--config", cfg, "--base-url", url,
                            "--report-dir", reports, "--timeout", "5"] +
                           (["--filter", glob] if glob else []), env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=RUN_SECONDS)
    except subprocess.TimeoutExpired:
        return -1, None, time.monotonic() - t0, "quo-conformance ran over %d s" % RUN_SECONDS
    secs = time.monotonic() - t0
    try:
        with open(os.path.join(reports, "report.json")) as f:
            report = json.load(f)
    except (OSError, ValueError):
        report = None
    return p.returncode, report, secs, p.stdout.decode("utf-8", "replace")


def must_failures(report):
    return [c for c in (report or {}).get("cases", [])
            if c.get("result") == "failed" and c.get("level") == "MUST"]


def names(case, keyword, idre):
    if case.get("constraint") and not re.fullmatch(keyword, case["constraint"]):
        return False
    return re.search(idre, case["id"]) is not None


def one(mock, suite, rich_spec, rich_path, work, kind, edit, glob=None):
    os.makedirs(work, exist_ok=True)
    spec = copy.deepcopy(rich_spec)
    if edit:
        edit(spec)
    lax = os.path.join(work, "lax.openapi.json")
    with open(lax, "w") as f:
        json.dump(spec, f, indent=1)
    p, url = start_mock(mock, lax, os.path.join(work, "mock.err"))
    if not p:
        with open(os.path.join(work, "mock.err")) as f:
            print("FAIL %s: quo-mock did not start: %s" % (kind, f.read().strip()[:300]))
        return None
    try:
        return run_suite(suite, rich_path, url, work, glob)
    finally:
        stop_mock(p)


def caught(kind, got, keyword, idre):
    """True (and says so) when a lax run failed with a MUST case naming the
    keyword; got is one()'s result (None: the mock did not start)."""
    if got is None:
        return False
    rc, report, secs, out = got
    hits = [c["id"] for c in must_failures(report) if names(c, keyword, idre)]
    if rc == 1 and hits:
        print("ok   %-22s caught by %d MUST case(s), e.g. %s (%.2f s)" %
              (kind, len(hits), hits[0], secs))
        return True
    print("FAIL %-22s exit %d, no MUST failure naming %s; MUST failures: %s" % (
        kind, rc, keyword, [c["id"] for c in must_failures(report)][:8]))
    return False


def main(argv):
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    mock, suite, rich_path, work = argv[1:5]
    only = set(argv[5:])
    with open(rich_path) as f:
        rich = json.load(f)
    failed = 0
    started = time.monotonic()
    got = one(mock, suite, rich, rich_path, os.path.join(work, "faithful"), "faithful", None)
    if got is None:
        return 2
    rc, report, secs, out = got
    if rc == 0:
        print("ok   faithful mock passes (%d cases, %.2f s)" %
              (len((report or {}).get("cases", [])), secs))
    else:
        failed += 1
        print("FAIL faithful mock: exit %d, MUST failures %s\n%s" % (
            rc, [c["id"] for c in must_failures(report)][:10], out.strip()[-600:]))
    for kind, edit, keyword, idre, glob in KINDS:
        if only and kind not in only:
            continue
        slug = re.sub(r"[^A-Za-z0-9]+", "-", kind).strip("-")
        try:
            edit(copy.deepcopy(rich))
        except (KeyError, IndexError, ValueError) as e:
            failed += 1
            print("FAIL %-22s the rich spec has no %s to edit" % (kind, e))
            continue
        got = one(mock, suite, rich, rich_path, os.path.join(work, slug), kind, edit, glob)
        failed += not caught(kind, got, keyword, idre)
    for kind, variant, edit, keyword, idre, glob in VARIANT_KINDS:
        if only and kind not in only:
            continue
        slug = re.sub(r"[^A-Za-z0-9]+", "-", kind).strip("-")
        base = copy.deepcopy(rich)
        variant(base)
        base_path = os.path.join(work, slug + ".openapi.json")
        os.makedirs(work, exist_ok=True)
        with open(base_path, "w") as f:
            json.dump(base, f, indent=1)
        got = one(mock, suite, base, base_path, os.path.join(work, slug + "-faithful"),
                  kind + " (faithful)", None, glob)
        if got is None or got[0] != 0 or not (got[1] or {}).get("cases"):
            failed += 1
            print("FAIL %-22s the faithful mock of the variant: %s" % (
                kind, "did not start" if got is None else "exit %d, %d case(s)" % (
                    got[0], len((got[1] or {}).get("cases", [])))))
            continue
        got = one(mock, suite, base, base_path, os.path.join(work, slug), kind, edit, glob)
        failed += not caught(kind, got, keyword, idre)
    print("%d kind(s) failed; %.1f s in all" % (failed, time.monotonic() - started))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

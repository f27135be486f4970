#!/usr/bin/env python3
"""Runs one spec evolution (tests/contract/make_specs.py) through one tool.

usage: run_contract.py validate|mock|conformance NAME BIN BASE_SPEC WORKDIR

  validate     quo-validate agrees with the schema: each valid body/response
               is valid, each invalid one invalid (with the expected words);
               a refused spec exits 2 with a message naming why.
  mock         quo-mock --spec serves it: valid bodies get the spec's
               success status with the auth scheme and required headers the
               spec names, invalid ones 400; a missing required header 400
               naming it; the bodies the evolution says it serves get the
               success status; its start-up note says what it synthesized;
               a refused spec exits 2 naming why.
  conformance  quo-conformance --spec against its embedded mock of the same
               spec passes.

Exit 0 pass, 1 fail, 77 skip (an evolution that selects an operation by
--operation, which only quo-validate offers).
"""
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_specs  # noqa: E402

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(cmd, stdin=None, timeout=60):
    p = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def spec_args(spec_path, cases):
    args = ["--spec", spec_path]
    if cases["operation"]:
        args += ["--operation", cases["operation"]]
    return args


def validate(bin_, spec_path, cases, work):
    if cases["refused"]:
        rc, out, err = run([bin_] + spec_args(spec_path, cases) + ["request", "-"], b"{}")
        check(rc == 2 and re.search(cases["refused"], err), "refused (exit %d): %s" %
              (rc, err.strip()[:300]))
        return
    for i, (body, valid, words) in enumerate(cases["requests"]):
        rc, out, _ = run([bin_] + spec_args(spec_path, cases) + ["request", "-"],
                         json.dumps(body).encode())
        ok = rc == (0 if valid else 1) and ('"valid":true' in out) == valid
        if ok and words:
            ok = re.search(words, out) is not None
        check(ok, "request %d %s -> %s %s" % (i, json.dumps(body), "valid" if valid else
                                              "invalid", out.strip()[:300]))
    for i, (status, body, valid) in enumerate(cases["responses"]):
        rc, out, _ = run([bin_] + spec_args(spec_path, cases) + ["response", status, "-"],
                         json.dumps(body).encode())
        check(rc == (0 if valid else 1), "response %s %d %s -> %s %s" % (
            status, i, json.dumps(body), "valid" if valid else "invalid", out.strip()[:300]))


def spec_facts(spec):
    """What a client reads from the spec: path, auth, required headers."""
    (path, item), = [(p, i) for p, i in spec["paths"].items() if "post" in i]
    op = item["post"]
    scheme = spec["components"]["securitySchemes"]["apiKey"]
    if scheme["type"] == "http":
        auth = ("Authorization", scheme["scheme"].capitalize() + " ")
    else:
        auth = (scheme["name"], "")
    headers = [p["name"] for p in op.get("parameters", [])
               if p["in"] == "header" and p.get("required")]
    success = min(int(s) for s in op["responses"] if s.isdigit() and s.startswith("2"))
    return path, auth, headers, success


def send(base, path, headers, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers=dict(headers, **{"Content-Type": "application/json"}))
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def mock(bin_, spec_path, cases, work, spec):
    p = subprocess.Popen([bin_, "--spec", spec_path, "--port", "0"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        line = p.stdout.readline().decode()
        if not line.startswith("listening on "):
            rc = p.wait(timeout=10)
            err = p.stderr.read().decode()
            if cases["refused"] or cases["mock"] is not True:
                want = cases["refused"] or cases["mock"]
                check(rc == 2 and re.search(want, err) is not None,
                      "refused (exit %d): %s" % (rc, err.strip()[:300]))
                return
            check(False, "quo-mock did not start (exit %d): %s" % (rc, err.strip()[:400]))
            return
        check(not cases["refused"] and cases["mock"] is True,
              "started although the spec should be refused")
        base = line.split()[2].strip()
        path, (auth_name, auth_prefix), required, success = spec_facts(spec)
        hdrs = {auth_name: auth_prefix + "test-key"}
        for h in required:
            hdrs[h] = "key-1"
        for i, (body, valid, _) in enumerate(cases["requests"]):
            if not valid and body == make_specs.BASE:
                continue  # rejected by a pattern the default fixtures cannot meet
            status, text = send(base, path, hdrs, body)
            check(status == (success if valid else 400) or (valid and status in (403, 404)),
                  "mock %s -> %d %s" % (json.dumps(body), status, text[:200]))
        for body in cases["served"]:
            status, text = send(base, path, hdrs, body)
            check(status == success, "mock serves %s -> %d (want %d) %s" % (
                json.dumps(body), status, success, text[:200]))
        if not cases["requests"]:
            status, text = send(base, path, hdrs, make_specs.BASE)
            check(status == success, "mock baseline -> %d (want %d) %s" % (status, success,
                                                                         text[:200]))
        for h in required:
            status, text = send(base, path, {k: v for k, v in hdrs.items() if k != h},
                                make_specs.BASE)
            check(status == 400 and h in text, "missing %s -> %d %s" % (h, status, text[:200]))
        status, text = send(base, path, {}, make_specs.BASE)
        check(status == 401, "no credentials -> %d" % status)
    finally:
        if p.poll() is None:
            p.terminate()
            p.wait(timeout=10)
    if cases["note"]:
        err = p.stderr.read().decode()
        check(re.search(cases["note"], err) is not None,
              "start-up note matches %s: %s" % (cases["note"], err.strip()[:400]))
        # The same ids in a file the user wrote are refused by name, never
        # replaced.
        rc, text, _ = run([bin_, "--print-fixtures"])
        user = os.path.join(work, "user-fixtures.json")
        with open(user, "w") as f:
            f.write(text)
        rc, _, err = run([bin_, "--spec", spec_path, "--fixtures", user, "--port", "0"],
                         timeout=20)
        check(rc == 2 and re.search(r'"PN1" is not a valid phoneNumberId', err) is not None,
              "a user's fixtures that do not fit are refused (exit %d): %s" % (rc, err.strip()[:300]))


def conformance(bin_, spec_path, cases, work):
    rc, out, err = run([bin_, "--spec", spec_path, "--report-dir",
                        os.path.join(work, "reports")], timeout=300)
    if cases["refused"] or cases["mock"] is not True:
        want = cases["refused"] or cases["mock"]
        check(rc == 2 and re.search(want, err + out) is not None,
              "refused (exit %d): %s" % (rc, (err or out).strip()[-300:]))
        return
    last = (out.strip().splitlines() or [""])[-1]
    check(rc == 0, "suite against its mock of the same spec (exit %d): %s %s" %
          (rc, last[:300], err.strip()[-300:]))
    # Every link id gets its 404 case: an unknown id that fits the spec is
    # derived even under a tight pattern (none discarded).
    try:
        with open(os.path.join(work, "reports", "report.json")) as f:
            discarded = json.load(f).get("discarded", [])
    except (OSError, ValueError) as e:
        discarded = ["report.json unreadable: %s" % e]
    lost = [d for d in discarded if d.startswith("404.") or "unreadable" in d]
    check(not lost, "404 cases discarded: %s" % "; ".join(lost)[:300])


def main(argv):
    if len(argv) != 6:
        sys.stderr.write(__doc__)
        return 2
    tool, name, bin_, base_spec, work = argv[1:]
    os.makedirs(work, exist_ok=True)
    prefix = os.path.join(work, name)
    make_specs.main(["", "write", name, base_spec, prefix])
    with open(prefix + ".cases.json") as f:
        cases = json.load(f)
    with open(prefix + ".spec.json") as f:
        spec = json.load(f)
    if tool != "validate" and cases["operation"]:
        print("skip: selecting an operation is a quo-validate option")
        return 77
    {"validate": lambda: validate(bin_, prefix + ".spec.json", cases, work),
     "mock": lambda: mock(bin_, prefix + ".spec.json", cases, work, spec),
     "conformance": lambda: conformance(bin_, prefix + ".spec.json", cases, work)}[tool]()
    print("%s %s: %d failure(s)" % (tool, name, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

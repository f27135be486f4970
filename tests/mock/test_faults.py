#!/usr/bin/env python3
"""quo-mock's fault injection and shutdown, driven as a client team would
(docs/mock.md, "Testing how your client handles failures").

Checked: Prefer code=429/503 (with Retry-After) and documented codes;
delay, drop, reset, truncate, extra-members, chunked; the same through
?__quo_prefer=; --faults (a plan by request number) validated at start;
--rate-limit N/s; --cors preflights answered and not recorded; every
forced answer recorded as "forced" and never counted against the client;
--record-max keeps non-conforming entries first; the drain limit and a
second signal at shutdown.
Usage: test_faults.py QUO_MOCK_BINARY
"""
import http.client, json, os, shutil, signal, socket, subprocess, sys, tempfile, time

MOCK = sys.argv[1]
failures = []
def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)

work = tempfile.mkdtemp(prefix="quo-faults-")
GOOD = '{"title":"t","description":"d","phoneNumberId":"PN1"}'
HDRS = {"Content-Type": "application/json", "Authorization": "test-key", "Quo-Client": "robust"}

def start(*extra):
    err = open(os.path.join(work, "stderr"), "w")
    p = subprocess.Popen([MOCK, "--port", "0", "--quiet", *extra], stdout=subprocess.PIPE,
                         stderr=err, text=True)
    line = p.stdout.readline()
    if not line:
        p.wait()
        return p, 0
    return p, int(line.strip().rsplit(":", 1)[1])

def post(port, prefer=None, path="/v1/tasks", headers=None, body=GOOD):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    h = dict(HDRS if headers is None else headers)
    if prefer:
        h["Prefer"] = prefer
    t = time.monotonic()
    try:
        c.request("POST", path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        return r.status, dict(r.getheaders()), data, time.monotonic() - t
    except (http.client.HTTPException, OSError) as e:
        return type(e).__name__, {}, b"", time.monotonic() - t
    finally:
        c.close()

def stop(p, sig=signal.SIGTERM):
    p.send_signal(sig)
    return p.wait(timeout=30)

report_path = os.path.join(work, "r.json")
plan = os.path.join(work, "plan.json")
json.dump({"seed": 1, "faults": [{"requests": [20], "prefer": "code=503"}]}, open(plan, "w"))
p, port = start("--report", report_path, "--faults", plan, "--cors", "--record-max", "1000")
try:
    st, h, body, _ = post(port, "code=429")
    check(st == 429 and h.get("Retry-After") == "1", f"code=429 with Retry-After: {st} {h}")
    st, h, body, _ = post(port, "code=503")
    check(st == 503 and h.get("Retry-After"), f"code=503 with Retry-After: {st}")
    st, h, body, _ = post(port, "code=404")
    check(st == 404, "a documented code is forced")
    st, h, body, _ = post(port, "code=418")
    check(st == 400, "an undocumented code other than 429/503 is the client's mistake")
    st, h, body, el = post(port, "delay=400")
    check(st == 201 and el >= 0.39, f"delay=400 answers 201 after >= 400 ms ({el:.3f} s)")
    st, h, body, _ = post(port, "drop")
    check(st in ("RemoteDisconnected", "ConnectionResetError", "BadStatusLine"), f"drop: {st}")
    st, h, body, _ = post(port, "reset")
    check(st in ("ConnectionResetError", "RemoteDisconnected"), f"reset: {st}")
    st, h, body, _ = post(port, "truncate")
    check(st == "IncompleteRead", f"truncate: the body ends early ({st})")
    st, h, body, _ = post(port, "extra-members")
    j = json.loads(body) if st == 201 else {}
    check("quoMockExtra" in j and "quoMockExtra" in j.get("data", {}), f"extra-members: {body}")
    st, h, body, _ = post(port, "chunked")
    check(st == 201 and h.get("Transfer-Encoding") == "chunked" and json.loads(body)["data"],
          f"chunked: {h}")
    st, h, body, _ = post(port, path="/v1/tasks?__quo_prefer=code%3D503")
    check(st == 503, f"__quo_prefer=code=503 in the query: {st}")
    # requests 12-19 plain, request 20 gets the plan's 503
    seen = [post(port)[0] for _ in range(9)]
    check(seen[-1] == 503 and seen[:-1] == [201] * 8, f"the plan's 503 at request 20: {seen}")
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("OPTIONS", "/v1/tasks", headers={"Origin": "http://app.example",
                                               "Access-Control-Request-Method": "POST"})
    r = c.getresponse()
    r.read()
    check(r.status == 204 and r.getheader("Access-Control-Allow-Origin") == "*",
          f"--cors preflight: {r.status}")
    c.close()
    # A non-conforming request under a forced code still counts against the client.
    st, h, body, _ = post(port, "code=503", headers={"Authorization": "test-key",
                                                      "Quo-Client": "sloppy"})
    check(st == 503, "forced 503 for a request without Content-Type")
    time.sleep(0.2)
    check(stop(p) == 0, "clean exit")
    rep = json.load(open(report_path))
    clients = {c["id"]: c for c in rep["clients"]}
    robust = clients.get("robust", {})
    check(robust.get("verdict") == "nonConforming" and
          [x["rule"] for x in robust.get("problems", [])] == ["prefer"],
          f"robust's only problem is the undocumented code=418: {robust.get('problems')}")
    check(robust.get("forced", 0) >= 11, f"forced answers counted: {robust.get('forced')}")
    check(clients.get("sloppy", {}).get("verdict") == "nonConforming",
          "a forced answer does not hide the client's own mistake")
    check(all(e["method"] != "OPTIONS" for e in rep["requests"]), "preflights not recorded")
    forced = [e.get("forced") for e in rep["requests"] if e.get("forced")]
    for f in ("code=429", "delay=400", "drop", "reset", "truncate", "extra-members", "chunked"):
        check(f in forced, f"recorded as forced: {f}")
finally:
    if p.poll() is None:
        p.kill()

# --rate-limit: real 429s past N per key in one second.
p, port = start("--rate-limit", "3/s")
try:
    got = [post(port)[0] for _ in range(8)]
    check(got[:3] == [201] * 3 and 429 in got[3:], f"--rate-limit 3/s: {got}")
finally:
    stop(p)

# A fault plan is checked at start: exit 2 with the rule named.
json.dump({"faults": [{"every": 0, "prefer": "drop"}]}, open(plan, "w"))
p, port = start("--faults", plan)
check(p.wait(timeout=10) == 2 and "faults[0].every" in open(os.path.join(work, "stderr")).read(),
      "a bad plan: exit 2 naming faults[0].every")
json.dump({"faults": [{"requests": [1], "prefer": "bogus"}]}, open(plan, "w"))
p, port = start("--faults", plan)
check(p.wait(timeout=10) == 2, "a plan naming no fault: exit 2")
# Member names are compared in full: "prefer\u0000x" is not "prefer" (the
# rule is refused as unknown, not run as a 503); duplicate names and a NUL
# inside the prefer text are refused too (the strict gate, docs/json.md).
for text, what in (
        (json.dumps({"faults": [{"requests": [1], "prefer\x00x": "code=503"}]}),
         "a rule member named prefer\\u0000x"),
        (json.dumps({"faults": [{"requests": [1], "prefer": "code=503", "prefer\x00x": "drop"}]}),
         "a rule with prefer and prefer\\u0000x"),
        (json.dumps({"faults": [{"requests": [1], "prefer": "code=503"}], "seed\x00": 1}),
         "a plan member named seed\\u0000"),
        ('{"faults": [{"requests": [1], "prefer": "code=503", "prefer": "drop"}]}',
         "a rule with prefer twice"),
        ('{"faults": [], "faults": [{"requests": [1], "prefer": "drop"}]}',
         "a plan with faults twice"),
        (json.dumps({"faults": [{"requests": [1], "prefer": "code=503\x00drop"}]}),
         "a prefer text holding \\u0000")):
    with open(plan, "w") as f:
        f.write(text)
    p, port = start("--faults", plan)
    try:
        rc = p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        stop(p)
        rc = "still serving"
    check(rc == 2 and "plan.json" in open(os.path.join(work, "stderr")).read(),
          f"{what}: exit 2 naming the plan, got {rc}")

# --record-max keeps the non-conforming entries first.
p, port = start("--report", report_path, "--record-max", "3")
try:
    for _ in range(5):
        post(port)
    for _ in range(3):
        post(port, headers={"Authorization": "test-key"})
finally:
    stop(p)
rep = json.load(open(report_path))
check([e["conforming"] for e in rep["requests"]] == [False] * 3 and
      rep["summary"]["omitted"] == 5 and rep["summary"]["omittedNonConforming"] == 0,
      f"record cap: every non-conforming entry kept: {rep['summary']}")

# Shutdown: a stalled upload delays exit by at most --drain; a second
# signal ends the drain at once; the report is written either way.
for drain, second in ((2, False), (30, True)):
    p, port = start("--report", report_path, "--drain", str(drain))
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Authorization: test-key\r\nContent-Length: 1000\r\n\r\n{\"title\":")
    time.sleep(0.3)
    os.unlink(report_path) if os.path.exists(report_path) else None
    t = time.monotonic()
    p.send_signal(signal.SIGTERM)
    if second:
        time.sleep(0.5)
        p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=60)
    el = time.monotonic() - t
    s.close()
    limit = 2 if second else drain + 1.5
    check(rc == 0 and el < limit and os.path.exists(report_path),
          f"drain {drain}, second signal {second}: exit {rc} after {el:.2f} s, report written")

# The report is rewritten while serving: a kill -9 loses little.
if os.path.exists(report_path):
    os.unlink(report_path)
p, port = start("--report", report_path, "--report-interval", "100")
post(port)
time.sleep(0.6)
p.kill()
p.wait()
try:
    got = json.load(open(report_path))["summary"]["requests"]
except (OSError, ValueError) as e:
    got = repr(e)
check(got == 1, f"after kill -9 the report holds the request: {got}")

shutil.rmtree(work, ignore_errors=True)
print("FAILED: %d check(s)" % len(failures) if failures else "OK")
sys.exit(1 if failures else 0)

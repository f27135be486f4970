#!/usr/bin/env python3
"""Three clients of different styles certified by one quo-mock.

Python urllib, curl and Node fetch, each first clean, then each with one
planted bug, plus a raw-socket client breaking HTTP/1.1 rules. One mock
serves them all; between the two phases POST /__quo/reset starts a fresh
certification. Checked:
  - phase 1 (GET /__quo/report): every client told apart and conforming,
    with the coverage it exercised;
  - phase 2 (the reports written at SIGTERM): each client non-conforming
    with exactly its planted problem, counted once per distinct problem,
    with a fix hint; the raw client's HTTP violations name RFC clauses and
    /v1/tasks%00.json is not recorded as /v1/tasks;
  - the JUnit file parses (xml.etree) with a testsuite per client; the
    HTML is one self-contained file; exit status 1 (--fail-on-nonconforming).
Usage: test_clients.py QUO_MOCK_BINARY   (exit 77 when node or curl is missing)
"""
import json, os, shutil, signal, socket, subprocess, sys, tempfile, time
import urllib.request, urllib.error
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
MOCK = sys.argv[1]
for tool in ("node", "curl"):
    if not shutil.which(tool):
        print(f"SKIP: {tool} is not installed")
        sys.exit(77)

failures = []
def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)

work = tempfile.mkdtemp(prefix="quo-clients-")
rep = {ext: os.path.join(work, "report." + ext) for ext in ("json", "xml", "html", "md")}
# A stale temp file from a "killed run" must be gone once the mock starts.
stale = rep["json"] + ".tmp.AbCdEf"
open(stale, "w").write("stale")
args = [MOCK, "--port", "0", "--fail-on-nonconforming", "--report-interval", "100",
        "--require-coverage", "shape:phoneNumberId,shape:activityId"]
for p in rep.values():
    args += ["--report", p]
err_path = os.path.join(work, "stderr")
proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=open(err_path, "w"), text=True)
try:
    line = proc.stdout.readline()
    port = int(line.strip().rsplit(":", 1)[1])
    base = f"http://127.0.0.1:{port}"
    check(not os.path.exists(stale), "stale report.json.tmp.* removed at start")

    def py_client(bug):
        """urllib; the bug: a due date without a time zone."""
        due = "2025-06-01T09:00:00" if bug else "2025-06-01T09:00:00Z"
        bodies = [{"title": "Call back", "description": "Pricing", "phoneNumberId": "PN1",
                   "dueDate": due},
                  {"title": "Follow up", "description": "Next steps", "conversationId": "CN2"}]
        statuses = []
        for b in bodies:
            req = urllib.request.Request(base + "/v1/tasks", data=json.dumps(b).encode(),
                                         method="POST", headers={
                                             "Content-Type": "application/json",
                                             "Authorization": "test-key",
                                             "Quo-Client": "py-sdk/2.1"})
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    statuses.append(r.status)
            except urllib.error.HTTPError as e:
                statuses.append(e.code)
        return statuses

    def curl_client(bug):
        """curl with its own User-Agent; the bug: -d without a Content-Type."""
        body = '{"title":"Ping","description":"Quarterly","phoneNumberId":"PN2","assignedTo":"US2"}'
        cmd = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-A", "curl-script/1",
               "-H", "Authorization: test-key", "-d", body, base + "/v1/tasks"]
        if not bug:
            cmd[1:1] = ["-H", "Content-Type: application/json"]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout
        return [int(out or 0)]

    def node_client(bug):
        r = subprocess.run(["node", os.path.join(HERE, "clients", "node_client.mjs"), base,
                            "bug" if bug else "clean"], capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            print(r.stderr)
        return r.returncode

    def raw(data):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(data)
        out = b""
        try:
            while b"\r\n\r\n" not in out:
                d = s.recv(65536)
                if not d:
                    break
                out += d
        finally:
            s.close()
        return out

    # ---- phase 1: clean ----
    check(py_client(False) == [201, 201], "py clean gets 201s")
    check(curl_client(False) == [201], "curl clean gets 201")
    check(node_client(False) == 0, "node clean gets 201s")
    with urllib.request.urlopen(base + "/__quo/report", timeout=10) as r:
        so_far = json.load(r)
    clients = {c["id"]: c for c in so_far["clients"]}
    check(set(clients) == {"py-sdk/2.1", "curl-script/1", "node-sdk/1.0"},
          f"phase 1 tells the three clients apart: {sorted(clients)}")
    for cid, c in clients.items():
        check(c["verdict"] == "conforming", f"{cid} clean is conforming: {c['problems']}")
    check(clients.get("py-sdk/2.1", {}).get("coverage", {}).get("shapes", {}).get("exercised")
          == ["phoneNumberId", "conversationId"], "py coverage: phone and conversation shapes")
    check("member:dueDate" not in json.dumps(clients.get("node-sdk/1.0")) and
          clients.get("node-sdk/1.0", {}).get("coverage", {}).get("members", {}).get("missing")
          == ["dueDate"], "node never sent dueDate: listed as missing")
    req = urllib.request.Request(base + "/__quo/reset", data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        check(r.status == 204, "POST /__quo/reset answers 204")

    # ---- phase 2: one planted bug each ----
    check(py_client(True) == [400, 201], "py bug: 400 for the date")
    check(curl_client(True) == [400], "curl bug: 400 for the media type")
    node_client(True)
    node_client(True)  # twice: still one distinct problem, counted 2x2
    host = f"127.0.0.1:{port}".encode()
    good = b'{"title":"t","description":"d","phoneNumberId":"PN1"}'
    hdr = b"Content-Type: application/json\r\nQuo-Client: raw-http\r\n"
    raw(b"POST /v1/tasks HTTP/1.1\r\n" + hdr + b"Authorization: test-key\r\nContent-Length: "
        + str(len(good)).encode() + b"\r\n\r\n" + good)
    raw(b"POST /v1/tasks%00.json HTTP/1.1\r\nHost: " + host + b"\r\n" + hdr +
        b"Authorization: test-key\r\nContent-Length: " + str(len(good)).encode() + b"\r\n\r\n" + good)
    raw(b"POST /v1/tasks HTTP/1.1\r\nHost: " + host + b"\r\n" + hdr +
        b"Authorization: test-key\r\nAuthorization: other-key\r\nContent-Length: "
        + str(len(good)).encode() + b"\r\n\r\n" + good)
    te_cl = raw(b"POST /v1/tasks HTTP/1.1\r\nHost: " + host + b"\r\n" + hdr +
                b"Authorization: test-key\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n")
    check(te_cl.startswith(b"HTTP/1.1 400") and b"Connection: close" in te_cl,
          f"TE+CL gets 400 and Connection: close at once: {te_cl[:80]!r}")
    gz = raw(b"POST /v1/tasks HTTP/1.1\r\nHost: " + host + b"\r\n" + hdr +
             b"Authorization: test-key\r\nTransfer-Encoding: gzip\r\n\r\n")
    check(gz.startswith(b"HTTP/1.1 501"), f"an unknown transfer coding gets 501 at once: {gz[:60]!r}")
    v3 = raw(b"POST /v1/tasks HTTP/3.0\r\nHost: " + host + b"\r\n\r\n")
    check(v3.startswith(b"HTTP/1.1 505"), f"HTTP/3.0 gets libmicrohttpd's 505: {v3[:40]!r}")
    absolute = raw(b"POST " + base.encode() + b"/v1/tasks HTTP/1.1\r\nHost: " + host + b"\r\n"
                   + b"Content-Type: application/json\r\nQuo-Client: abs-form\r\n"
                   + b"Authorization: test-key\r\nContent-Length: " + str(len(good)).encode()
                   + b"\r\n\r\n" + good)
    check(absolute.startswith(b"HTTP/1.1 201"), f"absolute-form target accepted: {absolute[:60]!r}")

    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait(timeout=30)
    check(rc == 1, f"exit 1 with --fail-on-nonconforming (got {rc})")
    stderr = open(err_path).read()
    check("not conforming" in stderr, "stderr names the non-conforming clients")
    check("test-key" not in stderr and "other-key" not in stderr, "no key in the log")

    report = json.load(open(rep["json"]))
    text = open(rep["json"]).read()
    for key in ("test-key", "other-key"):
        for p in rep.values():
            check(key not in open(p).read(), f"{os.path.basename(p)} never shows {key}")
    clients = {c["id"]: c for c in report["clients"]}
    check(set(clients) == {"py-sdk/2.1", "curl-script/1", "node-sdk/1.0", "raw-http", "abs-form"},
          f"phase 2 clients: {sorted(clients)}")
    def problems(cid):
        return clients.get(cid, {}).get("problems", [])
    for cid in ("py-sdk/2.1", "curl-script/1", "node-sdk/1.0", "raw-http"):
        check(clients.get(cid, {}).get("verdict") == "nonConforming", f"{cid} not conforming")
    check(clients.get("abs-form", {}).get("verdict") == "conforming", "absolute-form conforming")
    py = problems("py-sdk/2.1")
    check(len(py) == 1 and py[0]["rule"] == "body" and py[0]["path"] == "/dueDate"
          and "RFC 3339" in py[0].get("hint", "") and py[0].get("value") == '"2025-06-01T09:00:00"',
          f"py: one dueDate problem with its value and a hint: {py}")
    cu = problems("curl-script/1")
    check(len(cu) == 1 and cu[0]["rule"] == "media-type" and "curl -d" in cu[0].get("hint", ""),
          f"curl: one media-type problem with curl's hint: {cu}")
    nd = problems("node-sdk/1.0")
    check(len(nd) == 1 and nd[0]["rule"] == "auth" and nd[0]["count"] == 4,
          f"node: one Bearer problem seen 4 times: {nd}")
    rw = problems("raw-http")
    msgs = " | ".join(p["message"] for p in rw)
    check({p["rule"] for p in rw} == {"http", "path"} and "no Host header" in msgs
          and "%00" in msgs and "Authorization header is sent 2 times" in msgs
          and "Transfer-Encoding and Content-Length" in msgs and "RFC 911" in msgs,
          f"raw: HTTP rules with RFC clauses: {msgs}")
    paths = [e["path"] for e in report["requests"] if e["client"] == "raw-http"]
    check("/v1/tasks%00.json" in paths, f"the %00 path recorded as sent: {paths}")
    entry = next((e for e in report["requests"] if e["client"] == "curl-script/1"), {})
    check(entry.get("userAgent") == "curl-script/1" and entry.get("trace", "").startswith("mock-")
          and entry.get("time", "").endswith("Z"), f"entry has time, User-Agent, trace: {entry}")
    created = [e for e in report["requests"] if e.get("taskId")]
    check(created and created[0]["taskId"].startswith("TK"), "201 entries carry their taskId")
    pv = report.get("provenance", {})
    check(pv.get("version") and pv.get("spec", {}).get("hash", "").startswith("fnv1a64:")
          and pv.get("fixtures") == "compiled-in" and "timeSpan" in pv, f"provenance: {pv}")
    check(report["summary"]["clientsNonConforming"] == 4, "summary counts 4 failing clients")
    check(report["summary"]["unanswered"].get("answered-by-libmicrohttpd", 0) >= 1,
          f"what libmicrohttpd answered itself is counted: {report['summary']['unanswered']}")

    suites = ET.parse(rep["xml"]).getroot()
    conn_suite = "connections without a request"  # not a client (mock/report.c)
    names = sorted(s.get("name") for s in suites.iter("testsuite") if s.get("name") != conn_suite)
    check(names == sorted(clients), f"JUnit: one testsuite per client: {names}")
    for s in suites.iter("testsuite"):
        if s.get("name") == conn_suite:
            continue
        fails = len(list(s.iter("failure")))
        check(fails == len(problems(s.get("name"))) and int(s.get("failures")) == fails,
              f"JUnit {s.get('name')}: a failing testcase per distinct problem")
        cases = [c.get("name") for c in s.iter("testcase")]
        check("shape:activityId" in cases, f"JUnit {s.get('name')}: a testcase per shape")

    html = open(rep["html"]).read()
    check("<script" not in html and "<link" not in html and " src=" not in html,
          "HTML is self-contained (no script, no external resources)")
    check(html.index("Verdict:") < html.index("Coverage:"), "HTML: verdict first, then the matrix")
    check("py-sdk/2.1" in html and "/dueDate" in html, "HTML lists clients and problems")
    md = open(rep["md"]).read()
    check("### Client node-sdk/1.0: not conforming" in md, "Markdown has per-client sections")
finally:
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def clean_run(garbage):
    """Phase 3: one conforming request, and (garbage) one connection of bytes
    that are no HTTP request: --fail-on-nonconforming exits 1 for it although
    no client can be named, and 0 without it."""
    xml_path = os.path.join(work, "phase3-%d.xml" % garbage)
    html_path = os.path.join(work, "phase3-%d.html" % garbage)
    p = subprocess.Popen([MOCK, "--port", "0", "--fail-on-nonconforming", "--report", xml_path,
                          "--report", html_path],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = int(p.stdout.readline().strip().rsplit(":", 1)[1])
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/tasks", method="POST",
            data=json.dumps({"title": "t", "description": "d", "phoneNumberId": "PN1"}).encode(),
            headers={"Authorization": "test-key", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            check(r.status == 201, f"phase 3: the clean request gets 201 ({r.status})")
        if garbage:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"GARBAGE\r\n")
            s.shutdown(socket.SHUT_WR)
            try:
                while s.recv(4096):
                    pass
            except OSError:
                pass
            s.close()
            time.sleep(0.7)  # the mock counts the connection when it ends
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=30)
        want = 1 if garbage else 0
        check(p.returncode == want, f"phase 3 (garbage={garbage}): exit {p.returncode}, want "
              f"{want}: {err.strip()[-300:]}")
        check(("not an HTTP/1.1 request" in err) == garbage,
              f"phase 3 (garbage={garbage}): stderr names the connection: {err.strip()[-300:]}")
        root = ET.parse(xml_path).getroot()
        conn = [t for t in root.iter("testsuite")
                if t.get("name") == "connections without a request"]
        fails = [f for t in conn for f in t.iter("failure")]
        check(len(fails) == (1 if garbage else 0) and
              (not garbage or "127.0.0.1" in (fails[0].text or "")),
              f"phase 3 (garbage={garbage}): JUnit connections testsuite: {len(conn)} suite(s), "
              f"{len(fails)} failure(s)")
        check(int(root.get("failures")) == (1 if garbage else 0),
              f"phase 3 (garbage={garbage}): JUnit failures={root.get('failures')}")
        html = open(html_path).read()
        check(("<h2>Connections</h2>" in html) == garbage and
              (not garbage or "no-request-line" in html),
              f"phase 3 (garbage={garbage}): HTML lists the connections")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


try:
    clean_run(False)
    clean_run(True)
finally:
    shutil.rmtree(work, ignore_errors=True)

print("FAILED: %d check(s)" % len(failures) if failures else "OK")
sys.exit(1 if failures else 0)

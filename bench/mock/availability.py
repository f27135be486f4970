#!/usr/bin/env python3
"""quo-mock under hostile traffic while a good client keeps asking.

  bench/mock/availability.py QUO_MOCK_BINARY [SECONDS [PHASE...]]

Three phases of SECONDS each (default 15), each against a fresh mock
(default options, loopback, ephemeral port):
  baseline      the good client alone
  slowloris     + 1,000 connections that send a header line every 2 s and
                never finish their header block
  amplification + 100 connections that each send a body of 70,000 unknown
                members (~760 KB) and never read the answer; the good client
                starts with them
The good client sends one valid create-task request at a time, each on a
new connection, and records its latency (or failure). Printed per phase:
good requests answered / failed, latency p50 / p99 / max, and the mock's
peak resident memory (VmHWM). Figures, not pass/fail: the machine is shared.
PHASE names (baseline, slowloris, amplification) run only those.
"""
import os, resource, signal, socket, subprocess, sys, threading, time

MOCK = sys.argv[1]
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 15.0
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))

GOOD = b'{"title":"t","description":"d","phoneNumberId":"PN1"}'

def start():
    p = subprocess.Popen([MOCK, "--port", "0", "--quiet"], stdout=subprocess.PIPE, text=True)
    port = int(p.stdout.readline().strip().rsplit(":", 1)[1])
    return p, port

def hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0

def good_client(port, stop, out):
    req = (b"POST /v1/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           b"Authorization: test-key\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
           % len(GOOD)) + GOOD
    while not stop.is_set():
        t = time.monotonic()
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(req)
            data = s.recv(4096)
            s.close()
            ok = data.startswith(b"HTTP/1.1 201")
        except OSError:
            ok = False
        el = time.monotonic() - t
        out.append((ok, el))
        if not ok:
            time.sleep(0.05)

def slowloris(port, stop, n=1000):
    socks = []
    for _ in range(n):
        if stop.is_set():
            break
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2)
            s.sendall(b"POST /v1/tasks HTTP/1.1\r\nHost: x\r\n")
            socks.append(s)
        except OSError:
            pass
    i = 0
    while not stop.wait(2.0):
        live = []
        for s in socks:
            try:
                s.sendall(b"X-Slow-%d: 1\r\n" % i)
                live.append(s)
            except OSError:
                s.close()
        # Closed ones come back, as a real attack would.
        while len(live) < n and not stop.is_set():
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=2)
                s.sendall(b"POST /v1/tasks HTTP/1.1\r\nHost: x\r\n")
                live.append(s)
            except OSError:
                break
        socks = live
        i += 1
    for s in socks:
        s.close()

def amplification(port, stop, n=100):
    members = b",".join(b'"m%d":0' % i for i in range(70000))
    body = b'{"title":"t","description":"d","phoneNumberId":"PN1",' + members + b"}"
    body = body[:1024 * 1024 - 1] if len(body) >= 1024 * 1024 else body
    if not body.endswith(b"}"):
        body = body[:body.rfind(b",")] + b"}"
    req = (b"POST /v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Authorization: test-key\r\nContent-Length: %d\r\n\r\n" % len(body)) + body
    socks = []
    def one():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.sendall(req)
            socks.append(s)  # never read
        except OSError:
            pass
    ts = [threading.Thread(target=one) for _ in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    stop.wait()
    for s in socks:
        s.close()

def phase(name, attack):
    p, port = start()
    stop = threading.Event()
    results = []
    threads = []
    if attack:
        threads.append(threading.Thread(target=attack, args=(port, stop)))
        threads[-1].start()
        # Slowloris needs a moment to open its connections; the
        # amplification bodies are judged in the first seconds, so the good
        # client starts with them (else it would miss the burst).
        time.sleep(1.0 if attack is slowloris else 0.0)
    g = threading.Thread(target=good_client, args=(port, stop, results))
    g.start()
    peak = 0
    end = time.monotonic() + SECONDS
    while time.monotonic() < end:
        peak = max(peak, hwm_kib(p.pid))
        time.sleep(0.5)
    peak = max(peak, hwm_kib(p.pid))
    stop.set()
    g.join()
    for t in threads:
        t.join()
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=60)
    lat = sorted(el for ok, el in results if ok)
    failed = sum(1 for ok, _ in results if not ok)
    def pct(q):
        return lat[min(len(lat) - 1, int(q * len(lat)))] * 1e3 if lat else float("nan")
    print(f"{name:14s} answered {len(lat):6d}  failed {failed:5d}  p50 {pct(0.5):8.2f} ms  "
          f"p99 {pct(0.99):8.2f} ms  max {(lat[-1] * 1e3 if lat else float('nan')):8.2f} ms  "
          f"peak RSS {peak / 1024:7.1f} MiB", flush=True)

PHASES = {"baseline": None, "slowloris": slowloris, "amplification": amplification}
chosen = sys.argv[3:] or list(PHASES)
print(f"quo-mock {MOCK}, {SECONDS:.0f} s per phase")
for name in chosen:
    phase(name, PHASES[name])

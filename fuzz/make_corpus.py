#!/usr/bin/env python3
"""make_corpus.py - writes the seed corpora corpus/<target>/seed-* and the
dictionaries fuzz/<target>.dict from the spec and the mock's compiled-in
fixtures, so a change in either changes the seeds. The output is committed;
rerun this after changing the spec, the fixtures or this script:

    python3 fuzz/make_corpus.py

Only files named seed-* are managed here (stale ones are removed); inputs
libFuzzer merged in (hash names) and crash reproducers (regress-*) are left
alone. Property names, ID prefixes, error constants and statuses are read
from spec/create-task.openapi.json; ids and API keys from
mock/default-fixtures.json.
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, "spec", "create-task.openapi.json")
FIXTURES = os.path.join(ROOT, "mock", "default-fixtures.json")
CORPUS = os.path.join(ROOT, "corpus")
FUZZ = os.path.join(ROOT, "fuzz")



def read_targets():
    """The target names of fuzz/targets (the one list; see that file)."""
    with open(os.path.join(FUZZ, "targets"), encoding="utf-8") as f:
        return [line.split()[0] for line in f if line.strip() and not line.startswith("#")]


TARGETS = read_targets()

# fuzz_response.c's Content-Type table, by index (the first input byte
# picks status = b % (n + 1) and content type = (b / (n + 1)) % 8).
CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", None,
                 "text/plain", "application/problem+json",
                 'Application/JSON;charset="UTF-8"', "application/json; charset=iso-8859-1",
                 "application/jsonx"]


def dumps(value):
    """Compact JSON, non-ASCII kept as UTF-8 (as a real client sends it)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Spec:
    def __init__(self, doc):
        op = doc["paths"]["/v1/tasks"]["post"]
        self.request = op["requestBody"]["content"]["application/json"]["schema"]
        self.branches = self.request["anyOf"]
        shared = set.intersection(*(set(b["required"]) for b in self.branches))
        self.links = [next(r for r in b["required"] if r not in shared) for b in self.branches]
        self.common_required = [r for r in self.branches[0]["required"] if r in shared]
        self.props = {}
        for b in self.branches:
            self.props.update(b["properties"])
        self.responses = {int(s): r["content"]["application/json"]["schema"]
                          for s, r in op["responses"].items()}
        self.statuses = sorted(self.responses)

    def prefix(self, prop):
        m = re.match(r"\^([A-Za-z]+)", self.props[prop].get("pattern", ""))
        return m.group(1) if m else None

    def example(self, prop, fallback):
        ex = self.props[prop].get("examples")
        return ex[0] if ex else fallback

    def consts(self, status):
        props = self.responses[status].get("properties", {})
        return {k: v["const"] for k, v in props.items() if "const" in v}

    def pattern_props(self):
        return [p for p in self.props if self.prefix(p)]

    def response_prefix(self, member):
        data = self.responses[201]["properties"]["data"]["properties"]
        m = re.match(r"\^([A-Za-z]+)", data[member].get("pattern", ""))
        return m.group(1) if m else ""


class World:
    """Ids and keys from the mock's compiled-in fixtures."""

    def __init__(self, fx):
        keys = fx["apiKeys"]
        self.key = next(k for k in keys if k["phoneNumbers"])
        self.forbidden = next(k["key"] for k in keys if not k["phoneNumbers"])
        phone = self.key["phoneNumbers"][0]
        conv = next(c for c in fx["conversations"] if c["phoneNumberId"] == phone)
        act = next(a for a in fx["activities"] if a["conversationId"] == conv["id"])
        self.other = next((k["key"] for k in keys
                           if k["phoneNumbers"] and phone not in k["phoneNumbers"]), None)
        self.ids = {"phone": phone, "conversation": conv["id"], "activity": act["id"]}
        self.user = fx["users"][0]
        self.key = self.key["key"]


class Seeds:
    def __init__(self):
        self.files = {t: {} for t in TARGETS}

    def add(self, target, name, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        name = "seed-" + re.sub(r"[^A-Za-z0-9._-]+", "-", name)
        if name in self.files[target] and self.files[target][name] != data:
            sys.exit(f"make_corpus: two different seeds named {target}/{name}")
        self.files[target][name] = data

    def write(self):
        for target, files in self.files.items():
            d = os.path.join(CORPUS, target)
            os.makedirs(d, exist_ok=True)
            for old in os.listdir(d):
                if old.startswith("seed-") and old not in files:
                    os.remove(os.path.join(d, old))
            for name, data in files.items():
                path = os.path.join(d, name)
                try:
                    with open(path, "rb") as f:
                        if f.read() == data:
                            continue
                except FileNotFoundError:
                    pass
                with open(path + ".tmp", "wb") as f:
                    f.write(data)
                os.replace(path + ".tmp", path)
            print(f"corpus/{target}: {len(files)} seeds")


def link_id(spec, world, link):
    """A fixture id for the link property (matched by its pattern prefix)."""
    prefix = spec.prefix(link)
    for v in world.ids.values():
        if v.startswith(prefix):
            return v
    return prefix + "1"


def body(spec, world, link, due=False, assigned=False):
    b = {"title": spec.example("title", "Follow up with customer"),
         "description": spec.example("description", "Discuss pricing.")}
    b[link] = link_id(spec, world, link)
    if due:
        b["dueDate"] = "2025-01-15T10:00:00Z"
    if assigned:
        b["assignedTo"] = world.user
    return b


def request_bodies(spec, world):
    """(name, bytes) of every request body seed: valid and negative."""
    out = []
    short = {l: re.sub(r"(Number)?Id$", "", l) for l in spec.links}
    # 1. Every valid variant: link shape x dueDate x assignedTo.
    for link in spec.links:
        for due in (False, True):
            for assigned in (False, True):
                name = f"valid-{short[link]}" + ("-due" if due else "") + \
                       ("-assigned" if assigned else "")
                out.append((name, dumps(body(spec, world, link, due, assigned))))
    base = body(spec, world, spec.links[0], True, True)
    # 2. Each required property missing (per branch).
    for link in spec.links:
        for req in spec.common_required + [link]:
            b = body(spec, world, link)
            del b[req]
            out.append((f"missing-{req}-{short[link]}", dumps(b)))
    # Wrong types: number, boolean, null, array, object.
    wrong = {"number": 42, "boolean": True, "null": None, "array": ["x"], "object": {"x": 1}}
    for prop in spec.props:
        link = prop if prop in spec.links else spec.links[0]
        for tname, val in wrong.items():
            b = body(spec, world, link, True, True)
            b[prop] = val
            out.append((f"type-{prop}-{tname}", dumps(b)))
    # Broken patterns: wrong prefix, lower-case prefix, line terminators.
    for prop in spec.pattern_props():
        prefix = spec.prefix(prop)
        link = prop if prop in spec.links else spec.links[0]
        variants = {"wrong-prefix": "XX1", "lower-prefix": prefix.lower() + "1",
                    "lf": prefix + "1\n", "cr": prefix + "1\r", "u2028": prefix + "1\u2028",
                    "u2029": prefix + "1\u2029", "lf-middle": prefix + "\n1",
                    "prefix-only": prefix, "leading-space": " " + prefix + "1"}
        for vname, val in variants.items():
            b = body(spec, world, link, True, True)
            b[prop] = val
            out.append((f"pattern-{prop}-{vname}", dumps(b)))
    # Zero, two, three link ids.
    b = body(spec, world, spec.links[0], True, True)
    del b[spec.links[0]]
    out.append(("links-zero", dumps(b)))
    for i in range(len(spec.links)):
        for j in range(i + 1, len(spec.links)):
            b = body(spec, world, spec.links[i])
            b[spec.links[j]] = link_id(spec, world, spec.links[j])
            out.append((f"links-two-{short[spec.links[i]]}-{short[spec.links[j]]}", dumps(b)))
    b = body(spec, world, spec.links[0])
    for l in spec.links[1:]:
        b[l] = link_id(spec, world, l)
    out.append(("links-three", dumps(b)))
    # Unknown property.
    b = dict(base, priority="high")
    out.append(("unknown-property", dumps(b)))
    # dueDate not RFC 3339, and edge cases that are.
    dates = {"bad-no-offset": "2025-01-15T10:00:00", "bad-impossible": "2023-02-29T10:00:00Z",
             "bad-words": "tomorrow", "bad-date-only": "2025-01-15",
             "bad-leap-second-not-2359": "2025-01-15T10:00:60Z",
             "bad-hour-24": "2025-01-15T24:00:00Z", "bad-offset-2400": "2025-01-15T10:00:00+24:00",
             "bad-space": "2025-01-15 10:00:00Z", "edge-leap-day": "2024-02-29T00:00:00Z",
             "edge-leap-second": "2016-12-31T23:59:60Z",
             "edge-leap-second-offset": "2016-12-31T15:59:60-08:00",
             "edge-fraction": "2025-01-15T10:00:00.123456789+14:00",
             "edge-lowercase": "2025-01-15t10:00:00z", "edge-minus-zero": "2025-01-15T10:00:00-00:00"}
    for dname, val in dates.items():
        out.append((f"duedate-{dname}", dumps(dict(base, dueDate=val))))
    out.append(("duedate-bad-number", dumps(dict(base, dueDate=1736935200))))
    # Not JSON, not an object, empty, duplicate names.
    valid = dumps(base)
    out += [("notjson-truncated", valid[:-1]), ("notjson-single-quotes", b"{'title':'x'}"),
            ("notjson-trailing-comma", valid[:-1] + b",}"), ("notjson-word", b"title"),
            ("notjson-bare-names", b"{title:1}"), ("notjson-comment", b"/*x*/" + valid),
            ("notobject-array", b"[" + valid + b"]"), ("notobject-string", b'"x"'),
            ("notobject-number", b"1"), ("notobject-null", b"null"),
            ("notobject-true", b"true"), ("empty", b""), ("whitespace-only", b" \t\r\n"),
            ("object-empty", b"{}")]
    t = json.dumps(base["title"]).encode()
    out.append(("duplicate-title", valid[:-1] + b',"title":' + t + b"}"))
    lk = json.dumps(base[spec.links[0]]).encode()
    out.append(("duplicate-link", valid[:-1] + b',"' + spec.links[0].encode() + b'":' + lk + b"}"))
    # JSON edge cases inside a request.
    out += [("edge-bom", b"\xef\xbb\xbf" + valid),
            ("edge-nul-in-title", valid.replace(t, b'"a\\u0000b"', 1)),
            ("edge-nul-in-key", valid[:-1] + b',"title\\u0000x":"y"}'),
            ("edge-raw-nul", valid.replace(t, b'"a\x00b"', 1)),
            ("edge-surrogate-pair", valid.replace(t, b'"\\ud83d\\ude00 \xf0\x9f\x98\x80"', 1)),
            ("edge-lone-surrogate", valid.replace(t, b'"\\ud83d"', 1)),
            ("edge-escaped-key", valid.replace(b'"title"', b'"\\u0074itle"', 1)),
            ("edge-escaped-link-key", valid.replace(b'"' + spec.links[0].encode() + b'"',
                                                    b'"\\u0070honeNumberId"', 1)),
            ("edge-deep-unknown", valid[:-1] + b',"x":' + b"[" * 126 + b"]" * 126 + b"}"),
            ("edge-too-deep-unknown", valid[:-1] + b',"x":' + b"[" * 200 + b"]" * 200 + b"}"),
            ("edge-big-number", valid.replace(t, b"1e400", 1)),
            ("edge-long-title", valid.replace(t, json.dumps("x" * 5000).encode(), 1)),
            ("edge-invalid-utf8", valid.replace(t, b'"\xc3\x28"', 1)),
            ("edge-overlong-utf8", valid.replace(t, b'"\xc0\xaf"', 1)),
            ("edge-path-escapes", valid[:-1] + b',"a/b~c":1}'),
            ("edge-nul-keys-collide", valid[:-1] + b',"x":{"a\\u0000b":1,"a\\u0000c":2}}'),
            ("edge-max-double", valid[:-1] + b',"x":1.7976931348623157e308}')]
    return out


def response_seeds(spec, world, seeds):
    n = len(spec.statuses)
    undocumented = n  # index n is fuzz_response.c's undocumented status

    def add(name, status_index, body, ct=0):
        first = bytes([ct * (n + 1) + status_index])
        seeds.add("fuzz_response", name, first + (body if isinstance(body, bytes) else dumps(body)))

    i201 = spec.statuses.index(201)
    data = {"taskId": spec.response_prefix("taskId") + "1", "revision": "1",
            "phoneNumberId": world.ids["phone"]}
    full = dict(data, conversationId=world.ids["conversation"], activityId=world.ids["activity"])
    add("201-ok-minimal", i201, {"data": data})
    add("201-ok-full", i201, {"data": full})
    add("201-ok-extra-members", i201, {"data": dict(data, extra=1), "meta": {}})
    add("201-bad-no-data", i201, {})
    add("201-bad-data-array", i201, {"data": [data]})
    for req in data:
        d = dict(data)
        del d[req]
        add(f"201-bad-missing-{req}", i201, {"data": d})
    add("201-bad-taskid-prefix", i201, {"data": dict(data, taskId="XX1")})
    add("201-bad-taskid-lf", i201, {"data": dict(data, taskId=data["taskId"] + "\n")})
    add("201-bad-revision-number", i201, {"data": dict(data, revision=1)})
    add("201-bad-conversation-prefix", i201, {"data": dict(full, conversationId="XX1")})
    add("201-bad-not-json", i201, b'{"data":')
    add("201-bad-empty", i201, b"")
    add("201-bad-duplicate", i201, b'{"data":' + dumps(data) + b',"data":' + dumps(data) + b"}")
    for ct in range(1, len(CONTENT_TYPES)):
        add(f"201-ctype-{ct}", i201, {"data": data}, ct)

    for idx, status in enumerate(spec.statuses):
        c = spec.consts(status)
        if not c:
            continue
        err = {"message": "Something went wrong", "code": c["code"], "status": c["status"],
               "docs": c["docs"], "title": c["title"]}
        item = {"path": "/" + spec.links[0], "message": "must match pattern",
                "value": "XX1", "schema": {"type": "string"}}
        add(f"{status}-ok-minimal", idx, err)
        add(f"{status}-ok-full", idx, dict(err, trace="abc123", errors=[item]))
        add(f"{status}-ok-extra", idx, dict(err, extra={"x": [1, 2]}))
        for req in err:
            e = dict(err)
            del e[req]
            add(f"{status}-bad-missing-{req}", idx, e)
        other = next(s for s in spec.statuses if s != status and spec.consts(s))
        add(f"{status}-bad-code", idx, dict(err, code=spec.consts(other)["code"]))
        add(f"{status}-bad-status-number", idx, dict(err, status=status + 1))
        add(f"{status}-bad-status-string", idx, dict(err, status=str(status)))
        add(f"{status}-bad-title", idx, dict(err, title="Oops"))
        add(f"{status}-bad-docs", idx, dict(err, docs="https://example.com"))
        add(f"{status}-bad-trace-number", idx, dict(err, trace=1))
        add(f"{status}-bad-errors-object", idx, dict(err, errors={}))
        bad_item = dict(item)
        del bad_item["schema"]
        add(f"{status}-bad-errors-item-no-schema", idx, dict(err, errors=[bad_item]))
        add(f"{status}-bad-errors-type-number", idx,
            dict(err, errors=[dict(item, schema={"type": 1})]))
        add(f"{status}-bad-not-json", idx, b"Internal Server Error")
        add(f"{status}-bad-array", idx, [err])
        add(f"{status}-ctype-absent", idx, err, 2)
    add("undocumented-task-body", undocumented, {"data": data})
    add("undocumented-empty", undocumented, b"")
    c = spec.consts(spec.statuses[-1])
    add("undocumented-error-body", undocumented,
        {"message": "x", "code": c["code"], "status": c["status"], "docs": c["docs"],
         "title": c["title"]})


def frame(method, path, headers, body=b""):
    head = f"{method} {path}\n" + "".join(f"{k}: {v}\n" for k, v in headers)
    return head.encode("utf-8") + b"\n" + body


def mock_seeds(spec, world, bodies, seeds):
    def std(key=world.key, ctype="application/json"):
        h = []
        if key is not None:
            h.append(("Authorization", key))
        if ctype is not None:
            h.append(("Content-Type", ctype))
        return h

    def add(name, data):
        seeds.add("fuzz_mock", name, data)

    for name, b in bodies:
        if name.startswith(("valid-", "missing-", "links-", "unknown-", "duplicate-", "empty",
                            "notobject-array", "notjson-truncated", "edge-nul", "edge-bom",
                            "duedate-bad-impossible", "type-title-number",
                            "pattern-phoneNumberId-lf", "edge-lone", "edge-deep",
                            "edge-too-deep", "edge-big-number", "edge-path")):
            add("post-" + name, frame("POST", "/v1/tasks", std(), b))
    valid = dumps(body(spec, world, spec.links[0], True, True))
    add("auth-missing", frame("POST", "/v1/tasks", std(key=None), valid))
    add("auth-empty", frame("POST", "/v1/tasks", std(key=""), valid))
    add("auth-unknown", frame("POST", "/v1/tasks", std(key="no-such-key"), valid))
    add("auth-bearer", frame("POST", "/v1/tasks", std(key="Bearer " + world.key), valid))
    add("auth-lowercase-name", frame("POST", "/v1/tasks",
                                     [("authorization", world.key),
                                      ("content-type", "application/json")], valid))
    add("auth-forbidden", frame("POST", "/v1/tasks", std(key=world.forbidden), valid))
    if world.other:
        add("auth-other-key", frame("POST", "/v1/tasks", std(key=world.other), valid))
    for link in spec.links + ["assignedTo"]:
        b = body(spec, world, link if link in spec.links else spec.links[0], True, True)
        b[link] = spec.prefix(link) + "999999"
        add(f"unknown-{link}", frame("POST", "/v1/tasks", std(), dumps(b)))
    for status in spec.statuses + [418, 200]:
        add(f"prefer-code-{status}", frame("POST", "/v1/tasks",
                                           std() + [("Prefer", f"code={status}")], valid))
    add("prefer-return-minimal", frame("POST", "/v1/tasks",
                                       std() + [("Prefer", "return=minimal")], valid))
    add("prefer-list", frame("POST", "/v1/tasks",
                             std() + [("Prefer", "return=minimal, code=500")], valid))
    add("prefer-bad-code", frame("POST", "/v1/tasks", std() + [("Prefer", "code=abc")], valid))
    for method in ["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "post"]:
        add(f"method-{method}", frame(method, "/v1/tasks", std(), valid))
    for i, path in enumerate(["/", "/v1/task", "/v1/tasks/", "/v1/tasks?x=1", "/V1/TASKS",
                              "", "/v1/tasks/../tasks"]):
        add(f"path-{i}", frame("POST", path, std(), valid))
    for i, ct in enumerate([None, "text/plain", "application/json; charset=utf-8",
                            "application/json; charset=latin1", "Application/JSON",
                            "application/json;charset=\"utf-8\"", "multipart/form-data"]):
        add(f"ctype-{i}", frame("POST", "/v1/tasks", std(ctype=ct), valid))
    add("crlf-framing", frame("POST", "/v1/tasks", std(), valid).replace(b"\n", b"\r\n", 3))
    add("many-headers", frame("POST", "/v1/tasks",
                              std() + [(f"X-H{i}", "v" * 10) for i in range(40)], valid))
    add("long-header", frame("POST", "/v1/tasks", std() + [("X-Long", "v" * 9000)], valid))
    add("no-blank-line", b"POST /v1/tasks\nAuthorization: " + world.key.encode())


def json_seeds(bodies, seeds):
    def add(name, data):
        seeds.add("fuzz_json", name, data)

    for name, b in bodies:
        if name.startswith(("valid-", "edge-", "duplicate-", "notjson-")):
            add("request-" + name, b)
    edge = {
        "dup-names": b'{"a":1,"a":2}', "dup-names-escaped": b'{"a":1,"\\u0061":2}',
        "dup-names-nested": b'{"a":{"b":1,"b":1}}', "same-names-different-objects":
        b'[{"a":1},{"a":1}]', "surrogate-pair": b'"\\ud834\\udd1e"',
        "surrogate-lone-high": b'"\\ud834"', "surrogate-lone-low": b'"\\udd1e"',
        "surrogate-reversed": b'"\\udd1e\\ud834"', "surrogate-high-then-letter":
        b'"\\ud834\\u0041"', "surrogate-utf8-encoded": b'"\xed\xa0\x80"',
        "nul-escaped": b'"a\\u0000b"', "nul-escaped-key": b'{"a\\u0000b":1,"a":2}',
        "nul-escaped-keys-collide": b'{"a\\u0000b":1,"a\\u0000c":2}', "nul-raw": b'"a\x00b"',
        "nul-raw-outside": b"[1]\x00", "depth-127": b"[" * 127 + b"]" * 127,
        "depth-128": b"[" * 128 + b"]" * 128, "depth-129": b"[" * 129 + b"]" * 129,
        "depth-2000": b"[" * 2000, "depth-objects-128": b'{"a":' * 127 + b"{}" + b"}" * 127,
        "depth-objects-129": b'{"a":' * 128 + b"{}" + b"}" * 128,
        "big-1e400": b"[1e400,-1e400,1e-400]", "big-int-70-digits": b"[" + b"9" * 70 + b"]",
        "big-int-400-digits": b"1" * 400, "big-frac": b"0." + b"1" * 300,
        "num-minus-zero": b"-0", "num-exp-forms": b"[1E2,1e+2,1e-2,0.5e1,-0.0E-0]",
        "num-max-double": b"1.7976931348623157e308", "num-min-subnormal": b"5e-324",
        "bom": b"\xef\xbb\xbf{}", "bom-only": b"\xef\xbb\xbf", "lenient-leading-zero": b"01",
        "lenient-trailing-dot": b"1.", "lenient-dot-exp": b"2.e3", "lenient-leading-dot": b".5",
        "lenient-plus": b"+1", "lenient-hex": b"0x1", "lenient-nan": b"NaN",
        "lenient-infinity": b"-Infinity", "lenient-trailing-comma-array": b"[1,]",
        "lenient-trailing-comma-object": b'{"a":1,}', "lenient-single-quotes": b"['a']",
        "lenient-comment": b"[1]//c", "lenient-raw-tab": b'"a\tb"', "lenient-raw-lf":
        b'"a\nb"', "lenient-formfeed-ws": b"\x0c[1]", "lenient-vtab-ws": b"[1]\x0b",
        "lenient-trailing-garbage": b"[1] x", "lenient-two-values": b"1 2",
        "lenient-bad-escape": b'"\\x41"', "lenient-short-unicode": b'"\\u12"',
        "utf8-overlong": b'"\xc0\xaf"', "utf8-5-byte": b'"\xf8\x88\x80\x80\x80"',
        "utf8-above-10ffff": b'"\xf4\x90\x80\x80"', "utf8-truncated": b'"\xe2\x82"',
        "utf8-lone-continuation": b'"\x80"', "utf8-valid-mix": '"é€𝄞\u2028\ufeff\uffff"'
        .encode(), "utf8-max": b'"\xf4\x8f\xbf\xbf"', "escapes-all":
        b'"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uFFFF"', "control-escapes":
        b'"\\u0001\\u001f\\u007f"', "empty": b"", "ws-only": b" \n\r\t", "top-true": b"true",
        "top-null": b" null ", "top-string": b'""', "empty-containers": b'[{},[],"",0]',
        "literal-truncated": b"tru", "literal-case": b"True", "unterminated-string": b'"abc',
        "unterminated-object": b'{"a":1', "missing-colon": b'{"a" 1}', "key-not-string":
        b"{1:1}", "nested-mix": b'{"a":[{"b":[null,true,false,-1.5e-3,"x"]}],"c":{}}',
    }
    for name, data in edge.items():
        add(name, data)


def schema_seeds(spec, world, bodies, seeds):
    """[schema, instance...] arrays: the spec's own schemas, then one or more
    schemas per supported keyword, and schemas the compiler must refuse."""
    def add(name, arr):
        seeds.add("fuzz_schema", name, dumps(arr))

    valid = [json.loads(b) for n, b in bodies if n.startswith("valid-")]
    invalid = []
    for n, b in bodies:
        if n.startswith(("missing-", "type-", "pattern-", "links-", "duedate-")):
            try:
                invalid.append(json.loads(b))
            except ValueError:
                pass
    add("spec-request-valid", [spec.request] + valid)
    add("spec-request-invalid", [spec.request] + invalid[:40])
    for i, branch in enumerate(spec.branches):
        add(f"spec-branch-{i}", [branch] + valid[:4] + invalid[:8])
    for status in spec.statuses:
        c = spec.consts(status)
        ok = {"data": {"taskId": "TK1", "revision": "1", "phoneNumberId": "PN1"}} \
            if not c else dict(message="m", **c)
        add(f"spec-response-{status}", [spec.responses[status], ok, {}, [], dict(ok, extra=1)])
    kw = {
        "type-single": [{"type": "integer"}, 1, 1.5, 1.0, "1", None, 1e300],
        "type-list": [{"type": ["string", "null"]}, None, "x", 1, [], {}],
        "type-all": [{"type": ["object", "array", "boolean", "number"]}, {}, [], True, 0, "s"],
        "properties-required": [{"type": "object", "required": ["a", "b"],
                                 "properties": {"a": {"type": "string"}, "b": {"type": "number"}}},
                                {"a": "x", "b": 1}, {"a": 1}, {}, {"b": "x", "c": None}],
        "additional-false": [{"properties": {"a": {}}, "additionalProperties": False},
                             {"a": 1}, {"a": 1, "b": 2}, {"a/b~c": 1}],
        "additional-schema": [{"properties": {"a": {}}, "additionalProperties": {"type": "string"}},
                              {"a": 1, "b": "x"}, {"b": 2}],
        "anyof": [{"anyOf": [{"type": "string"}, {"minimum": 2}]}, "x", 3, 1, None],
        "oneof": [{"oneOf": [{"type": "integer"}, {"minimum": 2}]}, 1, 2.5, 3, "x"],
        "allof": [{"allOf": [{"type": "string"}, {"maxLength": 2}]}, "ab", "abc", 1],
        "const": [{"const": {"a": [1, "x", None]}}, {"a": [1, "x", None]}, {"a": [1]}, 1],
        "const-nul": [{"const": "a\u0000b"}, "a\u0000b", "a", "a\u0000c"],
        "enum": [{"enum": [1, "a", None, [1], {"k": True}]}, 1, 1.0, "a", "b", [1], {"k": True}],
        "items": [{"type": "array", "items": {"type": "number", "minimum": 0}},
                  [1, 2], [1, -1, "x"], [], [[]]],
        "length-code-points": [{"minLength": 2, "maxLength": 3}, "\u00e9", "\u00e9\u00e9",
                               "\U0001f600" * 4, "ab\u0000", ""],
        "min-max": [{"minimum": -1.5, "maximum": 1e10}, -1.5, -2, 1e10, 1e11, 0, "x"],
        "pattern-spec": [{"type": "string", "pattern": "^PN(.*)$"}, "PN1", "PN1\n", "pn1",
                         "PN\u2028", "xPN"],
        "pattern-classes": [{"pattern": "^[A-Z]{2}\\d+(?:-[a-z]+)?$"}, "AB12", "AB12-x", "ab"],
        "pattern-unicode": [{"pattern": "\\p{L}\\u{1F600}"}, "\u00e9\U0001f600", "1"],
        "pattern-lookaround": [{"pattern": "(?<=a)b(?!c)"}, "ab", "abc", "b"],
        "pattern-backref": [{"pattern": "^(?<x>[a-z])\\k<x>$"}, "aa", "ab"],
        "format-date-time": [{"format": "date-time"}, "2024-02-29T23:59:60Z", "2023-02-29T00:00:00Z",
                             "2016-12-31T23:59:60Z", "2025-01-15t10:00:00+14:00", 1],
        "ref-local": [{"$ref": "#/0/$defs/s", "$defs": {"s": {"type": "string"}}}, "x", 1],
        "ref-recursive": [{"$defs": {"n": {"type": "array", "items": {"$ref": "#/0/$defs/n"}}},
                           "$ref": "#/0/$defs/n"}, [[[]]], [1], [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]],
        "ref-escaped": [{"$ref": "#/0/$defs/a~1b%25", "$defs": {"a/b%": {"const": 1}}}, 1, 2],
        "ref-to-instance": [{"$ref": "#/1"}, {"type": "string"}, "x"],
        "bool-true": [True, 1, None], "bool-false": [False, 1],
        "annotations": [{"title": "t", "description": "d", "examples": [1], "default": 1,
                         "$comment": "c", "deprecated": False, "readOnly": True, "type": "number"}, 1],
        "deep-instance": [{"type": "array"}] + [json.loads("[" * 100 + "]" * 100)],
    }
    for name, arr in kw.items():
        add("kw-" + name, arr)
    bad = {
        "unknown-keyword": [{"foo": 1}, 1], "unknown-format": [{"format": "email"}, "x"],
        "type-typo": [{"type": "strin"}, 1], "min-length-negative": [{"minLength": -1}, "x"],
        "min-length-fraction": [{"minLength": 1.5}, "x"], "pattern-unclosed": [{"pattern": "("}, "x"],
        "pattern-bad-escape": [{"pattern": "\\a"}, "x"], "required-not-array": [{"required": "x"}, {}],
        "ref-missing": [{"$ref": "#/nope"}, 1], "ref-remote": [{"$ref": "http://x/s.json"}, 1],
        "ref-self": [{"$ref": "#/0"}, 1], "ref-cycle": [{"$ref": "#/1"}, {"$ref": "#/0"}, 1],
        "enum-empty": [{"enum": []}, 1], "anyof-empty": [{"anyOf": []}, 1],
        "schema-number": [1, 1], "properties-array": [{"properties": []}, {}],
    }
    for name, arr in bad.items():
        add("bad-" + name, arr)


def regex_seeds(spec, seeds):
    """pattern NUL subject."""
    def add(name, pattern, subject=""):
        seeds.add("fuzz_regex", name, pattern.encode("utf-8") + b"\0" + subject.encode("utf-8"))

    for prop in spec.pattern_props():
        pat = spec.props[prop]["pattern"]
        p = spec.prefix(prop)
        for i, subj in enumerate([p + "1", p + "1\n", p.lower() + "1", "x" + p, p, p + "\u2028",
                                  p + "\r1", p + "\u00e9"]):
            add(f"spec-{prop}-{i}", pat, subj)
    cases = [
        ("dot", "^a.c$", "abc"), ("dot-lf", ".", "\n"), ("dot-nel", "^.$", "\u0085"),
        ("digits", "\\d+", "x123"), ("word-ascii", "^\\w+$", "\u00e9"),
        ("space-2028", "\\s", "\u2028"), ("space-nel", "\\s", "\u0085"),
        ("not-space", "^\\S+$", "ab"), ("class-neg", "[^a-z]", "A"),
        ("class-escapes", "[\\d\\s\\-]", "-"), ("empty-class", "[]", "a"), ("any-class", "[^]", "\n"),
        ("lookahead", "(?=a)a", "a"), ("neg-lookahead", "a(?!b)", "ab"), ("lookbehind", "(?<=a)b", "ab"),
        ("neg-lookbehind", "(?<!a)b", "cb"), ("named", "(?<name>x)\\k<name>", "xx"),
        ("backref", "(a)\\1", "aa"), ("backref-unset", "(a)?\\1b", "b"),
        ("brace-unicode", "\\u{1F600}", "\U0001f600"), ("surrogates", "\\uD83D\\uDE00", "\U0001f600"),
        ("lone-surrogate", "\\uD83D", "\U0001f600"), ("prop-letter", "\\p{L}+", "\u00e9"),
        ("prop-not-upper", "\\P{Lu}", "a"), ("prop-script", "\\p{Script=Greek}", "\u03b1"),
        ("prop-binary", "\\p{Alphabetic}", "a"), ("bounded", "^a{2,3}$", "aaa"),
        ("lazy", "a+?b", "aab"), ("empty", "^$", ""), ("word-boundary", "\\bfoo\\b", "a foo b"),
        ("control", "\\cJ", "\n"), ("hex", "\\x41", "A"), ("nul-escape", "\\0", "\u0000"),
        ("alternation", "a|b|c", "c"), ("group-star", "^(?:ab)*$", "abab"), ("slash", "\\/", "/"),
        ("literal-dollar", "^TK.*$", "TK1"), ("literal-only", "PN", "xPNx"), ("suffix", "1$", "PN1"),
        ("vtab", "\\v", "\u000b"), ("caret-mid", "a^", "a"), ("case", "^[A-Z]$", "a"),
        ("quant-max", "a{65535}", "a"), ("bad-paren", "(", ""), ("bad-escape", "\\a", "a"),
        ("bad-octal", "\\01", ""), ("bad-range", "a{2,1}", ""), ("lone-brace", "{", ""),
        ("lone-bracket", "]", ""), ("var-lookbehind", "(?<=a+)b", "ab"), ("bad-prop", "\\p{Foo}", ""),
        ("quant-too-big", "a{65536}", ""), ("bad-group-name", "(?<1a>x)", "x"),
        ("nested-quant", "(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"),
    ]
    for name, pat, subj in cases:
        add(name, pat, subj)
    seeds.add("fuzz_regex", "subject-bad-utf8", b"^PN\0PN\xff")
    seeds.add("fuzz_regex", "no-subject", b"^a(b|c)*$")


def spec_seeds(doc, seeds):
    """The spec itself and variants the loader must take or refuse."""
    import copy

    def add(name, d):
        seeds.add("fuzz_spec", name, d if isinstance(d, bytes) else dumps(d))

    with open(SPEC, "rb") as f:
        add("spec-as-committed", f.read())
    add("spec-compact", doc)
    op = lambda d: d["paths"]["/v1/tasks"]["post"]
    req = lambda d: op(d)["requestBody"]["content"]["application/json"]["schema"]

    def variant(name, change):
        d = copy.deepcopy(doc)
        change(d)
        add(name, d)

    variant("two-branches", lambda d: req(d)["anyOf"].pop())
    variant("one-branch", lambda d: req(d).update(anyOf=req(d)["anyOf"][:1]))
    variant("no-anyof", lambda d: op(d)["requestBody"]["content"]["application/json"].update(
        schema=req(d)["anyOf"][0]))
    variant("oneof", lambda d: req(d).update(oneOf=req(d).pop("anyOf")))
    variant("extra-status", lambda d: op(d)["responses"].update(
        {"422": copy.deepcopy(op(d)["responses"]["400"])}))
    variant("status-default", lambda d: op(d)["responses"].update(
        {"default": copy.deepcopy(op(d)["responses"]["500"])}))
    variant("no-content", lambda d: op(d)["responses"]["404"].pop("content"))
    variant("other-media", lambda d: op(d)["responses"]["201"]["content"].update(
        {"text/plain": op(d)["responses"]["201"]["content"].pop("application/json")}))
    variant("no-responses", lambda d: op(d).pop("responses"))
    variant("no-request", lambda d: op(d).pop("requestBody"))
    variant("no-paths", lambda d: d.pop("paths"))
    variant("no-post", lambda d: d["paths"]["/v1/tasks"].update(get=d["paths"]["/v1/tasks"].pop("post")))
    variant("bad-pattern", lambda d: req(d)["anyOf"][0]["properties"]["phoneNumberId"].update(
        pattern="(PN"))
    variant("unknown-keyword", lambda d: req(d)["anyOf"][0].update(uniqueItems=True))
    variant("const-changed", lambda d: op(d)["responses"]["400"]["content"]["application/json"]
            ["schema"]["properties"]["code"].update(const="X"))
    variant("no-const", lambda d: op(d)["responses"]["401"]["content"]["application/json"]
            ["schema"]["properties"].pop("code"))

    def with_ref(d):
        d.setdefault("components", {})["schemas"] = {"Task": req(d)["anyOf"][0]}
        req(d)["anyOf"][0] = {"$ref": "#/components/schemas/Task"}
    variant("component-ref", with_ref)
    variant("ref-dangling", lambda d: req(d)["anyOf"].__setitem__(0, {"$ref": "#/nope"}))
    add("not-json", b"openapi: 3.1.0\n")
    add("empty-object", {})
    add("array", [])


def alloc_seeds(spec, world, bodies, seeds):
    """N (2 bytes LE), operation, status index, body: fuzz_alloc.c."""
    def add(name, n, op, status_index, body=b""):
        head = bytes([n & 0xff, n >> 8, op, status_index])
        seeds.add("fuzz_alloc", name, head + body)

    ns = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181, 6765]
    chosen = [b for n, b in bodies if n in ("valid-phone-due-assigned", "valid-activity",
                                            "missing-title-phone", "links-two-phone-conversation",
                                            "type-dueDate-object", "notjson-truncated",
                                            "unknown-property", "duedate-bad-impossible")]
    for i, b in enumerate(chosen):
        for n in ns[:10]:
            add(f"request-{i}-n{n}", n, 0, 0, b)
    ok201 = dumps({"data": {"taskId": "TK1", "revision": "1", "phoneNumberId": world.ids["phone"]}})
    bad = dumps({"message": 1, "errors": [{"path": 1}]})
    for n in ns[:10]:
        add(f"response-201-n{n}", n, 1, spec.statuses.index(201), ok201)
        add(f"response-400-bad-n{n}", n, 1, spec.statuses.index(400), bad)
    for n in ns:
        add(f"spec-n{n}", n, 2, 0)
    valid = dumps(body(spec, world, spec.links[0], True, True))
    frames = [frame("POST", "/v1/tasks", [("Authorization", world.key),
                                          ("Content-Type", "application/json")], valid),
              frame("POST", "/v1/tasks", [("Authorization", world.key),
                                          ("Content-Type", "application/json")], b'{"x":1}'),
              frame("GET", "/nope", [], b"")]
    for i, f in enumerate(frames):
        for n in ns[:12]:
            add(f"mock-{i}-n{n}", n, 3, 0, f)


def dict_entry(value):
    if isinstance(value, str):
        value = value.encode("utf-8")
    out = ""
    for byte in value:
        c = chr(byte)
        if c in '"\\':
            out += "\\" + c
        elif 0x20 <= byte < 0x7f:
            out += c
        else:
            out += f"\\x{byte:02x}"
    return f'"{out}"'


def write_dicts(spec, world):
    tokens = ["{", "}", "[", "]", ":", ",", '"', "true", "false", "null", "-", "0", "1e",
              "E+", ".5", "-0", "1e400", "\\u", "\\u0000", "\\ud800", "\\udc00",
              "\\ud83d\\ude00", "\\\\", "\\/", "\\n", "\\u2028", b"\xef\xbb\xbf", b"\xc3\xa9",
              b"\xe2\x80\xa8", b"\xf0\x9f\x98\x80", b"\xed\xa0\x80", b"\xc0\xaf", " ", "\t",
              "\r\n"]
    names = sorted(set(spec.props) | {"data", "taskId", "revision", "message", "code",
                                      "status", "docs", "title", "trace", "errors", "path",
                                      "schema", "type", "value"})
    prefixes = sorted({spec.prefix(p) for p in spec.pattern_props()} | {"TK"})
    dates = ["2024-02-29", "2023-02-29", "T23:59:60Z", "T00:00:00", "Z", "z", "t", "+14:00",
             "-00:00", ".123", "12-31", "9999-12-31T23:59:59.999999999+23:59"]
    request = tokens + [f'"{n}"' for n in names if n in spec.props] + prefixes + \
        [p + "1" for p in prefixes] + dates + list(world.ids.values()) + [world.user]
    response = tokens + [f'"{n}"' for n in names] + prefixes
    for s in spec.statuses:
        for v in spec.consts(s).values():
            response.append(json.dumps(v))
    mock = request + ["POST ", "GET ", "PUT ", "/v1/tasks", "\n\n", "\r\n", "Authorization: ",
                      "Content-Type: ", "application/json", "; charset=utf-8", "Prefer: ",
                      "code=", "return=minimal", "Bearer ", world.key, world.forbidden] + \
        [f"code={s}" for s in spec.statuses]
    schema_kw = ["type", "properties", "required", "additionalProperties", "anyOf", "oneOf",
                 "allOf", "const", "enum", "items", "minLength", "maxLength", "minimum",
                 "maximum", "pattern", "format", "$ref", "$defs", "title", "description",
                 "examples", "string", "number", "integer", "object", "array", "boolean",
                 "null", "date-time"]
    schema = tokens + [f'"{k}"' for k in schema_kw] + ['"#/0', '"#/0/$defs/', "~0", "~1", "%25"]
    regex = ["^", "$", ".", "*", "+", "?", "*?", "{2,3}", "{1}", "(", ")", "(?:", "(?=", "(?!",
             "(?<=", "(?<!", "(?<n>", "\\k<n>", "\\1", "[", "]", "[^", "-", "|", "\\d", "\\D",
             "\\w", "\\W", "\\s", "\\S", "\\b", "\\B", "\\p{L}", "\\P{Lu}",
             "\\p{Script=Latin}", "\\p{General_Category=Letter}", "\\u{1F600}", "\\uD83D",
             "\\uDE00", "\\u0041", "\\x41", "\\cJ", "\\0", "\\n", "\\r", "\\t", "\\v",
             "\\f", "\\/", "\\.", "\\-", b"\x00", b"\xe2\x80\xa8", b"\xc3\xa9",
             b"\xf0\x9f\x98\x80", b"\xc2\x85"] + prefixes
    spec_words = schema + ['"openapi"', '"paths"', '"/v1/tasks"', '"post"', '"requestBody"',
                           '"responses"', '"content"', '"application/json"', '"schema"',
                           '"components"', '"schemas"', '"#/components/schemas/'] + \
        [f'"{s}"' for s in spec.statuses]
    wanted = {"fuzz_alloc": mock, "fuzz_spec": spec_words, "fuzz_json": tokens, "fuzz_request": request, "fuzz_response": response,
              "fuzz_mock": mock, "fuzz_endpoint": request, "fuzz_schema": schema,
              "fuzz_regex": regex}
    for target, entries in wanted.items():
        seen = []
        for e in entries:
            if e not in seen:
                seen.append(e)
        lines = [f"# {target}: generated by fuzz/make_corpus.py from the spec and fixtures",
                 "# (JSON tokens, field names, ID prefixes, date fragments, constants)."]
        lines += [f"kw{i}={dict_entry(e)}" for i, e in enumerate(seen)]
        path = os.path.join(FUZZ, f"{target}.dict")
        with open(path + ".tmp", "w") as f:
            f.write("\n".join(lines) + "\n")
        os.replace(path + ".tmp", path)
        print(f"fuzz/{target}.dict: {len(seen)} entries")


def main():
    with open(SPEC) as f:
        doc = json.load(f)
        spec = Spec(doc)
    with open(FIXTURES) as f:
        world = World(json.load(f))
    seeds = Seeds()
    bodies = request_bodies(spec, world)
    for name, b in bodies:
        seeds.add("fuzz_request", name, b)
        seeds.add("fuzz_endpoint", name, b)
    json_seeds(bodies, seeds)
    response_seeds(spec, world, seeds)
    mock_seeds(spec, world, bodies, seeds)
    schema_seeds(spec, world, bodies, seeds)
    regex_seeds(spec, seeds)
    spec_seeds(doc, seeds)
    alloc_seeds(spec, world, bodies, seeds)
    seeds.write()
    write_dicts(spec, world)


if __name__ == "__main__":
    main()

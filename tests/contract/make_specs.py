#!/usr/bin/env python3
"""Evolutions of the shipped spec, each a named edit with the bodies that
show the product follows it (tests/contract/, docs/contract.md).

The list of evolutions exists here once: CMake asks `--list` for the test
names, and `run_contract.py` asks `write NAME DIR` for one evolution's spec
and cases. Each evolution is:

  edit(spec)      changes a deep copy of spec/create-task.openapi.json
  requests        [(body, valid, message-regex-or-None)] judged by the
                  request validator
  responses       [(status, body, valid)] judged by the response parser
  refused         a regex: the spec must be refused with a message matching it
  operation       the --operation to select (None: the default)
  mock            True, or a regex: quo-mock (and the suite's embedded mock)
                  must refuse the spec with a message matching it
  note            a regex quo-mock's start-up messages must match (what it
                  says it synthesized), or None
  served          [body]: bodies quo-mock must answer with the success
                  status itself (not 403/404: the fixtures it serves hold
                  their ids), e.g. the ids its note names
"""
import copy
import json
import sys

BASE = {"title": "t", "description": "d", "phoneNumberId": "PN1"}


def body(**kw):
    b = dict(BASE)
    for k, v in kw.items():
        if v is None:
            b.pop(k, None)
        else:
            b[k] = v
    return b


def op(spec, path="/v1/tasks", method="post"):
    return spec["paths"][path][method]


def req_schema(spec):
    return op(spec)["requestBody"]["content"]["application/json"]["schema"]


def branches(spec):
    return req_schema(spec)["anyOf"]


def each_branch(spec, fn):
    for b in branches(spec):
        fn(b)


def resp_schema(spec, status):
    return op(spec)["responses"][status]["content"]["application/json"]["schema"]


def data_schema(spec):
    return resp_schema(spec, "201")["properties"]["data"]


def error_body(spec, status, **over):
    props = resp_schema(spec, status)["properties"]
    b = {"message": "m"}
    for k in ("code", "status", "docs", "title"):
        b[k] = props[k]["const"]
    b.update(over)
    return b


def task(**kw):
    d = {"taskId": "TK1", "revision": "1", "phoneNumberId": "PN1"}
    for k, v in kw.items():
        if v is None:
            d.pop(k, None)
        else:
            d[k] = v
    return {"data": d}


# Request cases every evolution that keeps the link rule shares.
LINK_CASES = [
    (BASE, True, None),
    (body(phoneNumberId=None, conversationId="CN1"), True, None),
    (body(phoneNumberId=None), False, "provide exactly one of"),
    (body(conversationId="CN1"), False, "provide exactly one of"),
    (body(title=None), False, "title"),
    (body(phoneNumberId="XX1"), False, "phoneNumberId"),
]

EVOLUTIONS = {}


def evolution(name, requests=None, responses=None, refused=None, operation=None,
              mock=True, note=None, served=None):
    def register(edit):
        EVOLUTIONS[name] = dict(edit=edit, requests=requests or [], responses=responses or [],
                                refused=refused, operation=operation, mock=mock, note=note,
                                served=served or [])
        return edit
    return register


@evolution("baseline", LINK_CASES, [("201", task(), True), ("201", task(taskId=None), False)])
def _baseline(spec):
    pass


@evolution("enum-member", [(body(priority="urgent"), True, None),
                           (body(priority="medium"), False, "priority")])
def _enum(spec):
    each_branch(spec, lambda b: b["properties"].update(
        priority={"type": "string", "enum": ["low", "high", "urgent"]}))


@evolution("length-limit", [(body(title="short"), True, None),
                            (body(title="x" * 81), False, "title")])
def _length(spec):
    each_branch(spec, lambda b: b["properties"]["title"].update(minLength=1, maxLength=80))


@evolution("integer-range", [(body(estimateMinutes=30), True, None),
                             (body(estimateMinutes=0), False, "estimateMinutes"),
                             (body(estimateMinutes=481), False, "estimateMinutes"),
                             (body(estimateMinutes=1.5), False, "estimateMinutes")])
def _range(spec):
    each_branch(spec, lambda b: b["properties"].update(
        estimateMinutes={"type": "integer", "minimum": 1, "maximum": 480}))


@evolution("fourth-link", LINK_CASES + [
    (body(phoneNumberId=None, contactId="CT1"), True, None),
    (body(phoneNumberId=None, contactId="XX1"), False, "contactId"),
    (body(contactId="CT1"), False, "provide exactly one of")],
    [("201", task(phoneNumberId=None, contactId="CT1"), False)])
def _fourth(spec):
    b = copy.deepcopy(branches(spec)[2])
    del b["properties"]["activityId"]
    b["properties"]["contactId"] = {"type": "string", "pattern": "^CT(.*)$"}
    b["required"] = ["title", "description", "contactId"]
    branches(spec).append(b)
    data_schema(spec)["properties"]["contactId"] = {"type": "string", "pattern": "^CT(.*)$"}


# The compiled-in fixtures (PN1, CN1, AC1) do not fit: quo-mock serves ids
# made from the patterns instead (value i of the pattern for the i-th id),
# says so, and the suite's embedded mock picks the same ones.
TIGHT = {"phoneNumberId": "PN%024x" % 1, "conversationId": "CN%024x" % 1,
         "activityId": "AC%024x" % 1}


@evolution("tight-patterns", [(body(phoneNumberId="PN0123456789abcdef01234567"), True, None),
                              (body(phoneNumberId="PN0123456789abcdef0123456"), False,
                               "phoneNumberId"),
                              (BASE, False, "phoneNumberId")],
           note=r"compiled-in phoneNumberId ids \(e.g. \"PN1\"\) do not fit the pattern "
                r"\^PN\[0-9a-f\]\{24\}\$; serving 3 ids made from it instead: "
                r"PN0{23}1 \.\. PN0{23}3",
           served=[body(phoneNumberId=TIGHT["phoneNumberId"]),
                   body(phoneNumberId=None, conversationId=TIGHT["conversationId"]),
                   body(phoneNumberId=None, activityId=TIGHT["activityId"])])
def _tight(spec):
    each_branch(spec, lambda b: [p.update(pattern="^%s[0-9a-f]{24}$" % p["pattern"][1:3])
                                 for k, p in b["properties"].items() if k.endswith("Id")])


@evolution("format-date", [(body(dueDate="2026-12-01"), True, None),
                           (body(dueDate="2026-12-01T10:00:00Z"), False, "dueDate")])
def _date(spec):
    each_branch(spec, lambda b: b["properties"]["dueDate"].update(format="date"))


def _add_error(spec, status, code, title):
    e = copy.deepcopy(op(spec)["responses"]["400"])
    e["description"] = title
    p = e["content"]["application/json"]["schema"]["properties"]
    p["code"]["const"] = code
    p["status"]["const"] = int(status)
    p["title"]["const"] = title
    op(spec)["responses"][status] = e


@evolution("new-422", responses=[
    ("422", {"message": "m", "code": "0600422", "status": 422, "docs": "https://quo.com/docs",
             "title": "Unprocessable Entity"}, True),
    ("422", {"message": "m", "code": "0600400", "status": 422, "docs": "https://quo.com/docs",
             "title": "Unprocessable Entity"}, False)])
def _422(spec):
    _add_error(spec, "422", "0600422", "Unprocessable Entity")


@evolution("new-429", responses=[
    ("429", {"message": "m", "code": "0600429", "status": 429, "docs": "https://quo.com/docs",
             "title": "Too Many Requests"}, True)])
def _429(spec):
    _add_error(spec, "429", "0600429", "Too Many Requests")
    op(spec)["responses"]["429"]["headers"] = {
        "Retry-After": {"required": True, "schema": {"type": "integer", "minimum": 0}}}


@evolution("changed-error-constants", responses=[
    ("400", {"message": "m", "code": "0700400", "status": 400,
             "docs": "https://quo.com/docs/v2", "title": "Bad Request"}, True),
    ("400", {"message": "m", "code": "0600400", "status": 400,
             "docs": "https://quo.com/docs", "title": "Bad Request"}, False)])
def _consts(spec):
    for status, r in op(spec)["responses"].items():
        if status >= "400":
            p = r["content"]["application/json"]["schema"]["properties"]
            p["code"]["const"] = "07" + p["code"]["const"][2:]
            p["docs"]["const"] = "https://quo.com/docs/v2"


@evolution("required-createdAt", responses=[
    ("201", task(createdAt="2026-12-01T10:00:00Z"), True),
    ("201", task(), False),
    ("201", task(createdAt="yesterday"), False)])
def _created(spec):
    d = data_schema(spec)
    d["required"].append("createdAt")
    d["properties"]["createdAt"] = {"type": "string", "format": "date-time"}


@evolution("oneof", LINK_CASES)
def _oneof(spec):
    s = req_schema(spec)
    s["oneOf"] = s.pop("anyOf")


@evolution("members-ref", LINK_CASES)
def _members_ref(spec):
    comps = spec["components"].setdefault("schemas", {})
    comps["Title"] = {"type": "string"}
    comps["PhoneNumberId"] = {"type": "string", "pattern": "^PN(.*)$"}
    for b in branches(spec):
        b["properties"]["title"] = {"$ref": "#/components/schemas/Title"}
        if "phoneNumberId" in b["properties"]:
            b["properties"]["phoneNumberId"] = {"$ref": "#/components/schemas/PhoneNumberId"}


# allOf of a shared base with the link choice: the branches cannot be
# closed (additionalProperties:false would only see their own members), so
# two link ids and unknown members are valid, as the schema says.
OPEN_CASES = [
    (BASE, True, None),
    (body(phoneNumberId=None, activityId="AC1"), True, None),
    (body(conversationId="CN1"), True, None),
    (body(extra=1), True, None),
    (body(phoneNumberId=None), False, "provide exactly one of"),
    (body(phoneNumberId="XX1"), False, "phoneNumberId"),
    (body(title=None), False, "title"),
]


@evolution("allof-composition", OPEN_CASES)
def _allof(spec):
    first = branches(spec)[0]["properties"]
    base = {"type": "object", "required": ["title", "description"],
            "properties": {k: first[k] for k in ("title", "description", "dueDate", "assignedTo")}}
    alts = []
    for b in branches(spec):
        link = b["required"][2]
        alts.append({"required": [link], "properties": {link: b["properties"][link]}})
    spec["components"].setdefault("schemas", {})["TaskBase"] = base
    op(spec)["requestBody"]["content"]["application/json"]["schema"] = {
        "allOf": [{"$ref": "#/components/schemas/TaskBase"}, {"anyOf": alts}]}


@evolution("request-ref", LINK_CASES)
def _request_ref(spec):
    rb = op(spec)["requestBody"]
    spec["components"].setdefault("schemas", {})["CreateTask"] = req_schema(spec)
    rb["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/CreateTask"}
    spec["components"]["requestBodies"] = {"CreateTask": rb}
    op(spec)["requestBody"] = {"$ref": "#/components/requestBodies/CreateTask"}


@evolution("open-branches", OPEN_CASES)
def _open(spec):
    each_branch(spec, lambda b: b.pop("additionalProperties"))


@evolution("status-200", responses=[("200", task(), True), ("201", task(), False)])
def _200(spec):
    r = op(spec)["responses"]
    r["200"] = r.pop("201")


@evolution("tags-maxitems", [(body(tags=["a", "b"]), True, None),
                             (body(tags=["a", "a"]), False, "tags"),
                             (body(tags=["a", "b", "c", "d"]), False, "tags")])
def _tags(spec):
    each_branch(spec, lambda b: b["properties"].update(
        tags={"type": "array", "items": {"type": "string"}, "maxItems": 3,
              "uniqueItems": True}))


@evolution("http-bearer", LINK_CASES)
def _bearer(spec):
    spec["components"]["securitySchemes"]["apiKey"] = {"type": "http", "scheme": "bearer"}


@evolution("x-api-key", LINK_CASES)
def _xapikey(spec):
    spec["components"]["securitySchemes"]["apiKey"]["name"] = "X-API-Key"


@evolution("idempotency-key", LINK_CASES)
def _idem(spec):
    op(spec)["parameters"] = [{"name": "Idempotency-Key", "in": "header", "required": True,
                               "schema": {"type": "string", "minLength": 1}}]


@evolution("nullable-type", [(dict(BASE, assignedTo="US1"), True, None),
                             (dict(BASE, assignedTo=None), True, None),
                             (body(assignedTo=5), False, "assignedTo")])
def _nullable(spec):
    each_branch(spec, lambda b: b["properties"]["assignedTo"].update(type=["string", "null"]))


@evolution("taskid-renamed", responses=[
    ("201", {"data": {"id": "TK1", "revision": "1", "phoneNumberId": "PN1"}}, True),
    ("201", task(), False)])
def _renamed(spec):
    d = data_schema(spec)
    d["properties"]["id"] = d["properties"].pop("taskId")
    d["required"][0] = "id"


@evolution("moved-v2", LINK_CASES)
def _v2(spec):
    spec["paths"]["/v2/tasks"] = spec["paths"].pop("/v1/tasks")
    spec["paths"]["/v2/tasks"]["post"]["operationId"] = "createTask_v2"


# ---- more of our own --------------------------------------------------

@evolution("two-operations", LINK_CASES)
def _two_ops(spec):
    spec["paths"]["/v1/tasks"]["get"] = {"operationId": "listTasks_v1",
                                         "responses": {"200": {"description": "ok"}}}


@evolution("select-bodyless-operation", refused="no request body", operation="get /v1/tasks")
def _bodyless(spec):
    _two_ops(spec)


@evolution("ref-escapes", LINK_CASES)
def _escapes(spec):
    spec["components"].setdefault("schemas", {})["Task~Body/v1 x"] = req_schema(spec)
    op(spec)["requestBody"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/Task~0Body~1v1%20x"}


@evolution("refused-external-ref", refused="only references into the same document")
def _external(spec):
    op(spec)["requestBody"] = {"$ref": "other.json#/components/requestBodies/X"}


@evolution("refused-dangling-ref",
           refused=r"/paths/~1v1~1tasks/post/requestBody.*does not resolve")
def _dangling(spec):
    op(spec)["requestBody"] = {"$ref": "#/components/requestBodies/Nope"}


@evolution("refused-oauth2", refused="security scheme type \"oauth2\" is not supported")
def _oauth(spec):
    spec["components"]["securitySchemes"]["apiKey"] = {"type": "oauth2", "flows": {}}


@evolution("refused-unknown-keyword",
           refused=r"unknown keyword \"frobnicate\".*schema path \"/paths/~1v1~1tasks/post/requestBody/content/application~1json/schema/anyOf/0/properties/title")
def _unknown_kw(spec):
    req_schema(spec)["anyOf"][0]["properties"]["title"]["frobnicate"] = 1


@evolution("response-range-4xx", responses=[
    ("404", {"message": "m", "code": "0600404", "status": 404, "docs": "https://quo.com/docs",
             "title": "Not Found"}, True),
    ("409", {"message": "m", "code": "0600404", "status": 404, "docs": "https://quo.com/docs",
             "title": "Not Found"}, True),
    ("409", {"message": "m"}, False)])
def _range4xx(spec):
    r = op(spec)["responses"]
    r["4XX"] = copy.deepcopy(r["404"])


@evolution("default-response", responses=[
    ("418", {"message": "m", "code": "0601500", "status": 500, "docs": "https://quo.com/docs",
             "title": "Unknown"}, True),
    ("418", {"nothing": 1}, False)])
def _default(spec):
    r = op(spec)["responses"]
    r["default"] = copy.deepcopy(r["500"])


# Task ids are made from the id member's pattern (mock/idgen.h), so a
# different id shape is served and the suite's id checks hold.
@evolution("taskid-pattern", LINK_CASES, [
    ("201", task(taskId="task_000000000001"), True),
    ("201", task(), False)])
def _taskid_pattern(spec):
    data_schema(spec)["properties"]["taskId"]["pattern"] = "^task_[0-9]{12}$"


# The mock builds error bodies member by member from the error schemas, so
# renamed members (and one more pinned constant) are served.
@evolution("error-members-renamed", LINK_CASES, [
    ("400", {"detail": "m", "code": "0600400", "status": 400, "docs": "https://quo.com/docs",
             "title": "Bad Request", "kind": "client"}, True),
    ("400", {"message": "m", "code": "0600400", "status": 400, "docs": "https://quo.com/docs",
             "title": "Bad Request", "kind": "client"}, False)])
def _error_renamed(spec):
    for status, r in op(spec)["responses"].items():
        if not status.startswith(("4", "5")):
            continue
        sch = r["content"]["application/json"]["schema"]
        sch["properties"] = {("detail" if k == "message" else k): v
                             for k, v in sch["properties"].items()}
        sch["properties"]["kind"] = {"const": "client" if status < "500" else "server"}
        sch["required"] = ["detail" if k == "message" else k for k in sch["required"]] + ["kind"]
        sch["additionalProperties"] = False


# The validator skips an anyOf/oneOf branch when an object lacks a member
# the branch requires (the link-id fast path); `required` says nothing
# about other instances, so an array still matches both branches here.
@evolution("anyof-required-non-object", responses=[
    ("404", [1], True),
    ("404", "text", True),
    ("404", {"message": "m"}, True),
    ("404", {"other": 1}, False)])
def _anyof_required(spec):
    op(spec)["responses"]["404"]["content"]["application/json"]["schema"] = {
        "properties": {"message": {"type": "string"}},
        "anyOf": [{"required": ["message"]}, {"required": ["nope"]}]}


def make(name, base):
    spec = copy.deepcopy(base)
    EVOLUTIONS[name]["edit"](spec)
    return spec


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        print(";".join(EVOLUTIONS))
        return 0
    if len(argv) == 5 and argv[1] == "write":
        _, _, name, base_path, out = argv
        with open(base_path) as f:
            base = json.load(f)
        e = EVOLUTIONS[name]
        with open(out + ".spec.json", "w") as f:
            json.dump(make(name, base), f, indent=1)
        cases = {k: e[k] for k in ("requests", "responses", "refused", "operation", "mock",
                                   "note", "served")}
        with open(out + ".cases.json", "w") as f:
            json.dump(cases, f, indent=1)
        return 0
    sys.stderr.write("usage: make_specs.py --list | write NAME BASE_SPEC OUT_PREFIX\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Converts the contract (YAML between the ```` fences of
../shared/seed/create-task.openapi.md) into spec/create-task.openapi.json, or
with --check proves the committed JSON equals the YAML (exit 0 equal,
1 different, 77 skipped: seed or PyYAML absent)."""
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "create-task.openapi.md"
JSON_PATH = ROOT / "spec" / "create-task.openapi.json"


def load_yaml():
    try:
        import yaml
    except ImportError:
        print("skip: PyYAML is not installed (apt-get install python3-yaml)")
        sys.exit(77)
    if not SEED.exists():
        print(f"skip: {SEED} is absent")
        sys.exit(77)
    m = re.search(r"````yaml[^\n]*\n(.*?)\n````", SEED.read_text(encoding="utf-8"), re.S)
    if not m:
        sys.exit(f"error: no ````yaml fence in {SEED}")
    return yaml.safe_load(m.group(1))


def main():
    doc = load_yaml()
    if sys.argv[1:] == ["--check"]:
        committed = json.loads(JSON_PATH.read_text(encoding="utf-8"))
        if committed != doc:
            print(f"FAIL: {JSON_PATH} differs from the YAML in {SEED}; rerun {sys.argv[0]}")
            return 1
        print(f"ok: {JSON_PATH.name} equals the YAML contract")
        return 0
    if sys.argv[1:]:
        sys.exit("usage: spec-from-yaml.py [--check]")
    JSON_PATH.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {JSON_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

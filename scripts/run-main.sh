#!/usr/bin/env bash
# The product's main job on a fresh machine: set up, build, and certify the
# embedded quo-mock with quo-conformance (reports in reports/).
#   scripts/run-main.sh [quo-conformance options...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/setup.sh
quo_install_missing
quo_preset release
exec build-release/suite/quo-conformance --report-dir reports "$@"

#!/usr/bin/env bash
# scripts/conformance-ci.sh - one CI run of quo-conformance, shared by the
# GitHub Action (action.yml) and the GitLab jobs (docs/ci/gitlab-ci.yml):
# finds quo-conformance (or builds it from this tree), runs it, leaves the
# reports in the report directory and, on GitHub, appends report.md to the
# job summary. Settings come from the environment (all optional):
#   QUO_CI_PROGRAM     the quo-conformance to run; default: the one on PATH
#                      (e.g. from the .deb), else built from this tree
#   QUO_CI_BUILD_DIR   where to build it (default: $RUNNER_TEMP/quo-build, or
#                      build-ci in this tree)
#   QUO_CI_CONFIG      a config file (--config)
#   QUO_CI_MAX_RUN_TIME seconds for the whole run (--max-run-time); default: its own default
#   QUO_CI_STRICT      "true": SHOULD failures fail the run too (--strict)
#   QUO_CI_REPORT_DIR  report directory (default: reports)
#   QUO_BASE_URL, QUO_API_KEY   the server and its key, read by quo-conformance
#                      itself (unset or empty: the embedded mock)
# Exit status: quo-conformance's (0 passed, 1 a check failed, 2 usage,
# config or target unreachable), or 2 when it could not be found or built.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
report_dir=${QUO_CI_REPORT_DIR:-reports}
prog=${QUO_CI_PROGRAM:-}

if [ -z "$prog" ] && command -v quo-conformance >/dev/null 2>&1; then
    prog=$(command -v quo-conformance)
fi
if [ -z "$prog" ]; then
    build=${QUO_CI_BUILD_DIR:-${RUNNER_TEMP:+$RUNNER_TEMP/quo-build}}
    build=${build:-$root/build-ci}
    echo "conformance-ci: building quo-conformance in $build"
    # shellcheck source=setup.sh
    . "$root/scripts/setup.sh"
    if ! (quo_install_missing && quo_build "$build" -DCMAKE_BUILD_TYPE=Release -DQUO_BUILD_TESTS=OFF); then
        echo "conformance-ci: could not build quo-conformance" >&2
        exit 2
    fi
    prog=$build/suite/quo-conformance
fi
[ -x "$prog" ] || { echo "conformance-ci: $prog is not an executable" >&2; exit 2; }
echo "conformance-ci: $("$prog" --version)"

args=(--report-dir "$report_dir")
case ${QUO_CI_STRICT:-false} in
    true) args+=(--strict) ;;
    false | "") ;;
    *) echo "conformance-ci: QUO_CI_STRICT must be true or false" >&2; exit 2 ;;
esac
[ -z "${QUO_CI_CONFIG:-}" ] || args+=(--config "$QUO_CI_CONFIG")
[ -z "${QUO_CI_MAX_RUN_TIME:-}" ] || args+=(--max-run-time "$QUO_CI_MAX_RUN_TIME")

status=0
"$prog" "${args[@]}" || status=$?
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    if [ -f "$report_dir/report.md" ]; then
        cat "$report_dir/report.md" >>"$GITHUB_STEP_SUMMARY"
    else
        printf '# quo-conformance: no report\n\nExit status %d before any case ran; see the log.\n' \
            "$status" >>"$GITHUB_STEP_SUMMARY"
    fi
fi
exit "$status"

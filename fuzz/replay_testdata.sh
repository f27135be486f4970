#!/usr/bin/env bash
# fuzz/replay_testdata.sh DIR TARGET [ARGS...] - replays the files of DIR
# (public test data outside the tree) through a fuzz target; exit 77
# ("skipped" to ctest) when DIR is absent, so a missing data set is never
# a pass.
set -euo pipefail
dir=$1
shift
if [ ! -d "$dir" ]; then
    echo "SKIP: $dir is absent (set QUO_TESTDATA_DIR)"
    exit 77
fi
exec "$@" "$dir"

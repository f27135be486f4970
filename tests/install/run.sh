#!/usr/bin/env bash
# tests/install/run.sh MODE BUILD_DIR WORK_DIR VERSION CC [CMAKE_ARGS...]
#
# Installs quo into WORK_DIR/prefix and builds tests/install/consumer
# against it twice, with find_package(quo CONFIG) and with
# `pkg-config --cflags --libs quo-mock quo`; each consumer must accept
# valid.json (exit 0, the mock answers 201) and reject invalid.json (exit 1).
#   MODE static: installs BUILD_DIR (the tree ctest runs in) as it is.
#   MODE shared: configures and builds a -DBUILD_SHARED_LIBS=ON tree in
#                WORK_DIR/build first, and checks that libquo.so and
#                libquo-mock.so export exactly their headers' quo_* functions.
# Also runs the installed programs' --version. CMAKE: the cmake to use.
# Exit 0 pass, 1 fail.
set -euo pipefail
cmake() { command "${CMAKE:-cmake}" "$@"; }
mode=$1 build=$2 work=$3 version=$4 cc=$5
shift 5
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
prefix=$work/prefix
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

rm -rf "$work"
mkdir -p "$work"
if [ "$mode" = shared ]; then
    build=$work/build
    step "configure and build a shared-library tree"
    cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$cc" -DBUILD_SHARED_LIBS=ON \
        -DQUO_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >"$work/configure.log"
    cmake --build "$build" -j2 >"$work/build.log" 2>&1 || { tail -50 "$work/build.log"; fail "shared build"; }
fi
step "install $build into $prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
libdir=$(find "$prefix" -name quo.pc -printf '%h\n' -quit)
[ -n "$libdir" ] || fail "no quo.pc installed"
libdir=$(dirname "$libdir")

# Each consumer must say valid + 201 for valid.json and exit 1 for invalid.json.
judge() {
    local bin=$1 out rc=0
    out=$("$bin" "$here/valid.json") || fail "$bin valid.json: exit $? ($out)"
    [[ $out == "quo $version: valid (0 violation(s)); mock answered 201" ]] ||
        fail "$bin valid.json said: $out"
    out=$("$bin" "$here/invalid.json") || rc=$?
    [ "$rc" -eq 1 ] || fail "$bin invalid.json: exit $rc, expected 1 ($out)"
    [[ $out == *"invalid (1 violation(s)); /phoneNumberId: must match the pattern"* ]] ||
        fail "$bin invalid.json said: $out"
    echo "ok: $bin: valid.json and invalid.json judged right ($out)"
}

step "consumer with find_package(quo $version CONFIG)"
cmake -S "$here/consumer" -B "$work/consumer-cmake" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_PREFIX_PATH="$prefix" -DQUO_EXPECT_VERSION="$version" >"$work/consumer-cmake.log" ||
    { cat "$work/consumer-cmake.log"; fail "consumer configure"; }
cmake --build "$work/consumer-cmake" >>"$work/consumer-cmake.log" 2>&1 ||
    { cat "$work/consumer-cmake.log"; fail "consumer build"; }
judge "$work/consumer-cmake/consumer"

step "consumer with pkg-config --cflags --libs quo-mock quo"
export PKG_CONFIG_PATH=$libdir/pkgconfig
[ "$(pkg-config --modversion quo)" = "$version" ] || fail "pkg-config --modversion quo"
flags=$(pkg-config --cflags --libs quo-mock quo)
echo "pkg-config: $flags"
# shellcheck disable=SC2086
"$cc" -std=c11 -Wall -Wextra -Werror -o "$work/consumer-pc" "$here/consumer/consumer.c" $flags \
    -Wl,-rpath,"$libdir" || fail "consumer link with pkg-config flags"
judge "$work/consumer-pc"

if [ "$mode" = shared ]; then
    step "shared libraries: linked dynamically, only the headers' functions exported"
    # (ldd's output is captured first: with pipefail, grep -q closing the
    # pipe early would fail the check at random.)
    deps=$(ldd "$work/consumer-pc")
    [[ $deps == *libquo.so* ]] || fail "consumer-pc is not linked to libquo.so"
    deps=$(ldd "$work/consumer-cmake/consumer")
    [[ $deps == *libquo-mock.so* ]] || fail "consumer is not linked to libquo-mock.so"
    for lib in quo quo-mock; do
        so=$libdir/lib$lib.so
        map=$(find "$build" -name "$lib.map" -print -quit)
        [ -f "$so" ] && [ -f "$map" ] || fail "lib$lib.so or $lib.map missing"
        exported=$(nm -D --defined-only "$so" | awk '$2 ~ /[TDBR]/ {sub(/@.*/, "", $3); print $3}' | sort -u)
        declared=$(grep -oE '^    quo_[A-Za-z0-9_]+' "$map" | tr -d ' ' | sort -u)
        extra=$(comm -23 <(echo "$exported") <(echo "$declared"))
        [ -z "$extra" ] || fail "lib$lib.so exports undeclared symbols: $extra"
        # The library has internal global functions (the regex engine's, the
        # mock's modules'): they are in the archive and must be hidden in the .so.
        static=$(find "$build" -name "lib$lib.a" -print -quit)
        internal=$(nm --defined-only "$static" | awk '$2 == "T" {print $3}' | sort -u |
                   comm -23 - <(echo "$declared"))
        [ -n "$internal" ] || fail "lib$lib.a has no internal function to check hiding with"
        leaked=$(comm -12 <(echo "$internal") <(echo "$exported"))
        [ -z "$leaked" ] || fail "lib$lib.so exports internal functions: $leaked"
        echo "ok: lib$lib.so exports $(echo "$exported" | wc -l) functions, hides $(echo "$internal" | wc -l) internal ones"
    done
fi

step "installed programs"
for p in quo-validate quo-mock quo-conformance; do
    [ -x "$prefix/bin/$p" ] || fail "$p not installed"
done
for p in quo-validate quo-conformance; do
    out=$("$prefix/bin/$p" --version)
    [ "$out" = "$p $version" ] || fail "$p --version said: $out"
    echo "ok: $out"
done
echo "PASS ($mode)"

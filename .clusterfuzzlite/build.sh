#!/bin/bash -eu
# .clusterfuzzlite/build.sh - builds the quo fuzz targets for ClusterFuzzLite
# and OSS-Fuzz. Honours $CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE and
# writes into $OUT: each target, its dictionary, its .options file and a
# seed corpus zip made from corpus/<target>/.
#
# Try it outside Docker with clang and libFuzzer, e.g.:
#   SRC=/tmp/src WORK=/tmp/work OUT=/tmp/out CC=clang CXX=clang++ \
#   CFLAGS="-fsanitize=address,fuzzer-no-link" CXXFLAGS="$CFLAGS" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer QUO_SRC=$PWD bash .clusterfuzzlite/build.sh
# (with QUO_SYSTEM_DEPS=1 the system cJSON and PCRE2 are used instead of
# building them from $SRC/cjson and $SRC/pcre2).

quo=${QUO_SRC:-$SRC/quo}
deps=$WORK/deps
# The targets of fuzz/targets but those marked "live" (they need a server
# and libcurl at run time).
targets=$(awk '!/^#/ && NF && !/[[:space:]]live([[:space:]]|$)/ {print $1}' "$quo/fuzz/targets" | tr '\n' ' ')
[ -n "$targets" ] || { echo "build.sh: no targets in $quo/fuzz/targets" >&2; exit 1; }

if [ "${QUO_SYSTEM_DEPS:-0}" != 1 ]; then
    cmake -S "$SRC/cjson" -B "$WORK/cjson-build" -DCMAKE_BUILD_TYPE=None \
        -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" -DBUILD_SHARED_LIBS=OFF \
        -DENABLE_CJSON_TEST=OFF -DENABLE_CJSON_UTILS=OFF -DENABLE_CUSTOM_COMPILER_FLAGS=OFF \
        -DCMAKE_INSTALL_PREFIX="$deps" -DCMAKE_INSTALL_LIBDIR=lib
    cmake --build "$WORK/cjson-build" -j"$(nproc)" --target install
    cmake -S "$SRC/pcre2" -B "$WORK/pcre2-build" -DCMAKE_BUILD_TYPE=None \
        -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" -DBUILD_SHARED_LIBS=OFF \
        -DPCRE2_BUILD_TESTS=OFF -DPCRE2_BUILD_PCRE2GREP=OFF -DPCRE2_SUPPORT_JIT=OFF \
        -DCMAKE_INSTALL_PREFIX="$deps" -DCMAKE_INSTALL_LIBDIR=lib
    cmake --build "$WORK/pcre2-build" -j"$(nproc)" --target install
    export PKG_CONFIG_PATH="$deps/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
fi

# CMAKE_BUILD_TYPE=None: the engine's CFLAGS decide optimisation and debug
# info. --as-needed keeps libraries the targets do not call (libmicrohttpd,
# pulled in by the mock's server half) out of the binaries' dependencies.
cmake -S "$quo" -B "$WORK/quo-build" -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
    -DCMAKE_EXE_LINKER_FLAGS="-Wl,--as-needed" \
    -DQUO_FUZZ=ON -DQUO_FUZZ_ENGINE="$LIB_FUZZING_ENGINE"
cmake --build "$WORK/quo-build" -j"$(nproc)" --target $targets

for t in $targets; do
    cp "$WORK/quo-build/fuzz/$t" "$OUT/"
    cp "$quo/fuzz/$t.dict" "$quo/fuzz/$t.options" "$OUT/"
    rm -f "$OUT/${t}_seed_corpus.zip"
    (cd "$quo/corpus/$t" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
done

# The runner image has only the base system: say so if a target needs more.
for t in $targets; do
    if ldd "$OUT/$t" | grep -E 'libmicrohttpd|libcurl|libcjson|libpcre2|libcheck' >&2; then
        echo "build.sh: warning: $t needs a shared library the runner image may lack" >&2
    fi
done

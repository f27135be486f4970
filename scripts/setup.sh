#!/usr/bin/env bash
# Installs the Debian packages the project needs (only those missing) and
# configures + builds one CMake build tree.
#   scripts/setup.sh [BUILD_DIR] [extra cmake args...]
# Needs root (or sudo) only when a package is missing.
set -euo pipefail

QUO_PACKAGES=(build-essential cmake pkg-config check libcurl4-openssl-dev libcjson-dev
              libmicrohttpd-dev libpcre2-dev clang llvm libclang-rt-dev curl python3-yaml nginx-light openssl)

quo_install_missing() {
  local missing=()
  for p in "${QUO_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing missing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

quo_build() {
  local dir=$1; shift
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  cmake -S "$root" -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  quo_install_missing
  quo_build "${1:-build}" "${@:2}"
fi

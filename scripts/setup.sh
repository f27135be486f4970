#!/usr/bin/env bash
# Installs the Debian packages the project needs (only those missing),
# makes a comma-decimal locale available (for the JSON gate's locale test),
# and configures + builds one CMake build tree.
#   scripts/setup.sh [BUILD_DIR] [extra cmake args...]
#   scripts/setup.sh --preset NAME      (dev, asan, fuzz, release: CMakePresets.json)
# Needs root (or sudo) only when something is missing.
set -euo pipefail

QUO_PACKAGES=(build-essential cmake pkg-config check libcurl4-openssl-dev libcjson-dev
              libmicrohttpd-dev libpcre2-dev clang llvm libclang-rt-dev curl python3-yaml
              locales dpkg-dev chromium nodejs nginx-light openssl)
# A locale whose decimal point is ',' (tests/json: numbers_ignore_the_locale).
QUO_COMMA_LOCALE=de_DE.UTF-8

quo_sudo() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

quo_install_missing() {
  local missing=()
  for p in "${QUO_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing missing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    quo_sudo apt-get update -qq
    quo_sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  quo_comma_locale
}

# Generates $QUO_COMMA_LOCALE the Debian way (/etc/locale.gen + locale-gen)
# when `locale -a` does not list it.
quo_comma_locale() {
  local want=${QUO_COMMA_LOCALE%%.*} norm
  norm=$(echo "${QUO_COMMA_LOCALE#*.}" | tr -d '-' | tr 'A-Z' 'a-z')
  locale -a 2>/dev/null | grep -qix "$want.$norm" && return 0
  echo "setup: generating the $QUO_COMMA_LOCALE locale"
  if grep -q "^# *$QUO_COMMA_LOCALE UTF-8" /etc/locale.gen 2>/dev/null; then
    quo_sudo sed -i "s/^# *$QUO_COMMA_LOCALE UTF-8/$QUO_COMMA_LOCALE UTF-8/" /etc/locale.gen
  elif ! grep -q "^$QUO_COMMA_LOCALE UTF-8" /etc/locale.gen 2>/dev/null; then
    echo "$QUO_COMMA_LOCALE UTF-8" | quo_sudo tee -a /etc/locale.gen >/dev/null
  fi
  quo_sudo locale-gen >/dev/null
}

quo_build() {
  local dir=$1; shift
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  cmake -S "$root" -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)"
}

# quo_preset NAME: configure and build with a preset of CMakePresets.json.
quo_preset() {
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  (cd "$root" && cmake --preset "$1" >/dev/null && cmake --build --preset "$1" -j"$(nproc)")
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  quo_install_missing
  if [ "${1:-}" = --preset ]; then
    quo_preset "${2:?usage: setup.sh --preset NAME}"
  else
    quo_build "${1:-build}" "${@:2}"
  fi
fi

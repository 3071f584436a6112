#!/usr/bin/env bash
# Installs the Debian 12 packages DataGems needs to build, run and test, when missing.
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libjson-glib-dev libsqlite3-dev libcurl4-openssl-dev libgcrypt20-dev
  libsoup-3.0-dev libgtk-4-dev libadwaita-1-dev libsecret-1-dev
  python3-jsonschema
  # checks run by the test suite
  clang-format desktop-file-utils appstream xvfb xauth dbus-daemon
  # real key presses in the UI tests (XTest)
  libxtst-dev
  # the keyring tests' private Secret Service (build-aux/with-keyring.sh)
  gnome-keyring libglib2.0-bin
)
# The cstore-auth-ts interop test (tests/test-interop.c) runs the real Node library; any
# node + npm already on PATH will do (it then runs `npm ci` in tests/interop itself).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

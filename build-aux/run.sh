#!/usr/bin/env bash
# Quickstart, first command: install what is missing, build, and start DataGems on its
# embedded defaults (SQLite under ~/.local/share/datagems, no CStore, the offline
# generator when no model endpoint is configured).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

build-aux/deps.sh
[ -f _build/run/build.ninja ] || meson setup _build/run --prefix="$root/_build/install"
ninja -C _build/run

if [ -x _build/run/src/app/datagems ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  exec _build/run/src/app/datagems "$@"
fi
exec _build/run/src/cli/datagems-cli info "$@"

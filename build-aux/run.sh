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
  # Run from the build tree: its compiled GSettings schema stands in for an installed one.
  export GSETTINGS_SCHEMA_DIR="$root/_build/run/data${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"
  exec _build/run/src/app/datagems "$@"
fi
echo "No display found: showing the command-line face instead (datagems-cli --help lists commands)." >&2
exec _build/run/src/cli/datagems-cli info "$@"

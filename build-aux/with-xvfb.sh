#!/usr/bin/env bash
# Runs a command inside a private Xvfb server on a free display (Xvfb picks it: -displayfd),
# with its own D-Bus session, for the UI tests and the screenshots. Without Xvfb (e.g. inside a Flatpak build) a TAP
# test is reported as skipped. Usage: with-xvfb.sh COMMAND [ARG…]
set -u
if ! command -v Xvfb >/dev/null 2>&1; then
  echo "1..0 # SKIP Xvfb is not installed"
  exit 0
fi
fifo_dir=$(mktemp -d)
trap 'rm -rf "$fifo_dir"' EXIT
mkfifo "$fifo_dir/display"
Xvfb -displayfd 3 -screen 0 1920x1200x24 -nolisten tcp -noreset +extension GLX \
  3>"$fifo_dir/display" >"$fifo_dir/xvfb.log" 2>&1 &
xvfb_pid=$!
read -r -t 20 display <"$fifo_dir/display" || { cat "$fifo_dir/xvfb.log" >&2; kill "$xvfb_pid" 2>/dev/null; exit 1; }
trap 'kill "$xvfb_pid" 2>/dev/null; wait "$xvfb_pid" 2>/dev/null; rm -rf "$fifo_dir"' EXIT
export DISPLAY=":$display"
export GDK_BACKEND=x11
unset WAYLAND_DISPLAY
# A private session bus: GtkApplication registers on it and notifications go through it.
if command -v dbus-run-session >/dev/null 2>&1; then
  dbus-run-session -- "$@"
else
  "$@"
fi

#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a throwaway, unlocked GNOME Keyring (the
# Secret Service), for the keyring tests. HOME and the XDG folders point into a temporary
# folder, so the user's real keyring is never touched; the login keyring is created from a
# throwaway password on stdin, so no prompt can ever appear. Without dbus-run-session or
# gnome-keyring-daemon a TAP test is reported as skipped. Usage: with-keyring.sh COMMAND [ARG…]
set -u
for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "1..0 # SKIP $tool is not installed"
    exit 0
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
chmod 700 "$tmp/runtime"
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"
export XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime"
unset DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
export DG_TEST_KEYRING=1

# Inside the private session: start the daemon (it daemonizes; it exits with the bus), wait
# until it owns its name, then run the command.
# shellcheck disable=SC2016
exec dbus-run-session -- bash -c '
  # Not under the test settings G_DEBUG=fatal-warnings and MALLOC_PERTURB_ (ours only).
  printf "%s" "datagems-test-$$" |
    env -u G_DEBUG -u G_SLICE -u MALLOC_PERTURB_ \
      gnome-keyring-daemon --unlock --components=secrets >"$XDG_RUNTIME_DIR/keyring.env" ||
    { echo "Bail out! gnome-keyring-daemon did not start"; exit 1; }
  if command -v gdbus >/dev/null 2>&1; then
    gdbus wait --session --timeout 20 org.freedesktop.secrets ||
      { echo "Bail out! the Secret Service did not appear on the bus"; exit 1; }
  fi
  exec "$@"
' with-keyring "$@"

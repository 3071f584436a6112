#!/usr/bin/env bash
# Quickstart, second command: install what is missing, then build and run the whole test
# suite twice, in a normal build and under AddressSanitizer + UndefinedBehaviorSanitizer.
# Ends with the line "N passed, N failed" and exits non-zero when anything failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

build-aux/deps.sh || exit 1

export G_DEBUG=gc-friendly,fatal-warnings
export GSETTINGS_BACKEND=memory
export G_SLICE=always-malloc
# Full stacks (GLib has no frame pointers) so reports and suppressions see every frame.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0
export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

status=0
logs=()
run_suite() {
  local dir=$1 multiplier=$2
  shift 2
  echo "=== $dir $*"
  local setup=(setup)
  mkdir -p "$(dirname "$dir")"
  [ -f "$dir/build.ninja" ] && setup+=(--reconfigure)
  if ! meson "${setup[@]}" "$dir" "$@" >"$dir.setup.log" 2>&1; then
    cat "$dir.setup.log"
    echo "meson setup failed for $dir" >&2
    status=1
    return
  fi
  ninja -C "$dir" || { status=1; return; }
  meson test -C "$dir" --print-errorlogs --num-processes 2 --timeout-multiplier "$multiplier" || status=1
  logs+=("$dir/meson-logs/testlog.json")
}

run_suite _build/test 1
run_suite _build/sanitize 3 -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

python3 build-aux/count-tests.py "${logs[@]}" || status=1
exit $status

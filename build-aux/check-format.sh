#!/usr/bin/env bash
# Fails when a C source file is not formatted as .clang-format says, and shows where.
# Headers are left out: they keep GNOME's hand-aligned prototype columns, which clang-format
# cannot produce. Usage: check-format.sh [SOURCE_ROOT] (fix with: clang-format -i FILE).
set -u
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2
mapfile -d '' files < <(find src tests -name '*.c' -not -path '*/node_modules/*' \
  -not -path 'tests/data/*' -print0 2>/dev/null | sort -z)
[ ${#files[@]} -gt 0 ] || { echo "no C files found under $root" >&2; exit 2; }
# One clang-format process for all files: fast enough for meson's timeout on a busy machine.
if ! clang-format --style=file --dry-run -Werror "${files[@]}"; then
  echo "Some files are not formatted; run: clang-format -i <file>" >&2
  exit 1
fi
echo "${#files[@]} C files are formatted"

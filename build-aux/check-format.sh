#!/usr/bin/env bash
# Fails when a C source file is not formatted as .clang-format says, and shows the diff.
# Headers are left out: they keep GNOME's hand-aligned prototype columns, which clang-format
# cannot produce. Usage: check-format.sh [SOURCE_ROOT] (fix with: clang-format -i FILE).
set -u
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2
status=0
checked=0
while IFS= read -r -d '' file; do
  checked=$((checked + 1))
  if ! diff -u --label "$file" --label "$file (formatted)" "$file" <(clang-format --style=file "$file"); then
    status=1
  fi
done < <(find src tests -name '*.c' -not -path '*/node_modules/*' -print0 2>/dev/null)
if [ "$status" -ne 0 ]; then
  echo "Some files are not formatted; run: clang-format -i <file>" >&2
else
  echo "$checked C files are formatted"
fi
exit "$status"

#!/usr/bin/env bash
# Checks each translation in po/LINGUAS: it compiles with msgfmt --check, and it is complete
# (no untranslated and no fuzzy messages). Usage: check-po.sh SOURCE_ROOT
set -u
root=$1
status=0
while read -r lang; do
  case "$lang" in ''|'#'*) continue ;; esac
  po="$root/po/$lang.po"
  if [ ! -f "$po" ]; then
    echo "po/LINGUAS lists $lang but po/$lang.po is missing" >&2
    status=1
    continue
  fi
  stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1) || { echo "$stats" >&2; status=1; continue; }
  echo "$lang: $stats"
  if echo "$stats" | grep -Eq 'untranslated|fuzzy'; then
    echo "po/$lang.po is incomplete: translate the untranslated and fuzzy messages" >&2
    status=1
  fi
done < "$root/po/LINGUAS"
exit $status

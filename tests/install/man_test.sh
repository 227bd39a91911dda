#!/usr/bin/env bash
# The installed, compressed man pages open with man -l and render without
# undefined macros, unknown escapes or characters the terminal cannot show.
set -euo pipefail
stage=$1
err=$(mktemp)
trap 'rm -f "$err"' EXIT
status=0
for page in rtwatch rtwatch-sim; do
  file=$stage/usr/share/man/man1/$page.1.gz
  text=$(LC_ALL=C MANWIDTH=80 man --warnings=mac,char,escape -l -P cat "$file" 2>"$err")
  grep -q "^NAME" <<<"$text" && grep -q "^ *$page " <<<"$text" ||
    { echo "$page.1.gz: no NAME section naming $page"; status=1; }
  # Lines too long to fill at this width are layout, not errors in the page.
  grep -vE "cannot (adjust|break) line" "$err" >"$err.real" || true
  mv "$err.real" "$err"
  if [ -s "$err" ]; then
    echo "$page.1.gz: warnings:"; cat "$err"; status=1
  fi
done
exit $status

#!/usr/bin/env bash
# The installed, compressed man pages open with man -l and render without a
# single warning, as lintian runs man: not even a line groff cannot adjust.
set -euo pipefail
stage=$1
err=$(mktemp)
trap 'rm -f "$err"' EXIT
status=0
for file in "$stage"/usr/share/man/man1/rtwatch*.1.gz "$stage"/usr/share/man/man5/rtwatch*.5.gz; do
  page=$(basename "$file"); page=${page%.*.gz}
  LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$file" >/dev/null 2>"$err"
  text=$(LC_ALL=C MANWIDTH=80 man -l -P cat "$file" 2>/dev/null)
  grep -q "^NAME" <<<"$text" && grep -q "^ *$page " <<<"$text" ||
    { echo "$(basename "$file"): no NAME section naming $page"; status=1; }
  if [ -s "$err" ]; then
    echo "$(basename "$file"): warnings:"; cat "$err"; status=1
  fi
done
[ "$(ls "$stage"/usr/share/man/man1/rtwatch*.1.gz "$stage"/usr/share/man/man5/rtwatch*.5.gz | wc -l)" -eq 5 ] ||
  { echo "expected five rtwatch man pages"; status=1; }
exit $status

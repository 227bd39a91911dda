#!/usr/bin/env bash
# Every key in the example config, commented-out ones included, is a long
# option of rtwatch --help (rtwatch ignores unknown keys, so a typo would
# pass unnoticed), and rtwatch accepts the file's values.
set -euo pipefail
stage=$1
rtwatch=$stage/usr/bin/rtwatch
conf=$stage/usr/share/doc/rtwatch/examples/rtwatch.conf
options=$("$rtwatch" --help | sed -nE 's/^  (-[a-zA-Z],)?--([a-z][a-z0-9-]*).*/\2/p')
status=0
keys=$(sed -nE 's/^#? ?([a-z][a-z0-9-]*) = .*/\1/p' "$conf")
[ "$(wc -w <<<"$keys")" -gt 10 ] || { echo "found too few keys in $conf"; exit 1; }
for key in $keys; do
  grep -qx -- "$key" <<<"$options" || { echo "$conf: '$key' is not an rtwatch option"; status=1; }
done
# replay mode reads the whole configuration but needs no upstream; the
# command line's -o wins over the file's output.
if ! "$rtwatch" --config "$conf" -o /dev/null replay /dev/null; then
  echo "rtwatch refused the values in $conf"; status=1
fi
exit $status

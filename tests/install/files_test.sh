#!/usr/bin/env bash
# Every file of a system install is there, and the units run the installed binary.
set -euo pipefail
stage=$1
source "$(dirname "$0")/installed_files.sh"
status=0
for f in "${installed_files[@]}"; do
  [ -s "$stage/usr/$f" ] || { echo "missing or empty: /usr/$f"; status=1; }
done
for f in bin/rtwatch bin/rtwatch-sim; do
  [ -x "$stage/usr/$f" ] || { echo "not executable: /usr/$f"; status=1; }
done
for unit in rtwatch@.service rtwatch-relay@.service; do
  grep -q '^ExecStart=/usr/bin/rtwatch ' "$stage/usr/lib/systemd/system/$unit" ||
    { echo "$unit does not run /usr/bin/rtwatch"; status=1; }
done
for page in man1/rtwatch.1.gz man1/rtwatch-top.1.gz man1/rtwatch-relay.1.gz man1/rtwatch-sim.1.gz man5/rtwatch.conf.5.gz; do
  # gzip -9n: no name, no time stamp in the header (bytes 4-9 are flags and mtime)
  [ "$(od -An -tx1 -j3 -N5 "$stage/usr/share/man/$page" | tr -d ' ')" = 0000000000 ] ||
    { echo "$page has a name or a time stamp in its gzip header"; status=1; }
done
exit $status

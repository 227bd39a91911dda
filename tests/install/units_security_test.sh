#!/usr/bin/env bash
# systemd-analyze security rates each installed unit "OK" or better, and no
# worse than the exposure measured when the sandbox was written (1.1), so a
# loosened sandbox fails here. --offline needs no running systemd.
set -euo pipefail
stage=$1
threshold=15  # tenths: exposure 1.5
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze is not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for unit in rtwatch rtwatch-relay; do
  cp "$stage/usr/lib/systemd/system/$unit@.service" "$work/$unit@test.service"
  if ! systemd-analyze security --offline=true --threshold=$threshold "$work/$unit@test.service" >"$work/out" 2>&1; then
    grep -v '^✓' "$work/out"; echo "$unit@.service: exposure above ${threshold%?}.${threshold: -1}"; status=1
  fi
  grep 'Overall exposure level' "$work/out" || { cat "$work/out"; status=1; }
done
exit $status

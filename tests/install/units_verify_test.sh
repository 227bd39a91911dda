#!/usr/bin/env bash
# systemd-analyze verify accepts the installed units: directives,
# specifiers, and the man page named in Documentation= (found in the stage).
# The staged copy runs the staged binary, since /usr/bin/rtwatch may not exist.
set -euo pipefail
stage=$1
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze is not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for unit in rtwatch rtwatch-relay; do
  sed "s#^ExecStart=/usr/bin/rtwatch #ExecStart=$stage/usr/bin/rtwatch #" \
    "$stage/usr/lib/systemd/system/$unit@.service" >"$work/$unit@test.service"
  if ! MANPATH=$stage/usr/share/man systemd-analyze verify "$work/$unit@test.service" 2>"$work/err"; then
    echo "systemd-analyze verify $unit@.service:"; cat "$work/err"; status=1
  elif [ -s "$work/err" ]; then
    echo "systemd-analyze verify $unit@.service warns:"; cat "$work/err"; status=1
  fi
done
exit $status

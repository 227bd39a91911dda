#!/usr/bin/env bash
# scripts/demo.sh, in the mode given, stops every process it started and
# removes its temporary folder, exiting 0, on SIGTERM to the script alone and
# on Ctrl-C (SIGINT to its whole process group); and on an error (a simulator
# that cannot start) it exits non-zero with the same clean-up. Every process
# of a run carries the run's own TMPDIR, so an orphan is found by it.
set -euo pipefail
demo=$1 rtwatch=$2 sim=$3 mode=$4
if [ "$mode" = cluster ] && [ ! -x /usr/sbin/nats-server ]; then
  echo "SKIP: nats-server is not installed (scripts/deps.sh test installs it)"; exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
bin=$work/bin
mkdir "$bin"
ln -s "$rtwatch" "$bin/rtwatch"
ln -s "$sim" "$bin/rtwatch-sim"

# The pids of processes whose environment has TMPDIR=$1.
processes_of() {
  local env pid
  for env in /proc/[0-9]*/environ; do
    pid=${env#/proc/}; pid=${pid%/environ}
    { tr '\0' '\n' <"$env"; } 2>/dev/null | grep -qx "TMPDIR=$1" && echo "$pid"
  done
  return 0
}

# Starts the demo in a session of its own (so that Ctrl-C can be sent to its
# group) with SIGINT at its default, as in a terminal; waits until it serves.
start_demo() {
  local tmpdir=$1 bindir=$2
  mkdir -p "$tmpdir"
  TMPDIR=$tmpdir RTWATCH_DEMO_BINARIES=$bindir RTWATCH_DEMO_SECONDS=60 \
    setsid env --default-signal=INT,QUIT "$demo" "$mode" >"$tmpdir.out" 2>"$tmpdir.err" &
  demo_pid=$!
}

serving() {
  case $mode in
    stream | genesys) grep -q '"type":"metrics"' "$1.out" ;;
    relay) grep -q '^http://' "$1.out" ;;
    cluster) grep -q 'Ctrl-C stops them all' "$1.err" ;;
  esac
}

check_clean() {
  local tmpdir=$1 what=$2 left
  for _ in $(seq 50); do
    left=$(processes_of "$tmpdir")
    [ -z "$left" ] && break
    sleep 0.1
  done
  if [ -n "$left" ]; then
    echo "$what: processes left running:"; for p in $left; do tr '\0' ' ' </proc/$p/cmdline; echo; done
    kill $left 2>/dev/null || true
    status=1
  fi
  if [ -n "$(ls -A "$tmpdir")" ]; then
    echo "$what: the demo left its temporary folder: $(ls -A "$tmpdir")"; status=1
  fi
}

for signal in TERM INT; do
  tmpdir=$work/$signal
  start_demo "$tmpdir" "$bin"
  for _ in $(seq 300); do serving "$tmpdir" && break; kill -0 "$demo_pid" 2>/dev/null || break; sleep 0.1; done
  if ! serving "$tmpdir"; then
    echo "demo.sh $mode did not start:"; cat "$tmpdir.err"; status=1
    kill "$demo_pid" 2>/dev/null || true
  fi
  # SIGTERM to the script alone; SIGINT to the group, as Ctrl-C sends it.
  if [ $signal = TERM ]; then kill -TERM "$demo_pid"; else kill -INT -- "-$demo_pid"; fi
  rc=0
  wait "$demo_pid" || rc=$?
  [ $rc -eq 0 ] || { echo "demo.sh $mode exited $rc on SIG$signal, not 0"; cat "$tmpdir.err"; status=1; }
  check_clean "$tmpdir" "demo.sh $mode, SIG$signal"
done

# An error: a simulator that fails at once.
broken=$work/broken-bin
mkdir -p "$broken"
ln -s "$rtwatch" "$broken/rtwatch"
printf '#!/bin/sh\necho "rtwatch-sim: cannot listen" >&2\nexit 1\n' >"$broken/rtwatch-sim"
chmod +x "$broken/rtwatch-sim"
tmpdir=$work/error
start_demo "$tmpdir" "$broken"
rc=0
wait "$demo_pid" || rc=$?
[ $rc -ne 0 ] || { echo "demo.sh $mode exited 0 when the simulator failed"; status=1; }
check_clean "$tmpdir" "demo.sh $mode, failed simulator"
exit $status

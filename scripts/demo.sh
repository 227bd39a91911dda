#!/usr/bin/env bash
# Installs what is missing, builds rtwatch (Release), starts the simulator
# on a free loopback port and streams live changed metrics from it for about
# 15 seconds (or until Ctrl-C). RTWATCH_DEMO_SECONDS changes the length.
#
# "demo.sh relay" starts the simulator and `rtwatch relay` in front of it
# instead, prints the wallboard's URL on stdout and serves it until Ctrl-C.
#
# "demo.sh genesys" runs the same demo over the Genesys Cloud platform: the
# simulator's Notifications API, channels and WebSocket.
#
# "demo.sh cluster": nats-server, the simulator and three relays of one
# tenant sharing its one upstream; prints the wallboard URLs, runs until Ctrl-C.
#
# In every mode, Ctrl-C, SIGTERM or an error stops every process the demo
# started and removes its temporary folder. The build prints nothing unless
# it fails. RTWATCH_DEMO_BINARIES=DIR runs the rtwatch and rtwatch-sim in DIR
# instead, without installing or building anything.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-stream}
case "$mode" in
  stream | relay | genesys | cluster) ;;
  *) echo "usage: scripts/demo.sh [relay|genesys|cluster]" >&2; exit 2 ;;
esac

if [ -n "${RTWATCH_DEMO_BINARIES:-}" ]; then
  rtwatch=$RTWATCH_DEMO_BINARIES/rtwatch sim=$RTWATCH_DEMO_BINARIES/rtwatch-sim
else
  if [ "$mode" = cluster ]; then scripts/deps.sh cluster; else scripts/deps.sh; fi
  build=${RTWATCH_BUILD_DIR:-build-release}
  log=$(mktemp)
  if ! { cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DRTWATCH_TESTS=OFF &&
         cmake --build "$build" -j "$(nproc)" --target rtwatch rtwatch-sim; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "demo: the build failed (its output is above)" >&2
    exit 1
  fi
  rm -f "$log"
  rtwatch=$build/cmd/rtwatch/rtwatch sim=$build/cmd/rtwatch-sim/rtwatch-sim
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rtwatch-demo.XXXXXX")
pids=()
# Every process the demo started, then the folder; never stops half way.
cleanup() {
  trap - EXIT INT TERM
  set +e
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'cleanup; exit 0' INT TERM

# Waits for the first line of $1 from process $2: its {"url":...}.
first_url() {
  for _ in $(seq 100); do
    [ -s "$1" ] && break
    kill -0 "$2" 2>/dev/null || { [ -f "${1%.out}.err" ] && cat "${1%.out}.err" >&2; exit 1; }
    sleep 0.1
  done
  [ -s "$1" ] || { echo "demo: $2 wrote no address in 10 s" >&2; exit 1; }
  head -1 "$1" | sed -E 's/.*"url": *"([^"]+)".*/\1/'
}

if [ "$mode" = cluster ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  /usr/sbin/nats-server -js -a 127.0.0.1 -p "$port" -sd "$tmp/nats" >"$tmp/nats.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  "$sim" --port 0 --seed 42 --queues 8 --skills 4 --agents 40 --speed 60 --rate 200 \
    >"$tmp/sim.out" 2>"$tmp/sim.err" &
  pids+=($!)
  url=$(first_url "$tmp/sim.out" "${pids[-1]}")
  echo "nats-server on nats://127.0.0.1:$port, rtwatch-sim on $url; three relays of tenant demo:" >&2
  for i in 1 2 3; do
    RTWATCH_CLIENT_SECRET=rtwatch-secret "$rtwatch" --api-url "$url" --client-id rtwatch \
      relay --listen 127.0.0.1:0 --broker "nats://127.0.0.1:$port" --tenant demo --lease-ttl 2s \
      >"$tmp/relay$i.out" 2>"$tmp/relay$i.err" &
    pids+=($!)
    relay_url=$(first_url "$tmp/relay$i.out" "${pids[-1]}")
    echo "  wallboard $relay_url/   (kill $! to see another relay take the upstream)"
  done
  echo "Ctrl-C stops them all." >&2
  wait "${pids[0]}"
  exit 0
fi

sim_args=(--port 0 --seed 42 --queues 8 --skills 4 --agents 40 --speed 60 --rate 200)
watch_args=(--queue queue-0001,queue-0002,queue-0003)
if [ "$mode" = genesys ]; then
  sim_args+=(--platform genesys)
  watch_args=(--platform genesys --queue queue-0001,queue-0002,queue-0003 --agent agent-00001,agent-00002 --media voice)
fi
"$sim" "${sim_args[@]}" >"$tmp/sim.out" 2>"$tmp/sim.err" &
pids+=($!)
url=$(first_url "$tmp/sim.out" "${pids[-1]}")

if [ "$mode" = relay ]; then
  # Every queue and skill the simulator has, and a few agents.
  ids() { curl -fsS "$url/sim/state" | jq -r ".$1 | keys | .[:$2] | join(\",\")"; }
  # Logs stay on the terminal; stdout's one line is the listening address.
  RTWATCH_CLIENT_SECRET=rtwatch-secret "$rtwatch" relay \
    --api-url "$url" --client-id rtwatch --listen 127.0.0.1:0 \
    --queue "$(ids queues 100)" --skill "$(ids skills 100)" --agent "$(ids agents 8)" \
    --level 'waiting: yellow >= 2, red >= 4, clear 1' \
    --level 'serviceLevelPercentile: yellow < 80, red < 60, clear 5' \
    --level 'state: yellow == "busy", red == "not_responding"' \
    >"$tmp/relay.out" &
  pids+=($!)
  relay_url=$(first_url "$tmp/relay.out" "${pids[-1]}")
  echo "rtwatch-sim is serving $url; rtwatch relay is serving the wallboard (Ctrl-C stops):" >&2
  echo "$relay_url/"
  echo "  one queue: $relay_url/?queueId=queue-0001   JSON state: curl $relay_url/state" >&2
  wait "${pids[-1]}"
  exit 0
fi

echo "rtwatch-sim is serving $url; streaming queue-0001..queue-0003 for ${RTWATCH_DEMO_SECONDS:-15}s" >&2

pretty=(cat)
command -v jq >/dev/null && pretty=(jq -c .)
# Both ends in the background, so that a signal reaches the trap at once.
mkfifo "$tmp/records"
RTWATCH_CLIENT_SECRET=rtwatch-secret "$rtwatch" \
  --api-url "$url" --client-id rtwatch \
  "${watch_args[@]}" --status \
  --duration "${RTWATCH_DEMO_SECONDS:-15}s" >"$tmp/records" &
pids+=($!)
"${pretty[@]}" <"$tmp/records" &
pids+=($!)
wait "${pids[-2]}" || true
wait "${pids[-1]}" || true

#!/usr/bin/env bash
# Installs what is missing, builds rtwatch (Release), starts the simulator
# on a free loopback port and streams live changed metrics from it for about
# 15 seconds (or until Ctrl-C). RTWATCH_DEMO_SECONDS changes the length.
# "demo.sh relay" runs rtwatch relay on it instead and prints the wallboard's
# URL (RTWATCH_DEMO_LISTEN, default 127.0.0.1:8080), until Ctrl-C.
# "demo.sh cluster": nats-server, the simulator and three relays of one
# tenant sharing its one upstream; prints the wallboard URLs, runs until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
build=${RTWATCH_BUILD_DIR:-build-release}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DRTWATCH_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target rtwatch rtwatch-sim >/dev/null

tmp=$(mktemp -d)
sim_pid=""
relay_pid=""  # a background job of a script ignores SIGINT: ended here
cleanup() {
  [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

# Waits until FILE has a first line (a server's listening line) or PID dies.
first_line() {
  for _ in $(seq 100); do
    [ -s "$1" ] && { head -1 "$1" | sed -E 's/.*"url":"([^"]+)".*/\1/'; return 0; }
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

case "${1:-}" in
  cluster)
    pids=()
    cleanup() {
      for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
      for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
      rm -rf "$tmp"
    }
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    /usr/sbin/nats-server -js -a 127.0.0.1 -p "$port" -sd "$tmp/nats" >"$tmp/nats.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      sleep 0.1
    done
    "$build/cmd/rtwatch-sim/rtwatch-sim" --port 0 --seed 42 --queues 8 --skills 4 --agents 40 --speed 60 --rate 200 \
      >"$tmp/sim.out" 2>"$tmp/sim.err" &
    pids+=($!)
    url=$(first_line "$tmp/sim.out" "${pids[-1]}") || { cat "$tmp/sim.err" >&2; exit 1; }
    echo "nats-server on nats://127.0.0.1:$port, rtwatch-sim on $url; three relays of tenant demo:" >&2
    for i in 1 2 3; do
      RTWATCH_CLIENT_SECRET=rtwatch-secret "$build/cmd/rtwatch/rtwatch" --api-url "$url" --client-id rtwatch \
        relay --listen 127.0.0.1:0 --broker "nats://127.0.0.1:$port" --tenant demo --lease-ttl 2s \
        >"$tmp/relay$i.out" 2>"$tmp/relay$i.err" &
      pids+=($!)
      relay_url=$(first_line "$tmp/relay$i.out" "${pids[-1]}") || { cat "$tmp/relay$i.err" >&2; exit 1; }
      echo "  wallboard $relay_url/   (kill $! to see another relay take the upstream)"
    done
    echo "Ctrl-C stops them all." >&2
    wait "${pids[0]}"
    exit 0
    ;;
esac

"$build/cmd/rtwatch-sim/rtwatch-sim" --port 0 --seed 42 --queues 8 --skills 4 --agents 40 --speed 60 --rate 200 \
  >"$tmp/sim.out" 2>"$tmp/sim.err" &
sim_pid=$!
for _ in $(seq 100); do
  [ -s "$tmp/sim.out" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$tmp/sim.err" >&2; exit 1; }
  sleep 0.1
done
url=$(head -1 "$tmp/sim.out" | sed -E 's/.*"url":"([^"]+)".*/\1/')
echo "rtwatch-sim is serving $url; streaming queue-0001..queue-0003 for ${RTWATCH_DEMO_SECONDS:-15}s" >&2

if [ "${1:-}" = relay ]; then
  listen=${RTWATCH_DEMO_LISTEN:-127.0.0.1:8080}
  RTWATCH_CLIENT_SECRET=rtwatch-secret "$build/cmd/rtwatch/rtwatch" relay --listen "$listen" \
    --api-url "$url" --client-id rtwatch --level 'waiting: yellow >= 3, red >= 6' >"$tmp/relay.out" &
  relay_pid=$!
  for _ in $(seq 100); do
    [ -s "$tmp/relay.out" ] && break
    kill -0 "$relay_pid" 2>/dev/null || exit 1
    sleep 0.1
  done
  wall=$(head -1 "$tmp/relay.out" | sed -E 's/.*"url":"([^"]+)".*/\1/')
  echo "the wallboard: $wall/  (events: $wall/events, state: $wall/state; Ctrl-C ends)" >&2
  wait "$relay_pid" || true
  exit 0
fi

pretty=(cat)
command -v jq >/dev/null && pretty=(jq -c .)
RTWATCH_CLIENT_SECRET=rtwatch-secret "$build/cmd/rtwatch/rtwatch" \
  --api-url "$url" --client-id rtwatch \
  --queue queue-0001,queue-0002,queue-0003 --status \
  --duration "${RTWATCH_DEMO_SECONDS:-15}s" | "${pretty[@]}" || true

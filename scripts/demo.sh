#!/usr/bin/env bash
# Installs what is missing, builds rtwatch (Release), starts the simulator
# on a free loopback port and streams live changed metrics from it for about
# 15 seconds (or until Ctrl-C). RTWATCH_DEMO_SECONDS changes the length.
# "demo.sh genesys" runs the same demo over the Genesys Cloud platform: the
# simulator's Notifications API, channels and WebSocket.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
build=${RTWATCH_BUILD_DIR:-build-release}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DRTWATCH_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target rtwatch rtwatch-sim >/dev/null

tmp=$(mktemp -d)
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

sim_args=(--port 0 --seed 42 --queues 8 --skills 4 --agents 40 --speed 60 --rate 200)
watch_args=(--queue queue-0001,queue-0002,queue-0003)
case "${1:-}" in
  genesys)
    sim_args+=(--platform genesys)
    watch_args=(--platform genesys --queue queue-0001,queue-0002,queue-0003 --agent agent-00001,agent-00002 --media voice)
    ;;
esac
"$build/cmd/rtwatch-sim/rtwatch-sim" "${sim_args[@]}" >"$tmp/sim.out" 2>"$tmp/sim.err" &
sim_pid=$!
for _ in $(seq 100); do
  [ -s "$tmp/sim.out" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$tmp/sim.err" >&2; exit 1; }
  sleep 0.1
done
url=$(head -1 "$tmp/sim.out" | sed -E 's/.*"url":"([^"]+)".*/\1/')
echo "rtwatch-sim is serving $url; streaming queue-0001..queue-0003 for ${RTWATCH_DEMO_SECONDS:-15}s" >&2

pretty=(cat)
command -v jq >/dev/null && pretty=(jq -c .)
RTWATCH_CLIENT_SECRET=rtwatch-secret "$build/cmd/rtwatch/rtwatch" \
  --api-url "$url" --client-id rtwatch \
  "${watch_args[@]}" --status \
  --duration "${RTWATCH_DEMO_SECONDS:-15}s" | "${pretty[@]}" || true

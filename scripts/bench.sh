#!/usr/bin/env bash
# The rtwatch benchmark, rerunnable by anyone: builds Release with the
# microbenchmarks and the "limit" (scripts/bench/limit.cpp, the simplest C++
# consumer of the stream), installs the Node peer's one package into a scratch
# folder, then runs rtwatch (live and replaying a capture), the limit and the
# peers (curl|jq, Node eventsource, Python stdlib) on the same rtwatch-sim
# stream and prints the comparison table with the ratios.
# Details and definitions: scripts/bench/harness.py.
# --relay runs the relay benchmark instead (scripts/bench/relay.py): idle
# viewers held, and delivery to many viewers against nginx + nchan.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-bench-release
runs=5 warmup=1 events=1000000 latency=10 build_it=1 node=1 micro=1
relay=0 relay_idle=10000 relay_viewers= relay_seconds=10 kills=10
variants=base,all-changed,50k tools="rtwatch,limit,rtwatch replay,limit replay,curl|jq,node,python" extra=()

usage() {
  cat <<'USAGE'
usage: scripts/bench.sh [--quick] [--smoke] [--runs N] [--events N] [--variants LIST]
                        [--tools LIST] [--build-dir DIR] [--no-build] [--verify-all]
  --quick       100,000 events, 3 runs, 5 s of latency (a few minutes)
  --smoke       20,000 events, 1 run, base variant, no Node, no latency, no
                microbenchmarks: checks the harness and the peers (seconds)
  --runs N      runs per tool and variant (default 5; the table shows the median)
  --warmup N    unmeasured runs per tool and variant first (default 1)
  --events N    flat-out data events per stream (default 1,000,000)
  --variants L  comma list of base, all-changed, 50k (default all three)
  --tools L     comma list of rtwatch, limit, rtwatch replay, limit replay,
                curl|jq, node, python (default all)
  --build-dir D use (and, without --no-build, build) this build folder
                (default build-bench-release, a Release build)

  --relay       the relay benchmark instead, about a minute (not part of
                --quick): rtwatch relay holding 10,000 idle viewers (RSS per
                viewer), then 1,000 viewers of every change of 1,000 queues at
                ~1,000 changes/s, delay from the simulator's send time to the
                viewer's read and CPU, then the same through nginx + nchan
                (scripts/deps.sh bench installs it; without it, no nchan row).
                Needs an open-files hard limit above 10,300.
  --relay-idle N      idle viewers (default 10,000; 0 skips)
  --relay-viewers N   viewers of every change (default 1,000; with --cluster
                      a comma list per relay, default 100,300,1000)
  --relay-seconds S   measured seconds per delivery run (default 10)
  --cluster     the scale-out benchmark instead (several minutes): for each
                count of --relay-viewers, one relay, then three relays of one
                tenant on a loopback nats-server with that many viewers on
                each, of ~1,000 changes/s: p50/p99 delay per relay split into
                upstream -> holder, holder -> broker, broker -> relay read,
                relay -> viewer, and CPU per delivered event; the load
                average with each run; then --kills kill -9 of the holder
                (--lease-ttl 1s): time to a new holder and to records again.
  --kills N     fail-overs measured by --cluster (default 10; 0 skips)
USAGE
}

while [ $# -gt 0 ]; do
  case $1 in
    --quick) events=100000 runs=3 latency=5 ;;
    --smoke) events=20000 runs=1 warmup=0 latency=0 node=0 micro=0 variants=base
             tools="rtwatch,limit,rtwatch replay,limit replay,curl|jq,python" ;;
    --runs) runs=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --events) events=$2; shift ;;
    --variants) variants=$2; shift ;;
    --tools) tools=$2; shift ;;
    --build-dir) build=$(cd "$2" && pwd); shift ;;
    --no-build) build_it=0 ;;
    --verify-all) extra+=(--verify-all) ;;
    --relay) relay=1 ;;
    --cluster) relay=cluster ;;
    --relay-idle) relay_idle=$2; shift ;;
    --relay-viewers) relay_viewers=$2; shift ;;
    --relay-seconds) relay_seconds=$2; shift ;;
    --kills) kills=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

if [ "$relay" = cluster ]; then
  if [ "$build_it" = 1 ]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRTWATCH_BENCH=ON -DRTWATCH_TESTS=ON >/dev/null
    cmake --build "$build" -j2 --target rtwatch rtwatch-sim bench-viewers bench-stream-hops
  fi
  mkdir -p "$build/bench-out"
  exec python3 "$root/scripts/bench/cluster.py" --build-dir "$build" --out-dir "$build/bench-out" \
    --viewers "${relay_viewers:-100,300,1000}" --seconds "$relay_seconds" --kills "$kills"
fi

if [ "$relay" = 1 ]; then
  if [ "$build_it" = 1 ]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRTWATCH_BENCH=ON -DRTWATCH_TESTS=ON >/dev/null
    cmake --build "$build" -j2 --target rtwatch rtwatch-sim bench-viewers bench-nchan-publish
  fi
  mkdir -p "$build/bench-out"
  exec python3 "$root/scripts/bench/relay.py" --build-dir "$build" --out-dir "$build/bench-out" \
    --idle "$relay_idle" --viewers "${relay_viewers:-1000}" --seconds "$relay_seconds"
fi

for cmd in curl jq python3 taskset /usr/bin/time; do
  command -v "$cmd" >/dev/null || { echo "bench: $cmd is missing: run scripts/deps.sh bench" >&2; exit 1; }
done

if [ "$build_it" = 1 ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRTWATCH_BENCH=ON -DRTWATCH_TESTS=ON >/dev/null
  targets=(rtwatch rtwatch-sim)
  [ "$micro" = 1 ] && targets+=(rtwatch-microbench)
  if pkg-config --exists simdjson; then targets+=(bench-limit)
  else echo "bench: note: libsimdjson-dev is not installed (scripts/deps.sh bench): no limit rows" >&2; fi
  cmake --build "$build" -j2 --target "${targets[@]}"
fi

node_args=()
if [ "$node" = 1 ] && [[ ",$tools," == *,node,* ]]; then
  node_dir=$build/bench-node
  if [ -f "$node_dir/node_modules/eventsource/package.json" ]; then
    node_args=(--node-dir "$node_dir")
  elif ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "bench: note: node/npm not installed: no Node column" >&2
  elif mkdir -p "$node_dir" && npm install --prefix "$node_dir" --no-audit --no-fund --silent eventsource@4 >&2; then
    node_args=(--node-dir "$node_dir")
  else
    echo "bench: note: 'npm install eventsource@4' failed (no registry?): no Node column" >&2
  fi
fi

micro_args=()
[ "$micro" = 1 ] && micro_args=(--microbench)
out=$build/bench-out
mkdir -p "$out"
exec python3 "$root/scripts/bench/harness.py" --build-dir "$build" --out-dir "$out" \
  --events "$events" --runs "$runs" --warmup "$warmup" --latency-seconds "$latency" --variants "$variants" --tools "$tools" \
  ${node_args[@]+"${node_args[@]}"} ${micro_args[@]+"${micro_args[@]}"} ${extra[@]+"${extra[@]}"}

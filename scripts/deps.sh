#!/usr/bin/env bash
# Installs the Debian packages rtwatch needs; only what is missing, safe to
# run again. Needs root (or sudo).
#   deps.sh          building rtwatch and running it: what scripts/demo.sh needs
#   deps.sh cluster  that and nats-server, for scripts/demo.sh cluster
#   deps.sh test     that and every test tool: Chromium, Prometheus, tmux,
#                    nats-server, the clang runtime (scripts/test.sh)
#   deps.sh package  the test set and lintian (scripts/package.sh)
#   deps.sh bench    the test set and nginx + nchan (scripts/bench.sh --relay)
set -euo pipefail

# Building rtwatch and rtwatch-sim, and running the demo (curl and jq read
# the simulator's state, python3 picks a free port).
packages=(
  build-essential cmake pkg-config git ca-certificates
  libcurl4-openssl-dev rapidjson-dev libcli11-dev libfmt-dev
  libcpp-httplib-dev libssl-dev
  libwslay-dev  # WebSocket framing: the Genesys platform (client and rtwatch-sim; Debian 12's libcurl has none)
  libnats-dev   # the nats C client: --broker (lib/broker)
  curl jq python3
)
test_packages=(
  catch2 clang libclang-rt-14-dev libbenchmark-dev
  clang-format-14  # scripts/format.sh: the format check CI runs
  ccache  # scripts/test.sh compiles through it: CI builds the tree three times
  openssl procps man-db groff-base
  time  # GNU time: peak RSS per process in scripts/bench.sh
  libsimdjson-dev  # the benchmark's "limit" consumer (scripts/bench/limit.cpp)
  dpkg-dev  # dpkg-shlibdeps: cpack computes the .deb's Depends (tests/install)
  systemd   # systemd-analyze verify and security on the shipped units (tests/install)
  tmux      # a real terminal for the rtwatch top tests
  prometheus  # promtool check metrics on rtwatch relay's /metrics (tests/integration)
  chromium  # headless, for the wallboard page tests (tests/browser)
  nats-server  # JetStream for the broker tests and scripts/demo.sh cluster
)
case "${1:-}" in
  "") ;;
  cluster) packages+=(nats-server) ;;
  test) packages+=("${test_packages[@]}") ;;
  # lintian checks the .deb in scripts/package.sh only: about 40 s to
  # install, so the test machines are spared it.
  package) packages+=("${test_packages[@]}" lintian) ;;
  # nginx + nchan only for the relay benchmark's comparison
  bench) packages+=("${test_packages[@]}" nginx libnginx-mod-nchan) ;;
  *) echo "usage: scripts/deps.sh [cluster|test|package|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "deps: installing ${missing[*]}" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

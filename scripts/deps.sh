#!/usr/bin/env bash
# Installs every build and test dependency of rtwatch from Debian packages.
# Only what is missing; safe to run again. Needs root (or sudo).
# "deps.sh package" adds what scripts/package.sh needs on top;
# "deps.sh bench" adds nginx + nchan, the anchor of scripts/bench.sh --relay.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates
  libcurl4-openssl-dev rapidjson-dev libcli11-dev libfmt-dev catch2
  libcpp-httplib-dev libssl-dev
  libwslay-dev  # WebSocket framing: the Genesys platform (client and rtwatch-sim; Debian 12's libcurl has none)
  clang libclang-rt-14-dev libbenchmark-dev
  curl jq openssl python3 procps man-db groff-base
  time  # GNU time: peak RSS per process in scripts/bench.sh
  libsimdjson-dev  # the benchmark's "limit" consumer (scripts/bench/limit.cpp)
  dpkg-dev  # dpkg-shlibdeps: cpack computes the .deb's Depends (tests/install)
  systemd   # systemd-analyze verify and security on the shipped units (tests/install)
  tmux      # a real terminal for the rtwatch top tests
  prometheus  # promtool check metrics on rtwatch relay's /metrics (tests/integration)
  chromium  # headless, for the wallboard page tests (tests/browser)
  libnats-dev  # the nats C client: --broker (lib/broker)
  nats-server  # JetStream for the broker tests and scripts/demo.sh cluster
)
# lintian checks the .deb in scripts/package.sh only: about 40 s to install,
# so the test machines are spared it.
[ "${1:-}" = package ] && packages+=(lintian)
# nginx + nchan only for the relay benchmark's comparison (scripts/bench.sh --relay)
[ "${1:-}" = bench ] && packages+=(nginx libnginx-mod-nchan)

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

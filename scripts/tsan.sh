#!/usr/bin/env bash
# Builds rtwatch with ThreadSanitizer in build-tsan (RTWATCH_BUILD_DIR) and
# runs the tests where our objects meet other threads: the event loop, its
# requests and servers with test threads (test_net, test_http_server), the
# relay's parts (test_relay_unit), and the broker client on a real
# nats-server, whose callbacks run on libnats' threads (test_broker's client
# cases). The real-binary relay and cluster tests are left to the release
# and ASan suites: under ThreadSanitizer a simulator and three relays run
# 5-15 times slower and miss their deadlines on a 2-core machine; so do the
# two tests that time 200-300 ms idle windows on a real socket. Extra
# arguments go to ctest. Run scripts/test.sh
# (or scripts/deps.sh) first: this installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${RTWATCH_BUILD_DIR:-build-tsan}
targets=(rtwatch rtwatch-sim test_net test_http_server test_relay_unit test_broker)
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRTWATCH_TSAN=ON $(scripts/ccache-args.sh) ${RTWATCH_CMAKE_ARGS:--DRTWATCH_WERROR=ON} >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"
# halt_on_error: the first race fails its test, with both stacks in the log.
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" \
  -R '^(test_net|test_http_server|test_relay_unit):|^test_broker:( a foreign|broker )' \
  -E 'idle timeout ends the stream|idle-watched stream alive' "$@"

#!/usr/bin/env bash
# Installs what is missing, builds rtwatch, and runs every test.
# RTWATCH_BUILD_DIR picks the build folder; extra arguments go to ctest.
# Compiles go through ccache when it is installed (RTWATCH_CCACHE=0: not).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh test
build=${RTWATCH_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo $(scripts/ccache-args.sh) ${RTWATCH_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" "$@"

#!/usr/bin/env bash
# Installs what is missing, builds rtwatch, and runs every test.
# RTWATCH_BUILD_DIR picks the build folder; extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh test
build=${RTWATCH_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${RTWATCH_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" "$@"

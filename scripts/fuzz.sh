#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz and runs each for
# SECONDS (default 60), one after another. The committed corpus seeds a
# scratch corpus in build-fuzz/fuzz-corpus/<target>/ that grows across runs;
# crashing inputs land in tests/fuzz/crashes/<target>/. Exits non-zero if
# any target crashed. RTWATCH_FUZZ_ARGS adds libFuzzer flags, e.g.
# "-fork=1 -ignore_crashes=1" to keep going past a known crash.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
build=${RTWATCH_FUZZ_BUILD_DIR:-build-fuzz}
jobs=${RTWATCH_FUZZ_BUILD_JOBS:-2}
targets=(sse_parser decode decode_fast token_response where genesys_frame level_spec config_file http_head
  relay_query websocket_handshake)

cmake -S . -B "$build" -DRTWATCH_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# Every target must build: a fuzzer that does not compile is a failure.
for t in "${targets[@]}"; do
  if ! cmake --build "$build" -j "$jobs" --target "fuzz_$t" >/dev/null 2>"$build/fuzz_$t.build.log"; then
    echo "fuzz: $t: does not build (see $build/fuzz_$t.build.log)" >&2
    exit 1
  fi
done

failed=0
summary=()
for t in "${targets[@]}"; do
  corpus="$build/fuzz-corpus/$t"
  crashes="tests/fuzz/crashes/$t"
  log="$build/fuzz_$t.log"
  mkdir -p "$corpus" "$crashes"
  dict=()
  [ -f "tests/fuzz/dict/$t.dict" ] && dict=("-dict=tests/fuzz/dict/$t.dict")
  echo "fuzz: $t for ${seconds}s (log $log)" >&2
  status=0
  "$build/tests/fuzz/fuzz_$t" "$corpus" "tests/fuzz/corpus/$t" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$crashes/" ${RTWATCH_FUZZ_ARGS:-} >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  if [ "$status" -ne 0 ]; then
    failed=1
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    summary+=("$t: CRASH (exit $status) after ${execs:-?} executions; input: ${artifact:-see $log}")
  else
    summary+=("$t: ok, ${execs:-?} executions, ${cov:-cov ?}, corpus $(ls "$corpus" | wc -l) files")
  fi
done

printf 'fuzz: %s\n' "${summary[@]}" >&2
exit "$failed"

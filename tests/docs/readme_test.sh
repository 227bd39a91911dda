#!/usr/bin/env bash
# Every shell block of README.md runs, in order, in one folder and one
# environment (what a block exports, the next one has), against an
# rtwatch-sim this test starts on a free port, which stands in for the
# README's 8090. Each block is bounded by `timeout`, must exit 0 and must not
# warn. A block right after "<!-- syntax only: REASON -->" is parsed with
# bash -n only; the reason is required.
set -euo pipefail
readme=$1 rtwatch=$2 sim=$3
work=$(mktemp -d)
sim_pid=""
cleanup() {
  set +e
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

python3 - "$readme" "$work/blocks" <<'PY'
import os, re, sys
lines = open(sys.argv[1]).read().split('\n')
out = sys.argv[2]
os.makedirs(out)
n, i, marker = 0, 0, None
while i < len(lines):
    line = lines[i]
    m = re.fullmatch(r'<!-- syntax only: (.*) -->', line)
    if m:
        marker = m.group(1).strip()
        if not marker:
            sys.exit(f'README.md:{i + 1}: "syntax only" needs its reason')
        i += 1
        continue
    if line.startswith('```'):
        info, j = line[3:].strip(), i + 1
        while not lines[j].startswith('```'):
            j += 1
        if info in ('sh', 'bash', 'shell'):
            n += 1
            with open(f'{out}/{n:03}.sh', 'w') as f:
                f.write('\n'.join(lines[i + 1:j]) + '\n')
            with open(f'{out}/{n:03}.mode', 'w') as f:
                f.write(f'syntax only: {marker}' if marker else 'run')
        elif marker:
            sys.exit(f'README.md:{i + 1}: "syntax only" is for shell blocks, not ```{info}')
        marker, i = None, j + 1
        continue
    if marker and line.strip():
        sys.exit(f'README.md:{i + 1}: "syntax only" must come right before its block')
    i += 1
PY

"$sim" --port 0 --seed 42 --speed 60 --rate 200 >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 100); do [ -s "$work/sim.out" ] && break; sleep 0.05; done
port=$(sed -nE 's/.*"url": *"http:\/\/127\.0\.0\.1:([0-9]+)".*/\1/p' "$work/sim.out")
[ -n "$port" ] || { echo "rtwatch-sim did not start:"; cat "$work/sim.err"; exit 1; }

mkdir "$work/run"
cd "$work/run"
export PATH="$(dirname "$rtwatch"):$(dirname "$sim"):$PATH"
env -u RTWATCH_API_URL -u RTWATCH_CLIENT_ID -u RTWATCH_CLIENT_SECRET bash -c 'export -p' >"$work/env.sh"
status=0 ran=0 parsed=0
for block in "$work"/blocks/*.sh; do
  mode=$(cat "${block%.sh}.mode")
  name="README.md shell block $(basename "$block" .sh)"
  if [ "$mode" != run ]; then
    bash -n "$block" || { echo "$name does not parse"; status=1; }
    parsed=$((parsed + 1))
    continue
  fi
  sed "s/8090/$port/g" "$block" >"$work/current.sh"
  if ! timeout 30 bash -c 'set -eo pipefail; source "$1"; source "$2"; export -p >"$1"' _ \
      "$work/env.sh" "$work/current.sh" >"$work/out" 2>"$work/err"; then
    echo "$name failed:"; cat "$block"; echo "--- stderr:"; cat "$work/err"; status=1
  elif grep -Ei '(^|[]:>] )(warning|error)' "$work/err" >/dev/null; then
    echo "$name warned:"; cat "$block"; echo "--- stderr:"; cat "$work/err"; status=1
  fi
  ran=$((ran + 1))
done
echo "README.md: $ran blocks ran, $parsed parsed only"
[ "$ran" -ge 6 ] || { echo "fewer than six runnable blocks: the README's recipes are not being run"; status=1; }
exit $status

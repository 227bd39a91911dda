#!/usr/bin/env bash
# The include check must fail on an undeclared include: a tiny tree where
# layer `b` includes layer `a` without declaring it, then the same tree with
# the dependency declared.
set -euo pipefail
checker=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/lib/a/include/rtwatch/a" "$dir/lib/b"
echo '#pragma once' >"$dir/lib/a/include/rtwatch/a/a.hpp"
printf '#include "rtwatch/a/a.hpp"\n#include <vector>\n' >"$dir/lib/b/b.cpp"
printf 'a: rtwatch_core\nb: rtwatch_core\n' >"$dir/deps.txt"
if python3 "$checker" "$dir/deps.txt" "$dir/lib" 2>"$dir/err"; then
  echo "selftest: an undeclared include passed the check" >&2
  exit 1
fi
grep -q "layer 'b' includes <rtwatch/a/a.hpp> but does not declare it" "$dir/err" || {
  echo "selftest: the failure did not name the include:" >&2
  cat "$dir/err" >&2
  exit 1
}
printf 'a: rtwatch_core\nb: rtwatch_core rtwatch_a\n' >"$dir/deps.txt"
python3 "$checker" "$dir/deps.txt" "$dir/lib" >/dev/null
echo "selftest: undeclared include refused, declared one accepted"

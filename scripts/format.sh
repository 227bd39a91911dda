#!/usr/bin/env bash
# Formats the C++ sources with clang-format-14 against the committed
# .clang-format. "format.sh --check" changes nothing and fails, naming each
# file, when one differs (CI runs this).
set -euo pipefail
cd "$(dirname "$0")/.."

tool=${CLANG_FORMAT:-clang-format-14}
if ! command -v "$tool" >/dev/null; then
  echo "format: $tool not found: install it with scripts/deps.sh (Debian package clang-format-14)" >&2
  exit 1
fi
mapfile -t files < <(git ls-files -- 'cmd/*.cpp' 'cmd/*.hpp' 'lib/*.cpp' 'lib/*.hpp' 'tests/*.cpp' 'tests/*.hpp' \
  'scripts/*.cpp' 'scripts/*.hpp')
if [ "${1:-}" = --check ]; then
  bad=()
  for f in "${files[@]}"; do
    "$tool" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if [ ${#bad[@]} -ne 0 ]; then
    printf 'format: differs from .clang-format: %s\n' "${bad[@]}" >&2
    echo "format: ${#bad[@]} of ${#files[@]} files; run scripts/format.sh to fix them" >&2
    exit 1
  fi
  echo "format: ${#files[@]} files match .clang-format" >&2
else
  "$tool" -i "${files[@]}"
fi

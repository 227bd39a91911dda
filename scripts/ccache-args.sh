#!/usr/bin/env bash
# Prints the CMake arguments that send compiles through ccache, or nothing:
# when ccache is missing, RTWATCH_CCACHE=0, or its cache folder is not
# writable (a compile must never fail for want of a cache). Clones in
# different folders share the cache: paths are taken relative to the clone.
set -euo pipefail
[ "${RTWATCH_CCACHE:-1}" != 0 ] || exit 0
command -v ccache >/dev/null || exit 0
dir=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccache}
mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ] || exit 0
root=$(cd "$(dirname "$0")/.." && pwd)
# Precompiled headers are cached only with these sloppinesses (ccache(1)).
echo "-DCMAKE_CXX_COMPILER_LAUNCHER=env;CCACHE_DIR=$dir;CCACHE_BASEDIR=$root;CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime;ccache"

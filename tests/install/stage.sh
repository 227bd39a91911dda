#!/usr/bin/env bash
# Installs the build into STAGE as a package would: prefix /usr, under DESTDIR.
set -euo pipefail
build=$1 stage=$2
rm -rf "$stage"
DESTDIR=$stage cmake --install "$build" --prefix /usr >/dev/null

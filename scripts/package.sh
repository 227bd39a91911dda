#!/usr/bin/env bash
# Builds the Debian package from a clean tree: a fresh Release build without
# the tests, then cpack -G DEB, then lintian (when installed) on the result.
# Prints the path of the .deb. RTWATCH_PACKAGE_DIR picks the build folder.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh package
build=${RTWATCH_PACKAGE_DIR:-build-package}
rm -rf "$build"
# Debian's hardening flags, as a Debian build of the package would have them
# (fortify, stack protector, relro and bind-now); the Release -O3 comes after
# them and wins. CMake reads CXXFLAGS and LDFLAGS at the first configure.
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
CXXFLAGS="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CXXFLAGS)" \
LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" \
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DRTWATCH_TESTS=OFF ${RTWATCH_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/package/rtwatch_*.deb)

if command -v lintian >/dev/null; then
  # Exit status 0 even with findings: they are listed for the reader, and
  # the ones that remain are explained in README.md (Installing and packaging).
  lintian --info --display-info "$deb" || true
else
  echo "package: lintian is not installed, the package was not checked" >&2
fi
echo "$deb"

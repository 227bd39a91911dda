#!/usr/bin/env bash
# cpack builds rtwatch_VERSION_ARCH.deb from this build tree; it holds every
# installed file, depends on libcurl, has no maintainer scripts (installing
# it starts nothing), and the rtwatch it unpacks runs.
set -euo pipefail
build=$1 work=$2 version=$3
source "$(dirname "$0")/installed_files.sh"
rm -rf "$work"
mkdir -p "$work"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; exit 1; }
arch=$(dpkg --print-architecture)
deb=$work/rtwatch_${version}_$arch.deb
[ -f "$deb" ] || { echo "no $deb; cpack wrote:"; ls "$work"; exit 1; }
status=0
dpkg-deb --contents "$deb" | awk '{print $6}' | sed 's#^\./##' >"$work/contents"
for f in "${installed_files[@]}"; do
  grep -qx "usr/$f" "$work/contents" || { echo "the .deb lacks /usr/$f"; status=1; }
done
depends=$(dpkg-deb --field "$deb" Depends)
echo "Depends: $depends"
grep -q 'libcurl4' <<<"$depends" || { echo "Depends does not name libcurl4"; status=1; }
dpkg-deb --control "$deb" "$work/control"
extra=$(ls "$work/control" | grep -vxE 'control|md5sums' || true)
[ -z "$extra" ] || { echo "unexpected maintainer scripts: $extra"; status=1; }
dpkg-deb -x "$deb" "$work/root"
"$work/root/usr/bin/rtwatch" --version | head -1 | grep -q "^rtwatch $version " ||
  { echo "the packaged rtwatch --version does not say $version"; status=1; }
exit $status

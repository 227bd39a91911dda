#!/usr/bin/env bash
# One version number: project() in CMake, rtwatch and rtwatch-sim --version,
# and the man pages' title lines; --version also names the libcurl in use.
set -euo pipefail
stage=$1 version=$2
out=$("$stage/usr/bin/rtwatch" --version)
echo "$out"
status=0
head -1 <<<"$out" | grep -Eq "^rtwatch $version \(git [^)]+\)$" ||
  { echo "first line is not 'rtwatch $version (git REVISION)'"; status=1; }
curl_version=$(pkg-config --modversion libcurl)
grep -Eq "^libcurl $curl_version, TLS [A-Za-z]+" <<<"$out" || { echo "no 'libcurl $curl_version, TLS ...' line"; status=1; }
for lib in RapidJSON fmt CLI11; do
  grep -Eq "^$lib [0-9]+\.[0-9]+\.[0-9]+$" <<<"$out" || { echo "no '$lib X.Y.Z' line"; status=1; }
done
"$stage/usr/bin/rtwatch-sim" --version | grep -Eq "^rtwatch-sim $version \(git [^)]+\)$" ||
  { echo "rtwatch-sim --version does not say $version"; status=1; }
for page in man1/rtwatch.1 man1/rtwatch-top.1 man1/rtwatch-relay.1 man5/rtwatch.conf.5 man1/rtwatch-sim.1; do
  # zcat gets SIGPIPE when head has its line: not a failure
  first=$({ zcat "$stage/usr/share/man/$page.gz" || true; } | head -1)
  grep -q "\"rtwatch $version\"" <<<"$first" ||
    { echo "man/${page#*/}: the .TH line does not say \"rtwatch $version\""; status=1; }
done
exit $status

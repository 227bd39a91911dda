# The files a system install of rtwatch holds, relative to the prefix /usr.
# Sourced by the install and package tests.
installed_files=(
  bin/rtwatch
  bin/rtwatch-sim
  share/man/man1/rtwatch.1.gz
  share/man/man1/rtwatch-top.1.gz
  share/man/man1/rtwatch-relay.1.gz
  share/man/man5/rtwatch.conf.5.gz
  share/man/man1/rtwatch-sim.1.gz
  share/bash-completion/completions/rtwatch
  share/zsh/vendor-completions/_rtwatch
  share/fish/vendor_completions.d/rtwatch.fish
  share/doc/rtwatch/examples/rtwatch.conf
  share/doc/rtwatch/changelog.gz
  lib/systemd/system/rtwatch@.service
  lib/systemd/system/rtwatch-relay@.service
)

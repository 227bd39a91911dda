#!/usr/bin/env bash
# The hand-written bash, zsh and fish completions offer exactly the long
# options and subcommands of rtwatch --help, so neither can drift from the
# other; the bash one loads and completes, the others parse where their shell
# is installed.
set -euo pipefail
stage=$1
rtwatch=$stage/usr/bin/rtwatch
bash_file=$stage/usr/share/bash-completion/completions/rtwatch
zsh_file=$stage/usr/share/zsh/vendor-completions/_rtwatch
fish_file=$stage/usr/share/fish/vendor_completions.d/rtwatch.fish
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

help=$("$rtwatch" --help)
# The option column: "  --name ..." or "  -x,--name ..."; rtwatch relay's own options too.
{ echo "$help"; "$rtwatch" relay --help; } | sed -nE 's/^  (-[a-zA-Z],)?(--[a-z][a-z0-9-]*).*/\2/p' | sort -u >"$work/help"
sed -n '/^Subcommands:/,/^$/p' <<<"$help" | sed -nE 's/^  ([a-z][a-z0-9-]*) .*/\1/p' | sort -u >"$work/subcommands"
[ "$(wc -l <"$work/help")" -gt 20 ] || { echo "could not read the options from rtwatch --help"; exit 1; }

code_only() { grep -v '^[[:space:]]*#' "$1"; }
code_only "$bash_file" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u >"$work/bash"
code_only "$zsh_file" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u >"$work/zsh"
code_only "$fish_file" | grep -oE -- ' -l [a-z][a-z0-9-]*' | sed 's/ -l /--/' | sort -u >"$work/fish"

status=0
for shell in bash zsh fish; do
  if ! diff -u --label "rtwatch --help" --label "$shell completion" "$work/help" "$work/$shell"; then
    echo "the $shell completion (scripts/completions) and rtwatch --help differ in the lines above"
    status=1
  fi
  file_var=${shell}_file
  while read -r sub; do
    # grep -w >/dev/null, not -q: -q stops reading early, and pipefail then sees code_only's SIGPIPE.
    code_only "${!file_var}" | grep -w -- "$sub" >/dev/null || { echo "the $shell completion lacks subcommand $sub"; status=1; }
  done <"$work/subcommands"
done

# bash: it loads, registers for rtwatch, and completes an option and a value.
got=$(bash -c '
  source "$1" && complete -p rtwatch >/dev/null || exit 1
  COMP_WORDS=(rtwatch --log-f); COMP_CWORD=1; _rtwatch; echo "${COMPREPLY[*]}"
  COMP_WORDS=(rtwatch --log-format ""); COMP_CWORD=2; _rtwatch; echo "${COMPREPLY[*]}"
  COMP_WORDS=(rtwatch re); COMP_CWORD=1; _rtwatch; echo "${COMPREPLY[*]}"' _ "$bash_file")
expected=$'--log-format\ntext json\nreplay relay'
[ "$got" = "$expected" ] || { echo "bash completion gave:"; echo "$got"; echo "expected:"; echo "$expected"; status=1; }

if command -v zsh >/dev/null; then zsh -n "$zsh_file" || status=1; else echo "zsh not installed: syntax not checked"; fi
if command -v fish >/dev/null; then fish -n "$fish_file" || status=1; else echo "fish not installed: syntax not checked"; fi
exit $status

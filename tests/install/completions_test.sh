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
# The option column: "  --name ..." or "  -x,--name ..."; top's and relay's own options too.
options_of() { "$rtwatch" "$@" --help | sed -nE 's/^  (-[a-zA-Z],)?(--[a-z][a-z0-9-]*).*/\2/p'; }
{ options_of; options_of top; options_of relay; } | sort -u >"$work/help"
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

# bash, per command: after "rtwatch", "rtwatch top" and "rtwatch relay" it
# offers what that command's --help and rtwatch --help list, less the NDJSON
# options the subcommands refuse.
complete_options() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _rtwatch; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$bash_file" "$@" | sort -u
}
for command in "" top relay; do
  if [ -z "$command" ]; then
    options_of | sort -u >"$work/expected"
    complete_options rtwatch -- >"$work/offered"
  else
    { options_of; options_of "$command"; } | grep -vxE -- '--raw|--once|--output|--metrics-listen' | sort -u >"$work/expected"
    complete_options rtwatch "$command" -- >"$work/offered"
  fi
  if ! diff -u --label "rtwatch $command --help" --label "bash completion after 'rtwatch $command'" \
      "$work/expected" "$work/offered"; then
    echo "the bash completion offers other options after 'rtwatch $command' than its --help lists (above)"
    status=1
  fi
done
[ "$(complete_options rtwatch top --c)" = "--cacert
--client-id
--client-secret-file
--color
--config
--count" ] || { echo "bash completion after 'rtwatch top --c' is wrong"; status=1; }

if command -v zsh >/dev/null; then zsh -n "$zsh_file" || status=1; else echo "zsh not installed: syntax not checked"; fi
if command -v fish >/dev/null; then fish -n "$fish_file" || status=1; else echo "fish not installed: syntax not checked"; fi
exit $status

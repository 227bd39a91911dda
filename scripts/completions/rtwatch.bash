# bash completion for rtwatch(1). Written by hand; tests/install checks that
# its options are exactly the long options of rtwatch --help and rtwatch relay --help.
_rtwatch() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
        --config | --client-secret-file | --cacert | -o | --output | --record | --viewer-token-file)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --log-format)
            COMPREPLY=($(compgen -W 'text json' -- "$cur"))
            return ;;
        --log-level)
            COMPREPLY=($(compgen -W 'error warning info debug trace' -- "$cur"))
            return ;;
        --platform)
            COMPREPLY=($(compgen -W 'sse genesys' -- "$cur"))
            return ;;
        --region)
            COMPREPLY=($(compgen -W 'mypurecloud.com mypurecloud.ie mypurecloud.de mypurecloud.com.au mypurecloud.jp
                usw2.pure.cloud cac1.pure.cloud euw2.pure.cloud aps1.pure.cloud apne2.pure.cloud sae1.pure.cloud' -- "$cur"))
            return ;;
        --api-url | --auth-url | --stream-url | --media | --client-id | --scope | --token-grace | --queue | --skill | --agent | \
        --fields | --where | --throttle | --count | --duration | --idle-timeout | --request-timeout | --max-backoff | \
        --max-event-size | --level | --exec | --exec-jobs | --exec-timeout | --metrics-listen | --listen | --history | \
        --viewer-timeout | --max-viewers | --allow-origin | --stale-after | --header-timeout | --broker | --tenant | \
        --lease-ttl | --broker-history)
            return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '--help --version --config
            --platform --region --api-url --auth-url --stream-url --client-id --client-secret-file --scope --token-grace --cacert --insecure
            --broker --tenant --broker-creds --lease-ttl --broker-history
            --queue --skill --agent --media --fields --where --raw
            --throttle --once --count --duration --idle-timeout --request-timeout --max-backoff --max-event-size
            --level --levels-only --exec --exec-jobs --exec-timeout
            --output --record --metrics-listen --status --log-format --log-level --verbose --quiet
            --listen --history --viewer-timeout --max-viewers --viewer-token-file --no-viewer-auth --allow-origin
            --stale-after --header-timeout' -- "$cur"))
        return
    fi
    local word
    for word in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
        # after "replay": the recorded stream, a file or -
        [[ $word == replay ]] && { COMPREPLY=($(compgen -f -- "$cur")); return; }
    done
    COMPREPLY=($(compgen -W 'replay top relay' -- "$cur"))
}
complete -o default -F _rtwatch rtwatch

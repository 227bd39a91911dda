# bash completion for rtwatch(1). Written by hand; tests/install checks that
# after "rtwatch", "rtwatch top" and "rtwatch relay" it offers exactly the
# options of that command's --help (and of rtwatch --help that apply to it).
_rtwatch_shared='--help --version --config
    --platform --region --request-budget --api-url --auth-url --stream-url --client-id --client-secret-file --scope --token-grace --cacert --insecure
    --broker --tenant --broker-creds --lease-ttl --broker-history
    --queue --skill --agent --media --fields --where
    --throttle --count --duration --idle-timeout --request-timeout --max-backoff --max-event-size
    --level --levels-only --exec --exec-jobs --exec-timeout
    --record --status --log-format --log-level --verbose --quiet'
# NDJSON only: refused by top and relay
_rtwatch_plain='--raw --once --output --metrics-listen'
_rtwatch_top='--refresh --color --names'
_rtwatch_relay='--listen --history --history-bytes --unit --names --tls-cert --tls-key --trend-step --viewer-timeout --max-viewers --viewer-token-file --no-viewer-auth --allow-origin
    --stale-after --header-timeout'

_rtwatch() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
        --config | --client-secret-file | --cacert | -o | --output | --record | --viewer-token-file | --broker-creds | --names | --tls-cert | --tls-key)
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
        --color)
            COMPREPLY=($(compgen -W 'never always auto' -- "$cur"))
            return ;;
        --media)
            COMPREPLY=($(compgen -W 'voice chat email callback message' -- "$cur"))
            return ;;
        --region)
            COMPREPLY=($(compgen -W 'mypurecloud.com mypurecloud.ie mypurecloud.de mypurecloud.com.au mypurecloud.jp
                usw2.pure.cloud cac1.pure.cloud euw2.pure.cloud aps1.pure.cloud apne2.pure.cloud sae1.pure.cloud' -- "$cur"))
            return ;;
        --api-url | --auth-url | --stream-url | --client-id | --scope | --token-grace | --queue | --skill | --agent | \
        --fields | --where | --throttle | --count | --duration | --idle-timeout | --request-timeout | --max-backoff | \
        --max-event-size | --level | --exec | --exec-jobs | --exec-timeout | --metrics-listen | --listen | --history | \
        --viewer-timeout | --max-viewers | --allow-origin | --stale-after | --header-timeout | --broker | --tenant | \
        --lease-ttl | --broker-history | --refresh | --request-budget | --history-bytes | --unit | --trend-step)
            return ;;
    esac
    # The subcommand, and whether "replay" follows it.
    local word command="" replay=""
    for word in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
        case $word in
            top | relay) [ -z "$command" ] && command=$word ;;
            replay) replay=1 ;;
        esac
    done
    if [[ $cur == -* ]]; then
        local own=$_rtwatch_plain
        [ "$command" = top ] && own=$_rtwatch_top
        [ "$command" = relay ] && own=$_rtwatch_relay
        COMPREPLY=($(compgen -W "$_rtwatch_shared $own" -- "$cur"))
        return
    fi
    # after "replay": the recorded stream, a file or -
    [ -n "$replay" ] && { COMPREPLY=($(compgen -f -- "$cur")); return; }
    if [ -z "$command" ]; then
        COMPREPLY=($(compgen -W 'replay top relay' -- "$cur"))
    else
        COMPREPLY=($(compgen -W 'replay' -- "$cur"))
    fi
}
complete -o default -F _rtwatch rtwatch

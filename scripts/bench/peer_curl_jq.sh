#!/usr/bin/env bash
# Benchmark peer (b): the shell pipeline, curl -sN | grep '^data:' | cut -c7-
# | jq -c, with a jq `foreach` diff keyed by resource. Writes the same
# records as rtwatch, except event_id (the data lines alone do not carry it).
# usage: peer_curl_jq.sh API_URL OUT_FILE   (RTWATCH_CLIENT_SECRET, RTWATCH_CLIENT_ID)
# STAGE, when set, prefixes every pipeline process (the benchmark wraps each
# in GNU time to add up their memory). Connection: close makes the server end
# the connection right after the last event instead of holding it for keep-alive.
set -euo pipefail
api_url=$1 out=$2
id=${RTWATCH_CLIENT_ID:-rtwatch} secret=${RTWATCH_CLIENT_SECRET:-rtwatch-secret}
# The secret goes through a curl config on stdin, not argv (visible in ps).
token=$(printf 'user = "%s:%s"\n' "$id" "$secret" |
  curl -sf -K - -d 'grant_type=client_credentials&scope=genesyscloud.realtime.data.view' "$api_url/oauth/token" |
  jq -r .access_token)
read -r -a stage <<<"${STAGE:-}"

diff='foreach inputs as $e ({seen: {}};
  ($e | if has("queueId") then "queue" elif has("agentId") then "agent" else "skill" end) as $kind
  | ($e.queueId // $e.agentId // $e.skillId) as $id
  | ($kind + "/" + $id) as $key
  | .seen[$key] as $prev
  | ([$e.metrics | to_entries[] | .key as $k | select($prev == null or ($prev | has($k) | not) or $prev[$k] != .value) | $k]
     + [$prev // {} | keys_unsorted[] | select(. as $k | $e.metrics | has($k) | not)]) as $changed
  | if ($changed | length) == 0 then .out = null
    else .seen[$key] = $e.metrics
      | .out = {type: "metrics", kind: $kind, id: $id, ts: (now | todate), source_ts: $e.timestamp,
                event_id: null, metrics: $e.metrics, changed: $changed}
    end;
  .out // empty)'

printf 'header = "Authorization: Bearer %s"\n' "$token" |
  "${stage[@]}" curl -sN -K - -H 'Accept: text/event-stream' -H 'Connection: close' "$api_url/api/v2/realtime/data" |
  "${stage[@]}" grep '^data:' | "${stage[@]}" cut -c7- | "${stage[@]}" jq -cn "$diff" >>"$out"

# fish completion for rtwatch(1). Written by hand; tests/install checks that
# its options are exactly the long options of rtwatch --help.
complete -c rtwatch -f
complete -c rtwatch -n __fish_use_subcommand -a replay -d 'Run the pipeline over a recorded raw SSE stream'
complete -c rtwatch -n '__fish_seen_subcommand_from replay' -F
complete -c rtwatch -n __fish_use_subcommand -a top -d 'A live full-screen view of the selected resources'

complete -c rtwatch -s h -l help -d 'Print the options and exit'
complete -c rtwatch -l version -d 'Print the version and the libraries and exit'
complete -c rtwatch -l config -r -F -d 'Read options from a key = value file'

complete -c rtwatch -l api-url -x -d 'Base URL of the real-time data service'
complete -c rtwatch -l auth-url -x -d 'Base URL of the token endpoint'
complete -c rtwatch -l client-id -x -d 'OAuth client id'
complete -c rtwatch -l client-secret-file -r -F -d 'File holding the OAuth client secret'
complete -c rtwatch -l scope -x -d 'OAuth scope to request'
complete -c rtwatch -l token-grace -x -d 'Refresh the token this long before it expires'
complete -c rtwatch -l cacert -r -F -d 'CA certificate bundle (PEM)'
complete -c rtwatch -l insecure -d 'Do not verify TLS certificates (dangerous)'

complete -c rtwatch -l queue -x -d 'Queue id to watch'
complete -c rtwatch -l skill -x -d 'Skill id to watch'
complete -c rtwatch -l agent -x -d 'Agent id to watch'
complete -c rtwatch -l fields -x -d 'Metrics to track and print, comma list'
complete -c rtwatch -l where -x -d 'Only records matching EXPR'
complete -c rtwatch -l raw -d 'Print every SSE event as {type,data,id}'

complete -c rtwatch -l throttle -x -d 'At most one record per resource per DURATION'
complete -c rtwatch -l once -d 'Print the current snapshot, then exit'
complete -c rtwatch -l count -x -d 'Exit after N records'
complete -c rtwatch -l duration -x -d 'Exit after DURATION'
complete -c rtwatch -l idle-timeout -x -d 'Reconnect when no bytes arrive for DURATION'
complete -c rtwatch -l max-backoff -x -d 'Longest wait between reconnects'
complete -c rtwatch -l request-timeout -x -d 'Deadline of a token request or a stream response'
complete -c rtwatch -l max-event-size -x -d 'Largest SSE event accepted, in bytes'
complete -c rtwatch -l level -x -d 'Green/yellow/red levels for a metric'
complete -c rtwatch -l levels-only -d 'Write only level and status records'
complete -c rtwatch -l exec -x -a '(__fish_complete_command)' -d 'Run CMD for each level and status record'
complete -c rtwatch -l exec-jobs -x -d 'Hooks running at once'
complete -c rtwatch -l exec-timeout -x -d 'End a hook after DURATION'

complete -c rtwatch -s o -l output -r -F -d 'Append NDJSON to FILE instead of stdout'
complete -c rtwatch -l record -r -F -d 'Also append the raw stream bytes to FILE'
complete -c rtwatch -l status -d 'Write status records into the output'
complete -c rtwatch -l log-format -x -a 'text json' -d 'Log format on stderr'
complete -c rtwatch -l log-level -x -a 'error warning info debug trace' -d 'Log level'
complete -c rtwatch -s v -l verbose -d 'More log detail (repeat for more)'
complete -c rtwatch -s q -l quiet -d 'Only errors on stderr'

# nsx fish completion, generated from the command tree by src/commands/completion/generate.ts: do not edit.
# Install: see `nsx completion --help`. Integration ids complete from the cache of the profile being
# completed, written by `nsx integrations list` (${NSX_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/nsx}/integration-ids.d/PROFILE);
# older than a day = ignored. Profile names complete from profile-names there, written with the config.
# Needs fish >= 3.5 (path mtime).

# The subcommand a word names at a path (aliases resolve to the name), or nothing.
function __nsx_canonical
    switch "$argv[1]|$argv[2]"
        case '|status'
            echo 'status'
        case '|integrations' '|integration'
            echo 'integrations'
        case '|logs'
            echo 'logs'
        case '|events'
            echo 'events'
        case '|rejected'
            echo 'rejected'
        case '|recover'
            echo 'recover'
        case '|runs'
            echo 'runs'
        case '|stock'
            echo 'stock'
        case '|receiver'
            echo 'receiver'
        case '|sandbox'
            echo 'sandbox'
        case '|config'
            echo 'config'
        case '|auth'
            echo 'auth'
        case '|whoami'
            echo 'whoami'
        case '|doctor'
            echo 'doctor'
        case '|api'
            echo 'api'
        case '|completion'
            echo 'completion'
        case '|help'
            echo 'help'
        case 'integrations|list' 'integrations|ls'
            echo 'list'
        case 'integrations|get'
            echo 'get'
        case 'integrations|register'
            echo 'register'
        case 'integrations|update'
            echo 'update'
        case 'integrations|start' 'integrations|resume'
            echo 'start'
        case 'integrations|stop'
            echo 'stop'
        case 'integrations|delete' 'integrations|rm'
            echo 'delete'
        case 'integrations|replay'
            echo 'replay'
        case 'integrations|help'
            echo 'help'
        case 'logs|list' 'logs|ls'
            echo 'list'
        case 'logs|tail'
            echo 'tail'
        case 'logs|help'
            echo 'help'
        case 'events|list' 'events|ls'
            echo 'list'
        case 'events|tail'
            echo 'tail'
        case 'events|stats'
            echo 'stats'
        case 'events|help'
            echo 'help'
        case 'rejected|list' 'rejected|ls'
            echo 'list'
        case 'rejected|show'
            echo 'show'
        case 'rejected|retry'
            echo 'retry'
        case 'rejected|delete'
            echo 'delete'
        case 'rejected|export'
            echo 'export'
        case 'rejected|triage'
            echo 'triage'
        case 'rejected|help'
            echo 'help'
        case 'runs|list' 'runs|ls'
            echo 'list'
        case 'runs|show' 'runs|view'
            echo 'show'
        case 'runs|resume'
            echo 'resume'
        case 'runs|prune'
            echo 'prune'
        case 'runs|help'
            echo 'help'
        case 'stock|import'
            echo 'import'
        case 'stock|status'
            echo 'status'
        case 'stock|list' 'stock|ls'
            echo 'list'
        case 'stock|fail'
            echo 'fail'
        case 'stock|range'
            echo 'range'
        case 'stock|help'
            echo 'help'
        case 'receiver|check'
            echo 'check'
        case 'receiver|help'
            echo 'help'
        case 'sandbox|start'
            echo 'start'
        case 'sandbox|emit'
            echo 'emit'
        case 'sandbox|receiver'
            echo 'receiver'
        case 'sandbox|receiver-rule'
            echo 'receiver-rule'
        case 'sandbox|reset'
            echo 'reset'
        case 'sandbox|help'
            echo 'help'
        case 'config|set'
            echo 'set'
        case 'config|get'
            echo 'get'
        case 'config|unset'
            echo 'unset'
        case 'config|list' 'config|ls'
            echo 'list'
        case 'config|use'
            echo 'use'
        case 'config|help'
            echo 'help'
        case 'auth|login'
            echo 'login'
        case 'auth|logout'
            echo 'logout'
        case 'auth|status'
            echo 'status'
        case 'auth|help'
            echo 'help'
    end
end

# Whether an option takes a value at a path (so the next word is not a subcommand or argument).
function __nsx_takes_value
    switch "$argv[1]|$argv[2]"
        case 'status|--max-failure-rate' 'status|--watch' 'integrations list|--fields' 'integrations list|--limit' 'integrations list|--status' 'integrations register|--callback-url' 'integrations register|--api-key-file' 'integrations register|--api-key-env' 'integrations register|--s3-bucket' 'integrations register|--s3-prefix' 'integrations register|--s3-region' 'integrations register|--aws-credentials-file' 'integrations register|--events' 'integrations register|--entities' 'integrations register|--starts-at' 'integrations register|--ends-at' 'integrations update|--callback-url' 'integrations update|--api-key-file' 'integrations update|--api-key-env' 'integrations update|--events' 'integrations update|--entities' 'integrations delete|--export' 'integrations replay|--callback-url' 'integrations replay|--api-key-file' 'integrations replay|--api-key-env' 'integrations replay|--s3-bucket' 'integrations replay|--s3-prefix' 'integrations replay|--s3-region' 'integrations replay|--aws-credentials-file' 'integrations replay|--events' 'integrations replay|--entities' 'integrations replay|--since' 'integrations replay|--until' 'integrations replay|--id' 'integrations replay|--wait-timeout' 'integrations replay|--interval' 'logs list|--fields' 'logs list|--since' 'logs list|--until' 'logs list|--level' 'logs list|--event' 'logs list|--status-code' 'logs list|--grep' 'logs list|--limit' 'logs tail|--since' 'logs tail|--until' 'logs tail|--level' 'logs tail|--event' 'logs tail|--status-code' 'logs tail|--grep' 'logs tail|--interval' 'logs tail|-n' 'logs tail|--lines' 'events list|--fields' 'events list|--integration' 'events list|--event' 'events list|--status' 'events list|--entity-id' 'events list|--entity-type' 'events list|--status-code' 'events list|--since' 'events list|--until' 'events list|--limit' 'events tail|--integration' 'events tail|--event' 'events tail|--status' 'events tail|--entity-id' 'events tail|--entity-type' 'events tail|--status-code' 'events tail|--since' 'events tail|--interval' 'events stats|--integration' 'events stats|--event' 'events stats|--status' 'events stats|--entity-id' 'events stats|--entity-type' 'events stats|--status-code' 'events stats|--since' 'events stats|--until' 'events stats|--by' 'rejected list|--fields' 'rejected list|--limit' 'rejected list|--event' 'rejected list|--since' 'rejected list|--until' 'rejected list|--entity-id' 'rejected list|--status-code' 'rejected list|--match' 'rejected retry|--event' 'rejected retry|--since' 'rejected retry|--until' 'rejected retry|--entity-id' 'rejected retry|--status-code' 'rejected retry|--match' 'rejected delete|--event' 'rejected delete|--since' 'rejected delete|--until' 'rejected delete|--entity-id' 'rejected delete|--status-code' 'rejected delete|--match' 'rejected export|--event' 'rejected export|--since' 'rejected export|--until' 'rejected export|--entity-id' 'rejected export|--status-code' 'rejected export|--match' 'rejected export|--file' 'recover|--drop' 'recover|--skip' 'recover|--only' 'recover|--plan-out' 'recover|--plan-in' 'recover|--resume' 'recover|--on-error' 'recover|--concurrency' 'recover|--max-concurrency' 'recover|--rate' 'recover|--allow-remaining' 'recover|--watch' 'recover|--max-failure-rate' 'recover|--progress' 'recover|--report' 'runs list|--fields' 'runs list|--limit' 'runs list|--integration' 'runs list|--status' 'runs resume|--watch' 'runs resume|--allow-remaining' 'runs resume|--progress' 'runs resume|--report' 'runs prune|--older-than' 'stock import|--format' 'stock import|--range' 'stock import|--range-from' 'stock import|--range-to' 'stock import|--store-mapping' 'stock import|--upload-url' 'stock import|--upload-url-env' 'stock import|--source-uri' 'stock import|--provider' 'stock import|--name' 'stock import|--revision' 'stock import|--wait-timeout' 'stock import|--save-zip' 'stock status|--wait-timeout' 'stock list|--fields' 'stock list|--limit' 'stock list|--state' 'stock fail|--reason' 'receiver check|--api-key-file' 'receiver check|--api-key-env' 'receiver check|--events' 'receiver check|--count' 'receiver check|--concurrency' 'receiver check|--verify-url' 'sandbox start|--host' 'sandbox start|--port' 'sandbox start|--state' 'sandbox start|--scenario' 'sandbox start|--time-scale' 'sandbox start|--latency' 'sandbox start|--error-rate' 'sandbox start|--throttle-rate' 'sandbox start|--reset-rate' 'sandbox start|--rate-limit' 'sandbox start|--rejected-limit' 'sandbox start|--token-ttl' 'sandbox start|--receiver-port' 'sandbox start|--receiver-rule' 'sandbox emit|--count' 'sandbox emit|--rate' 'sandbox emit|--events' 'sandbox emit|--url' 'sandbox receiver|--host' 'sandbox receiver|--port' 'sandbox receiver|--rule' 'sandbox receiver|--latency' 'sandbox receiver|--api-key-file' 'sandbox receiver|--api-key-env' 'sandbox receiver-rule|--latency' 'sandbox receiver-rule|--url' 'sandbox reset|--scenario' 'sandbox reset|--url' 'auth login|--client-id' 'doctor|--integration' 'api|-F' 'api|--field' 'api|--input' '*|--profile' '*|--tenant' '*|--stage' '*|--base-url' '*|--token-url' '*|--timeout' '*|-o' '*|--output' '*|--query'
            return 0
    end
    return 1
end

# Reads the command line once per Tab: sets __nsx_path (e.g. "rejected retry"), __nsx_nargs, __nsx_profile
# (the line's --profile) and __nsx_sandbox (1 when the line has --sandbox).
function __nsx_walk
    set -l tokens (commandline -opc)
    set -l key (string join \n -- $tokens)
    if set -q __nsx_walked; and test "$__nsx_walked" = "$key"
        return
    end
    set -g __nsx_walked $key
    set -g __nsx_path ''
    set -g __nsx_nargs 0
    set -g __nsx_profile ''
    set -g __nsx_sandbox 0
    set -l expect 0
    set -l prev ''
    for word in $tokens[2..-1]
        if test $expect = 1
            set expect 0
            test "$prev" = --profile; and set -g __nsx_profile $word
        else if string match -q -- '-*' $word
            if test "$word" = --sandbox
                set -g __nsx_sandbox 1
            else if string match -q -- '--profile=*' $word
                set -g __nsx_profile (string replace -- '--profile=' '' $word)
            else if not string match -q -- '*=*' $word; and __nsx_takes_value "$__nsx_path" $word
                set expect 1
            end
        else
            set -l sub (__nsx_canonical "$__nsx_path" $word)
            if test -n "$sub"
                set -g __nsx_path (string trim -- "$__nsx_path $sub")
                set -g __nsx_nargs 0
            else
                set -g __nsx_nargs (math $__nsx_nargs + 1)
            end
        end
        set prev $word
    end
end

function __nsx_at
    __nsx_walk
    test "$__nsx_path" = "$argv[1]"
end

# __nsx_argument PATH INDEX [+]: the cursor is at positional argument INDEX (or later, with +).
function __nsx_argument
    __nsx_walk
    test "$__nsx_path" = "$argv[1]"; or return 1
    if test (count $argv) -ge 3
        test $__nsx_nargs -ge $argv[2]
    else
        test $__nsx_nargs -eq $argv[2]
    end
end

function __nsx_cache_dir
    if test -n "$NSX_CACHE_DIR"
        echo $NSX_CACHE_DIR
    else if string match -q -- '/*' "$XDG_CACHE_HOME"
        echo $XDG_CACHE_HOME/nsx
    else
        echo $HOME/.cache/nsx
    end
end

# The ids of the profile being completed: the line's --sandbox or --profile, else NSX_PROFILE, else the
# current profile nsx wrote down, else "default" (a name that is not a safe word has no file read here).
function __nsx_ids
    __nsx_walk
    set -l dir (__nsx_cache_dir)
    set -l key $__nsx_profile
    test -z "$key"; and set key $NSX_PROFILE
    if test -z "$key"; and test -r $dir/current-profile
        read -l current < $dir/current-profile
        set key $current
    end
    test -z "$key"; and set key default
    if test "$__nsx_sandbox" = 1
        set key '@sandbox'
    else
        string match -rq -- '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' $key; or return
    end
    set -l file $dir/integration-ids.d/$key
    test -r $file; or return
    # Older than a day: stale ids would mislead.
    set -l age (path mtime --relative $file)
    test -n "$age"; and test $age -lt 86400; or return
    # Only words of nsx's id syntax: the cache holds what a server answered.
    while read -l id
        string match -rq -- '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' $id; and printf '%s\n' $id
    end < $file
end

function __nsx_profiles
    set -l file (__nsx_cache_dir)/profile-names
    test -r $file; or return
    while read -l name
        string match -rq -- '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' $name; and printf '%s\n' $name
    end < $file
end

complete -c nsx -f

# global options
complete -c nsx -s V -l version -d 'print the version'
complete -c nsx -l profile -x -a '(__nsx_profiles)' -d 'profile to use (default: the current one)'
complete -c nsx -l tenant -x -d 'NewStore tenant, e.g. acme-staging'
complete -c nsx -l stage -x -d 'NewStore stage: p (production), x, s, t'
complete -c nsx -l base-url -x -d 'API base URL (overrides tenant/stage; http:// only for loopback)'
complete -c nsx -l token-url -x -d 'OAuth2 token URL (overrides the one derived from tenant/stage)'
complete -c nsx -l timeout -x -d 'deadline for each request, answer included, e.g. 30s'
complete -c nsx -s o -l output -x -a 'table json ndjson tsv' -d 'output format (default: table on a terminal, tsv when piped)'
complete -c nsx -l json -d 'same as --output json'
complete -c nsx -l query -x -d 'JMESPath applied to the JSON output, as the AWS CLI\'s (implies --json unless --output is given)'
complete -c nsx -s q -l quiet -d 'print only data and errors'
complete -c nsx -s v -l verbose -d 'log every HTTP request and response to stderr (secrets redacted), stack traces'
complete -c nsx -l no-input -d 'never prompt; fail with exit 3 where a confirmation is needed'
complete -c nsx -l no-color -d 'no colours (also NO_COLOR, TERM=dumb)'
complete -c nsx -l sandbox -d 'run against an in-process sandbox seeded with the demo scenario (no tenant needed)'
complete -c nsx -s h -l help -d 'show help for a command'

# nsx
complete -c nsx -n '__nsx_at \'\'' -a 'status' -d 'one line per integration: status, rejected events, last error, publishing of the last hour (for monitors)'
complete -c nsx -n '__nsx_at \'\'' -a 'integrations' -d 'list, inspect, register, update, start, stop, delete and replay event-stream integrations'
complete -c nsx -n '__nsx_at \'\'' -a 'logs' -d 'read an integration\'s log: delivery errors, stops, restarts'
complete -c nsx -n '__nsx_at \'\'' -a 'events' -d 'see what NewStore published: every delivery attempt, followed live, summed up'
complete -c nsx -n '__nsx_at \'\'' -a 'rejected' -d 'events the receiver answered 400: list, inspect, retry, delete, export'
complete -c nsx -n '__nsx_at \'\'' -a 'recover' -d 'bring a stopped integration back: retry (or drop) its rejected events in order, then start it and watch it'
complete -c nsx -n '__nsx_at \'\'' -a 'runs' -d 'the history of recover, triage and rejected retry/delete runs on this machine (their journals)'
complete -c nsx -n '__nsx_at \'\'' -a 'stock' -d 'push on-hand stock to NewStore as import jobs, with the logical-timestamp range that removes shipped allocations'
complete -c nsx -n '__nsx_at \'\'' -a 'receiver' -d 'check your webhook receiver against NewStore\'s delivery rules before it stops an integration'
complete -c nsx -n '__nsx_at \'\'' -a 'sandbox' -d 'a local NewStore to rehearse on: event stream and import APIs, webhook delivery, a demo receiver'
complete -c nsx -n '__nsx_at \'\'' -a 'config' -d 'read and change profiles (stored in ~/.config/nsx, owner-only)'
complete -c nsx -n '__nsx_at \'\'' -a 'auth' -d 'store and check API client credentials'
complete -c nsx -n '__nsx_at \'\'' -a 'whoami' -d 'show the profile, tenant, API base and token URL in effect, and whether a token can be obtained'
complete -c nsx -n '__nsx_at \'\'' -a 'doctor' -d 'check the setup: config permissions, credentials, token, API, clock, proxy; --api: probe every read route'
complete -c nsx -n '__nsx_at \'\'' -a 'api' -d 'call any NewStore route with the profile\'s credentials and print the JSON answer (like gh api)'
complete -c nsx -n '__nsx_at \'\'' -a 'completion' -d 'print the shell completion script for bash, zsh or fish'
complete -c nsx -n '__nsx_at \'\'' -a 'help' -d 'display help for command'

# nsx status
complete -c nsx -n '__nsx_at \'status\'' -l max-failure-rate -x -d 'a failure rate of the last hour above this needs attention: 0.05 or 5% (default: 5%)'
complete -c nsx -n '__nsx_at \'status\'' -l all-profiles -d 'every profile of the config, one section per tenant'
complete -c nsx -n '__nsx_at \'status\'' -l watch -x -d 'on a terminal: redraw every interval (e.g. 30s) until Ctrl-C'

# nsx integrations
complete -c nsx -n '__nsx_at \'integrations\'' -a 'list' -d 'list integrations: id, status, type, destination, starts_at, ends_at'
complete -c nsx -n '__nsx_at \'integrations\'' -a 'get' -d 'show one integration (api_key and aws_secret_access_key masked)'
complete -c nsx -n '__nsx_at \'integrations\'' -a 'register' -d 'register a webhook or S3 integration (it starts at once)'
complete -c nsx -n '__nsx_at \'integrations\'' -a 'update' -d 'change a webhook\'s callback URL or api key (rotate it), or the event filter'
complete -c nsx -n '__nsx_at \'integrations\'' -a 'start' -d 'start (resume) an integration: delivery resumes where it stopped'
complete -c nsx -n '__nsx_at \'integrations\'' -a 'stop' -d 'stop an integration: no data flows to the ERP until it is started again'
complete -c nsx -n '__nsx_at \'integrations\'' -a 'delete' -d 'delete an integration with its log entries and rejected events (cannot be undone)'
complete -c nsx -n '__nsx_at \'integrations\'' -a 'replay' -d 'replay-by-date: a temporary integration that re-delivers the events of a time window, then stops'
complete -c nsx -n '__nsx_at \'integrations\'' -a 'help' -d 'display help for command'

# nsx integrations list
complete -c nsx -n '__nsx_at \'integrations list\'' -l fields -x -d 'columns of the table or tsv, comma-separated, in this order (e.g. id,status)'
complete -c nsx -n '__nsx_at \'integrations list\'' -l header -d 'tsv: start with a line of column names'
complete -c nsx -n '__nsx_at \'integrations list\'' -l limit -x -d 'print at most N integrations'
complete -c nsx -n '__nsx_at \'integrations list\'' -l status -x -a 'running stopped' -d 'only running or only stopped integrations'

# nsx integrations get
complete -c nsx -n '__nsx_at \'integrations get\'' -l show-secrets -d 'print api_key and aws_secret_access_key as stored (also in --json)'
complete -c nsx -n '__nsx_argument \'integrations get\' 0' -a '(__nsx_ids)'

# nsx integrations register
complete -c nsx -n '__nsx_at \'integrations register\'' -l callback-url -x -d 'webhook: the receiver NewStore POSTs events to (https://; http:// only for loopback)'
complete -c nsx -n '__nsx_at \'integrations register\'' -l api-key-file -r -F -d 'webhook: read the api key (sent as "Authorization: Bearer") from this file'
complete -c nsx -n '__nsx_at \'integrations register\'' -l api-key-stdin -d 'webhook: read the api key from stdin'
complete -c nsx -n '__nsx_at \'integrations register\'' -l api-key-env -x -d 'webhook: read the api key from the environment variable NAME'
complete -c nsx -n '__nsx_at \'integrations register\'' -l s3-bucket -x -d 'S3 export: the bucket events are written to'
complete -c nsx -n '__nsx_at \'integrations register\'' -l s3-prefix -x -d 'S3 export: key prefix inside the bucket, e.g. newstore/events'
complete -c nsx -n '__nsx_at \'integrations register\'' -l s3-region -x -d 'S3 export: the bucket\'s region, e.g. eu-central-1 (default: $AWS_REGION)'
complete -c nsx -n '__nsx_at \'integrations register\'' -l aws-credentials-file -r -F -d 'S3 export: AWS keys from a credentials file ([default] or its only section)'
complete -c nsx -n '__nsx_at \'integrations register\'' -l aws-credentials-env -d 'S3 export: AWS keys from $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY'
complete -c nsx -n '__nsx_at \'integrations register\'' -l events -x -d 'only these events, e.g. order.created,order.cancelled (repeatable)'
complete -c nsx -n '__nsx_at \'integrations register\'' -l entities -x -d 'only events of these entities, e.g. order,fulfillment_request (repeatable)'
complete -c nsx -n '__nsx_at \'integrations register\'' -l starts-at -x -d 'deliver events from this time: ISO date/time or an age (7d = seven days ago)'
complete -c nsx -n '__nsx_at \'integrations register\'' -l ends-at -x -d 'with --starts-at: a temporary integration that stops at this time: ISO or a span from now (2h)'

# nsx integrations update
complete -c nsx -n '__nsx_at \'integrations update\'' -l callback-url -x -d 'webhook: the receiver NewStore POSTs events to (https://; http:// only for loopback)'
complete -c nsx -n '__nsx_at \'integrations update\'' -l api-key-file -r -F -d 'webhook: read the api key (sent as "Authorization: Bearer") from this file'
complete -c nsx -n '__nsx_at \'integrations update\'' -l api-key-stdin -d 'webhook: read the api key from stdin'
complete -c nsx -n '__nsx_at \'integrations update\'' -l api-key-env -x -d 'webhook: read the api key from the environment variable NAME'
complete -c nsx -n '__nsx_at \'integrations update\'' -l events -x -d 'only these events, e.g. order.created,order.cancelled (repeatable)'
complete -c nsx -n '__nsx_at \'integrations update\'' -l entities -x -d 'only events of these entities, e.g. order,fulfillment_request (repeatable)'
complete -c nsx -n '__nsx_at \'integrations update\'' -s y -l yes -d 'do not ask (required when there is no terminal, e.g. with --api-key-stdin)'
complete -c nsx -n '__nsx_argument \'integrations update\' 0' -a '(__nsx_ids)'

# nsx integrations start
complete -c nsx -n '__nsx_argument \'integrations start\' 0' -a '(__nsx_ids)'

# nsx integrations stop
complete -c nsx -n '__nsx_at \'integrations stop\'' -s y -l yes -d 'do not ask (required when there is no terminal)'
complete -c nsx -n '__nsx_argument \'integrations stop\' 0' -a '(__nsx_ids)'

# nsx integrations delete
complete -c nsx -n '__nsx_at \'integrations delete\'' -s y -l yes -d 'do not ask to type the id (required when there is no terminal)'
complete -c nsx -n '__nsx_at \'integrations delete\'' -l export -x -a '(__fish_complete_directories)' -d 'first write integration.json, logs.ndjson and rejected-events.ndjson to DIR; no delete if that fails'
complete -c nsx -n '__nsx_argument \'integrations delete\' 0' -a '(__nsx_ids)'

# nsx integrations replay
complete -c nsx -n '__nsx_at \'integrations replay\'' -l callback-url -x -d 'webhook: the receiver NewStore POSTs events to (https://; http:// only for loopback)'
complete -c nsx -n '__nsx_at \'integrations replay\'' -l api-key-file -r -F -d 'webhook: read the api key (sent as "Authorization: Bearer") from this file'
complete -c nsx -n '__nsx_at \'integrations replay\'' -l api-key-stdin -d 'webhook: read the api key from stdin'
complete -c nsx -n '__nsx_at \'integrations replay\'' -l api-key-env -x -d 'webhook: read the api key from the environment variable NAME'
complete -c nsx -n '__nsx_at \'integrations replay\'' -l s3-bucket -x -d 'S3 export: the bucket events are written to'
complete -c nsx -n '__nsx_at \'integrations replay\'' -l s3-prefix -x -d 'S3 export: key prefix inside the bucket, e.g. newstore/events'
complete -c nsx -n '__nsx_at \'integrations replay\'' -l s3-region -x -d 'S3 export: the bucket\'s region, e.g. eu-central-1 (default: $AWS_REGION)'
complete -c nsx -n '__nsx_at \'integrations replay\'' -l aws-credentials-file -r -F -d 'S3 export: AWS keys from a credentials file ([default] or its only section)'
complete -c nsx -n '__nsx_at \'integrations replay\'' -l aws-credentials-env -d 'S3 export: AWS keys from $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY'
complete -c nsx -n '__nsx_at \'integrations replay\'' -l events -x -d 'only these events, e.g. order.created,order.cancelled (repeatable)'
complete -c nsx -n '__nsx_at \'integrations replay\'' -l entities -x -d 'only events of these entities, e.g. order,fulfillment_request (repeatable)'
complete -c nsx -n '__nsx_at \'integrations replay\'' -l since -x -d 'start of the window: ISO date/time or an age (2d = two days ago)'
complete -c nsx -n '__nsx_at \'integrations replay\'' -l until -x -d 'end of the window: ISO date/time or an age (default: now)'
complete -c nsx -n '__nsx_at \'integrations replay\'' -l id -x -d 'id of the temporary integration (default: replay-<since date>, made unique)'
complete -c nsx -n '__nsx_at \'integrations replay\'' -l wait -d 'wait until the replay has finished (the integration stopped)'
complete -c nsx -n '__nsx_at \'integrations replay\'' -l wait-timeout -x -d 'with --wait: give up after this long, exit 7 (default: 30m)'
complete -c nsx -n '__nsx_at \'integrations replay\'' -l interval -x -d 'with --wait: how often to check (default: 5s)'

# nsx integrations help
complete -c nsx -n '__nsx_argument \'integrations help\' 0' -a 'list get register update start stop delete replay'

# nsx logs
complete -c nsx -n '__nsx_at \'logs\'' -a 'list' -d 'list log entries, newest first, all pages (streamed)'
complete -c nsx -n '__nsx_at \'logs\'' -a 'tail' -d 'print new log entries as they appear (Ctrl-C to stop)'
complete -c nsx -n '__nsx_at \'logs\'' -a 'help' -d 'display help for command'

# nsx logs list
complete -c nsx -n '__nsx_at \'logs list\'' -l fields -x -d 'columns of the table or tsv, comma-separated, in this order (e.g. id,status)'
complete -c nsx -n '__nsx_at \'logs list\'' -l header -d 'tsv: start with a line of column names'
complete -c nsx -n '__nsx_at \'logs list\'' -l since -x -d 'created at or after: ISO date/time or an age such as 2h, 7d'
complete -c nsx -n '__nsx_at \'logs list\'' -l until -x -d 'created at or before: ISO date/time or an age'
complete -c nsx -n '__nsx_at \'logs list\'' -l level -x -d 'info, warning or error (repeatable)'
complete -c nsx -n '__nsx_at \'logs list\'' -l event -x -d 'event name glob (repeatable)'
complete -c nsx -n '__nsx_at \'logs list\'' -l status-code -x -d 'status code of the delivery: 400, 5xx (repeatable)'
complete -c nsx -n '__nsx_at \'logs list\'' -l grep -x -d 'message contains this text (case-insensitive)'
complete -c nsx -n '__nsx_at \'logs list\'' -l limit -x -d 'stop after N matching entries'
complete -c nsx -n '__nsx_argument \'logs list\' 0' -a '(__nsx_ids)'

# nsx logs tail
complete -c nsx -n '__nsx_at \'logs tail\'' -l since -x -d 'created at or after: ISO date/time or an age such as 2h, 7d'
complete -c nsx -n '__nsx_at \'logs tail\'' -l until -x -d 'created at or before: ISO date/time or an age'
complete -c nsx -n '__nsx_at \'logs tail\'' -l level -x -d 'info, warning or error (repeatable)'
complete -c nsx -n '__nsx_at \'logs tail\'' -l event -x -d 'event name glob (repeatable)'
complete -c nsx -n '__nsx_at \'logs tail\'' -l status-code -x -d 'status code of the delivery: 400, 5xx (repeatable)'
complete -c nsx -n '__nsx_at \'logs tail\'' -l grep -x -d 'message contains this text (case-insensitive)'
complete -c nsx -n '__nsx_at \'logs tail\'' -l interval -x -d 'how often to poll (default: 2s)'
complete -c nsx -n '__nsx_at \'logs tail\'' -s n -l lines -x -d 'how many recent entries to print first (default: 10; 0 = only new ones)'
complete -c nsx -n '__nsx_at \'logs tail\'' -l until-stopped -d 'exit 7 as soon as the integration is stopped (for alerting scripts)'
complete -c nsx -n '__nsx_argument \'logs tail\' 0' -a '(__nsx_ids)'

# nsx logs help
complete -c nsx -n '__nsx_argument \'logs help\' 0' -a 'list tail'

# nsx events
complete -c nsx -n '__nsx_at \'events\'' -a 'list' -d 'list delivery attempts, newest first (streamed)'
complete -c nsx -n '__nsx_at \'events\'' -a 'tail' -d 'print new delivery attempts as NewStore publishes them (Ctrl-C to stop)'
complete -c nsx -n '__nsx_at \'events\'' -a 'stats' -d 'delivery figures per event, integration or hour: successes, failures, response times'
complete -c nsx -n '__nsx_at \'events\'' -a 'help' -d 'display help for command'

# nsx events list
complete -c nsx -n '__nsx_at \'events list\'' -l fields -x -d 'columns of the table or tsv, comma-separated, in this order (e.g. id,status)'
complete -c nsx -n '__nsx_at \'events list\'' -l header -d 'tsv: start with a line of column names'
complete -c nsx -n '__nsx_at \'events list\'' -l integration -x -d 'integration id (repeatable, glob)'
complete -c nsx -n '__nsx_at \'events list\'' -l event -x -d 'event name glob, e.g. "order.*" (repeatable, or comma-separated)'
complete -c nsx -n '__nsx_at \'events list\'' -l status -x -a 'success failure' -d 'success or failure'
complete -c nsx -n '__nsx_at \'events list\'' -l entity-id -x -d 'the domain entity: an order id, a fulfillment request id (repeatable, glob)'
complete -c nsx -n '__nsx_at \'events list\'' -l entity-type -x -d 'the domain entity type: order, fulfillment_request, ... (repeatable)'
complete -c nsx -n '__nsx_at \'events list\'' -l status-code -x -d 'the receiver\'s answer to a failed attempt: 503, 5xx (repeatable)'
complete -c nsx -n '__nsx_at \'events list\'' -l since -x -d 'attempted at or after: ISO date/time or an age such as 2h, 7d (default: 24h)'
complete -c nsx -n '__nsx_at \'events list\'' -l until -x -d 'attempted at or before: ISO date/time or an age (default: now)'
complete -c nsx -n '__nsx_at \'events list\'' -l limit -x -d 'stop after N matching attempts'

# nsx events tail
complete -c nsx -n '__nsx_at \'events tail\'' -l integration -x -d 'integration id (repeatable, glob)'
complete -c nsx -n '__nsx_at \'events tail\'' -l event -x -d 'event name glob, e.g. "order.*" (repeatable, or comma-separated)'
complete -c nsx -n '__nsx_at \'events tail\'' -l status -x -a 'success failure' -d 'success or failure'
complete -c nsx -n '__nsx_at \'events tail\'' -l entity-id -x -d 'the domain entity: an order id, a fulfillment request id (repeatable, glob)'
complete -c nsx -n '__nsx_at \'events tail\'' -l entity-type -x -d 'the domain entity type: order, fulfillment_request, ... (repeatable)'
complete -c nsx -n '__nsx_at \'events tail\'' -l status-code -x -d 'the receiver\'s answer to a failed attempt: 503, 5xx (repeatable)'
complete -c nsx -n '__nsx_at \'events tail\'' -l since -x -d 'print the attempts since then first: ISO date/time or an age such as 10m (default: now)'
complete -c nsx -n '__nsx_at \'events tail\'' -l interval -x -d 'how often to poll (default: 2s)'

# nsx events stats
complete -c nsx -n '__nsx_at \'events stats\'' -l integration -x -d 'integration id (repeatable, glob)'
complete -c nsx -n '__nsx_at \'events stats\'' -l event -x -d 'event name glob, e.g. "order.*" (repeatable, or comma-separated)'
complete -c nsx -n '__nsx_at \'events stats\'' -l status -x -a 'success failure' -d 'success or failure'
complete -c nsx -n '__nsx_at \'events stats\'' -l entity-id -x -d 'the domain entity: an order id, a fulfillment request id (repeatable, glob)'
complete -c nsx -n '__nsx_at \'events stats\'' -l entity-type -x -d 'the domain entity type: order, fulfillment_request, ... (repeatable)'
complete -c nsx -n '__nsx_at \'events stats\'' -l status-code -x -d 'the receiver\'s answer to a failed attempt: 503, 5xx (repeatable)'
complete -c nsx -n '__nsx_at \'events stats\'' -l since -x -d 'attempted at or after: ISO date/time or an age such as 2h, 7d (default: 24h)'
complete -c nsx -n '__nsx_at \'events stats\'' -l until -x -d 'attempted at or before: ISO date/time or an age (default: now)'
complete -c nsx -n '__nsx_at \'events stats\'' -l by -x -a 'event integration hour' -d 'one row per event, integration or hour (default: event)'

# nsx events help
complete -c nsx -n '__nsx_argument \'events help\' 0' -a 'list tail stats'

# nsx rejected
complete -c nsx -n '__nsx_at \'rejected\'' -a 'list' -d 'list the rejected events of an integration (oldest first; the filters apply)'
complete -c nsx -n '__nsx_at \'rejected\'' -a 'show' -d 'one rejected event: its payload and the receiver\'s answer (--json: the whole object)'
complete -c nsx -n '__nsx_at \'rejected\'' -a 'retry' -d 'send rejected events to the receiver again, oldest first; exit 6 if some are still rejected'
complete -c nsx -n '__nsx_at \'rejected\'' -a 'delete' -d 'delete rejected events (they are never delivered); exit 6 if some could not be deleted'
complete -c nsx -n '__nsx_at \'rejected\'' -a 'export' -d 'write the rejected events (the filters apply) as NDJSON, to stdout or a file'
complete -c nsx -n '__nsx_at \'rejected\'' -a 'triage' -d 'work through rejected events by hand in a terminal, grouped by how they failed (largest group first)'
complete -c nsx -n '__nsx_at \'rejected\'' -a 'help' -d 'display help for command'

# nsx rejected list
complete -c nsx -n '__nsx_at \'rejected list\'' -l fields -x -d 'columns of the table or tsv, comma-separated, in this order (e.g. id,status)'
complete -c nsx -n '__nsx_at \'rejected list\'' -l header -d 'tsv: start with a line of column names'
complete -c nsx -n '__nsx_at \'rejected list\'' -l limit -x -d 'stop after N matching events'
complete -c nsx -n '__nsx_at \'rejected list\'' -l event -x -d 'event name glob, e.g. "order.*" (repeatable, or comma-separated)'
complete -c nsx -n '__nsx_at \'rejected list\'' -l since -x -d 'rejected at or after: ISO date/time or an age such as 2h, 7d'
complete -c nsx -n '__nsx_at \'rejected list\'' -l until -x -d 'rejected at or before: ISO date/time or an age'
complete -c nsx -n '__nsx_at \'rejected list\'' -l entity-id -x -d 'the payload\'s id or order_id (repeatable, glob)'
complete -c nsx -n '__nsx_at \'rejected list\'' -l status-code -x -d 'the receiver\'s answer: 400, 4xx, 503 (repeatable)'
complete -c nsx -n '__nsx_at \'rejected list\'' -l match -x -d 'a payload field, e.g. items.0.product_id=10000102 (repeatable, AND)'
complete -c nsx -n '__nsx_at \'rejected list\'' -l fail-if-any -d 'exit 6 when any event matches (prints the list; with --quiet nothing, like grep -q)'
complete -c nsx -n '__nsx_argument \'rejected list\' 0' -a '(__nsx_ids)'

# nsx rejected show
complete -c nsx -n '__nsx_argument \'rejected show\' 0' -a '(__nsx_ids)'

# nsx rejected retry
complete -c nsx -n '__nsx_at \'rejected retry\'' -l event -x -d 'event name glob, e.g. "order.*" (repeatable, or comma-separated)'
complete -c nsx -n '__nsx_at \'rejected retry\'' -l since -x -d 'rejected at or after: ISO date/time or an age such as 2h, 7d'
complete -c nsx -n '__nsx_at \'rejected retry\'' -l until -x -d 'rejected at or before: ISO date/time or an age'
complete -c nsx -n '__nsx_at \'rejected retry\'' -l entity-id -x -d 'the payload\'s id or order_id (repeatable, glob)'
complete -c nsx -n '__nsx_at \'rejected retry\'' -l status-code -x -d 'the receiver\'s answer: 400, 4xx, 503 (repeatable)'
complete -c nsx -n '__nsx_at \'rejected retry\'' -l match -x -d 'a payload field, e.g. items.0.product_id=10000102 (repeatable, AND)'
complete -c nsx -n '__nsx_at \'rejected retry\'' -l all -d 'retry every rejected event (that the filters keep); not with event ids'
complete -c nsx -n '__nsx_at \'rejected retry\'' -l dry-run -d 'list what would be retried and send nothing'
complete -c nsx -n '__nsx_at \'rejected retry\'' -s y -l yes -d 'do not ask for confirmation (required without a terminal)'
complete -c nsx -n '__nsx_argument \'rejected retry\' 0' -a '(__nsx_ids)'

# nsx rejected delete
complete -c nsx -n '__nsx_at \'rejected delete\'' -l event -x -d 'event name glob, e.g. "order.*" (repeatable, or comma-separated)'
complete -c nsx -n '__nsx_at \'rejected delete\'' -l since -x -d 'rejected at or after: ISO date/time or an age such as 2h, 7d'
complete -c nsx -n '__nsx_at \'rejected delete\'' -l until -x -d 'rejected at or before: ISO date/time or an age'
complete -c nsx -n '__nsx_at \'rejected delete\'' -l entity-id -x -d 'the payload\'s id or order_id (repeatable, glob)'
complete -c nsx -n '__nsx_at \'rejected delete\'' -l status-code -x -d 'the receiver\'s answer: 400, 4xx, 503 (repeatable)'
complete -c nsx -n '__nsx_at \'rejected delete\'' -l match -x -d 'a payload field, e.g. items.0.product_id=10000102 (repeatable, AND)'
complete -c nsx -n '__nsx_at \'rejected delete\'' -l all -d 'delete every rejected event (that the filters keep); not with event ids'
complete -c nsx -n '__nsx_at \'rejected delete\'' -l dry-run -d 'list what would be deleted and send nothing'
complete -c nsx -n '__nsx_at \'rejected delete\'' -s y -l yes -d 'do not ask for confirmation (required without a terminal)'
complete -c nsx -n '__nsx_argument \'rejected delete\' 0' -a '(__nsx_ids)'

# nsx rejected export
complete -c nsx -n '__nsx_at \'rejected export\'' -l event -x -d 'event name glob, e.g. "order.*" (repeatable, or comma-separated)'
complete -c nsx -n '__nsx_at \'rejected export\'' -l since -x -d 'rejected at or after: ISO date/time or an age such as 2h, 7d'
complete -c nsx -n '__nsx_at \'rejected export\'' -l until -x -d 'rejected at or before: ISO date/time or an age'
complete -c nsx -n '__nsx_at \'rejected export\'' -l entity-id -x -d 'the payload\'s id or order_id (repeatable, glob)'
complete -c nsx -n '__nsx_at \'rejected export\'' -l status-code -x -d 'the receiver\'s answer: 400, 4xx, 503 (repeatable)'
complete -c nsx -n '__nsx_at \'rejected export\'' -l match -x -d 'a payload field, e.g. items.0.product_id=10000102 (repeatable, AND)'
complete -c nsx -n '__nsx_at \'rejected export\'' -l file -r -F -d 'write to this file (mode 0600, written atomically) instead of stdout'
complete -c nsx -n '__nsx_at \'rejected export\'' -l force -d 'replace the file if it exists'
complete -c nsx -n '__nsx_argument \'rejected export\' 0' -a '(__nsx_ids)'

# nsx rejected triage
complete -c nsx -n '__nsx_argument \'rejected triage\' 0' -a '(__nsx_ids)'

# nsx rejected help
complete -c nsx -n '__nsx_argument \'rejected help\' 0' -a 'list show retry delete export triage'

# nsx recover
complete -c nsx -n '__nsx_at \'recover\'' -l drop -x -d 'delete matching events instead of retrying them (repeatable; keys: event, entity-id, status-code, since, until, match)'
complete -c nsx -n '__nsx_at \'recover\'' -l skip -x -d 'leave matching events where they are (repeatable)'
complete -c nsx -n '__nsx_at \'recover\'' -l only -x -d 'handle only matching events; the others are skipped (repeatable)'
complete -c nsx -n '__nsx_at \'recover\'' -l dry-run -d 'print the plan and stop (no lock, no journal, nothing changed)'
complete -c nsx -n '__nsx_at \'recover\'' -l plan-out -r -F -d 'save the plan (JSON) for review'
complete -c nsx -n '__nsx_at \'recover\'' -l plan-in -r -F -d 'apply exactly a saved plan; refuses (exit 7) if the server holds rejected events it does not mention'
complete -c nsx -n '__nsx_at \'recover\'' -l resume -x -d 'continue this run (default: the newest unfinished run of this integration)'
complete -c nsx -n '__nsx_at \'recover\'' -l no-resume -d 'start a new plan even if an unfinished run exists'
complete -c nsx -n '__nsx_at \'recover\'' -s y -l yes -d 'go ahead without asking (required without a terminal)'
complete -c nsx -n '__nsx_at \'recover\'' -l on-error -x -a 'stop skip' -d 'stop: the first event not delivered ends the run (exit 6); skip: go on and report'
complete -c nsx -n '__nsx_at \'recover\'' -l concurrency -x -d 'events of different entities in parallel (same entity: never, order kept); auto: adapt to the tenant\'s answers; 1: one event at a time [default: auto]'
complete -c nsx -n '__nsx_at \'recover\'' -l max-concurrency -x -d 'under --concurrency auto: never more calls in flight than this [default: 32]'
complete -c nsx -n '__nsx_at \'recover\'' -l rate -x -d 'at most this many calls per second, e.g. 20/s'
complete -c nsx -n '__nsx_at \'recover\'' -l allow-remaining -x -d 'start even if up to N rejected events remain [default: 0]'
complete -c nsx -n '__nsx_at \'recover\'' -l no-start -d 'stop after the rejected events are handled; do not start the integration'
complete -c nsx -n '__nsx_at \'recover\'' -l watch -x -d 'after the start, watch status and log for this long [default: 10s]'
complete -c nsx -n '__nsx_at \'recover\'' -l max-failure-rate -x -d 'after the watch, exit 6 when more of the delivery attempts NewStore published since the start failed than this: 0.05 or 5% (default: only a stop or a new rejected event fails the run)'
complete -c nsx -n '__nsx_at \'recover\'' -l progress -x -a 'auto ndjson none' -d 'auto: a progress line on a terminal; ndjson: one JSON line per event on stderr; none'
complete -c nsx -n '__nsx_at \'recover\'' -l report -x -d 'write a Markdown incident report'
complete -c nsx -n '__nsx_argument \'recover\' 0' -a '(__nsx_ids)'

# nsx runs
complete -c nsx -n '__nsx_at \'runs\'' -a 'list' -d 'list the runs kept in the state dir, newest first'
complete -c nsx -n '__nsx_at \'runs\'' -a 'show' -d 'show one run: plan, rules, each event\'s outcome, duration, who and where, how to resume it'
complete -c nsx -n '__nsx_at \'runs\'' -a 'resume' -d 'continue an unfinished recover run: the same as nsx recover <integration> --resume RUN-ID'
complete -c nsx -n '__nsx_at \'runs\'' -a 'prune' -d 'delete the journals (and plans) of runs last written longer ago than a duration'
complete -c nsx -n '__nsx_at \'runs\'' -a 'help' -d 'display help for command'

# nsx runs list
complete -c nsx -n '__nsx_at \'runs list\'' -l fields -x -d 'columns of the table or tsv, comma-separated, in this order (e.g. id,status)'
complete -c nsx -n '__nsx_at \'runs list\'' -l header -d 'tsv: start with a line of column names'
complete -c nsx -n '__nsx_at \'runs list\'' -l limit -x -d 'print at most N runs'
complete -c nsx -n '__nsx_at \'runs list\'' -l integration -x -d 'only the runs of this integration'
complete -c nsx -n '__nsx_at \'runs list\'' -l status -x -a 'running finished interrupted failed' -d 'only runs with this status'

# nsx runs show

# nsx runs resume
complete -c nsx -n '__nsx_at \'runs resume\'' -s y -l yes -d 'go ahead without asking (required without a terminal)'
complete -c nsx -n '__nsx_at \'runs resume\'' -l no-start -d 'stop after the rejected events are handled; do not start the integration'
complete -c nsx -n '__nsx_at \'runs resume\'' -l watch -x -d 'after the start, watch status and log for this long [default: 10s]'
complete -c nsx -n '__nsx_at \'runs resume\'' -l allow-remaining -x -d 'start even if up to N rejected events remain [default: 0]'
complete -c nsx -n '__nsx_at \'runs resume\'' -l progress -x -a 'auto ndjson none' -d 'auto: a progress line on a terminal; ndjson: one JSON line per event on stderr; none'
complete -c nsx -n '__nsx_at \'runs resume\'' -l report -x -d 'write a Markdown incident report'

# nsx runs prune
complete -c nsx -n '__nsx_at \'runs prune\'' -l older-than -x -d 'runs whose journal was last written longer ago than this, e.g. 30d, 12w'
complete -c nsx -n '__nsx_at \'runs prune\'' -l dry-run -d 'list what would be deleted; delete nothing'
complete -c nsx -n '__nsx_at \'runs prune\'' -s y -l yes -d 'delete without asking (required without a terminal)'

# nsx runs help
complete -c nsx -n '__nsx_argument \'runs help\' 0' -a 'list show resume prune'

# nsx stock
complete -c nsx -n '__nsx_at \'stock\'' -a 'import' -d 'validate, package (zip of availabilities.json), upload, create and start a stock import job'
complete -c nsx -n '__nsx_at \'stock\'' -a 'status' -d 'show an import job: state, reason, item errors; exit 6 when it failed'
complete -c nsx -n '__nsx_at \'stock\'' -a 'list' -d 'list import jobs: id, state, name, provider, received_at, completed_at, reason'
complete -c nsx -n '__nsx_at \'stock\'' -a 'fail' -d 'set an import job to failed (frees its place among the 20 open jobs)'
complete -c nsx -n '__nsx_at \'stock\'' -a 'range' -d 'the logical-timestamp range per fulfillment node an import should state, from captured events'
complete -c nsx -n '__nsx_at \'stock\'' -a 'help' -d 'display help for command'

# nsx stock import
complete -c nsx -n '__nsx_at \'stock import\'' -l format -x -a 'json csv ndjson' -d 'input format (default: from the extension, else from the content)'
complete -c nsx -n '__nsx_at \'stock import\'' -l range -x -d 'logical-timestamp range the on-hand counts reflect, e.g. 10-12 (written into the file head)'
complete -c nsx -n '__nsx_at \'stock import\'' -l range-from -x -d 'the same as two flags: first logical timestamp'
complete -c nsx -n '__nsx_at \'stock import\'' -l range-to -x -d 'last logical timestamp'
complete -c nsx -n '__nsx_at \'stock import\'' -l store-mapping -r -F -d 'JSON store mapping [{"fulfillment_node_id", "store_id"}] (null store_id = a DC); rows at other nodes are refused'
complete -c nsx -n '__nsx_at \'stock import\'' -l upload-url -x -d 'presigned PUT URL the zip is uploaded to (needs --source-uri); visible in ps: prefer --upload-url-env'
complete -c nsx -n '__nsx_at \'stock import\'' -l upload-url-env -x -d 'read the presigned PUT URL from this environment variable'
complete -c nsx -n '__nsx_at \'stock import\'' -l source-uri -x -d 'the URI NewStore reads the zip from (https:// or s3://); alone: the zip is already there'
complete -c nsx -n '__nsx_at \'stock import\'' -l provider -x -d 'provider of the job'
complete -c nsx -n '__nsx_at \'stock import\'' -l name -x -d 'job name (default: nsx-stock-<UTC time>-<user>@<host>-<sha256 of the zip>)'
complete -c nsx -n '__nsx_at \'stock import\'' -l revision -x -d 'revision of the job (a non-negative integer)'
complete -c nsx -n '__nsx_at \'stock import\'' -l wait -d 'wait until the job has finished (exit 0) or failed (exit 6)'
complete -c nsx -n '__nsx_at \'stock import\'' -l wait-timeout -x -d 'how long to wait (and to wait out 429s) before exit 7 (default 30m; --timeout also sets it)'
complete -c nsx -n '__nsx_at \'stock import\'' -l dry-run -d 'validate and package, print what would be sent, send nothing'
complete -c nsx -n '__nsx_at \'stock import\'' -l save-zip -r -F -d 'also write the zip to this file'
complete -c nsx -n '__nsx_argument \'stock import\' 0' -F

# nsx stock status
complete -c nsx -n '__nsx_at \'stock status\'' -l wait -d 'wait until it has finished or failed'
complete -c nsx -n '__nsx_at \'stock status\'' -l wait-timeout -x -d 'how long to wait before exit 7 (default 30m; --timeout also sets it)'

# nsx stock list
complete -c nsx -n '__nsx_at \'stock list\'' -l fields -x -d 'columns of the table or tsv, comma-separated, in this order (e.g. id,status)'
complete -c nsx -n '__nsx_at \'stock list\'' -l header -d 'tsv: start with a line of column names'
complete -c nsx -n '__nsx_at \'stock list\'' -l limit -x -d 'print at most N jobs'
complete -c nsx -n '__nsx_at \'stock list\'' -l state -x -a 'received waiting processing finished failed' -d 'only jobs in this state'

# nsx stock fail
complete -c nsx -n '__nsx_at \'stock fail\'' -l reason -x -d 'why: NewStore keeps it as the job\'s reason (required)'
complete -c nsx -n '__nsx_at \'stock fail\'' -s y -l yes -d 'do not ask (required when there is no terminal)'

# nsx stock range
complete -c nsx -n '__nsx_argument \'stock range\' 0' -F

# nsx stock help
complete -c nsx -n '__nsx_argument \'stock help\' 0' -a 'import status list fail range'

# nsx receiver
complete -c nsx -n '__nsx_at \'receiver\'' -a 'check' -d 'grade a webhook receiver against NewStore\'s delivery rules with synthetic events'
complete -c nsx -n '__nsx_at \'receiver\'' -a 'help' -d 'display help for command'

# nsx receiver check
complete -c nsx -n '__nsx_at \'receiver check\'' -l api-key-file -r -F -d 'read the api key (sent as "Authorization: Bearer") from this file'
complete -c nsx -n '__nsx_at \'receiver check\'' -l api-key-stdin -d 'read the api key from stdin'
complete -c nsx -n '__nsx_at \'receiver check\'' -l api-key-env -x -d 'read the api key from the environment variable NAME'
complete -c nsx -n '__nsx_at \'receiver check\'' -l events -x -d 'only events the receiver is meant for, e.g. "order.*,return.*" (default: all)'
complete -c nsx -n '__nsx_at \'receiver check\'' -l count -x -d 'deliveries of the latency check (default: 20)'
complete -c nsx -n '__nsx_at \'receiver check\'' -l concurrency -x -d 'latency deliveries in flight at once (default: 1, as NewStore delivers one integration serially)'
complete -c nsx -n '__nsx_at \'receiver check\'' -l verify-url -x -d 'the receiver\'s read endpoint: GET URL?name=&idempotency_key= -> {"processed": n}'
complete -c nsx -n '__nsx_at \'receiver check\'' -l strict -d 'exit 6 on a WARN too'

# nsx receiver help
complete -c nsx -n '__nsx_argument \'receiver help\' 0' -a 'check'

# nsx sandbox
complete -c nsx -n '__nsx_at \'sandbox\'' -a 'start' -d 'run the sandbox in the foreground (Ctrl-C stops it and saves its state)'
complete -c nsx -n '__nsx_at \'sandbox\'' -a 'emit' -d 'publish synthetic retail events in a running sandbox'
complete -c nsx -n '__nsx_at \'sandbox\'' -a 'receiver' -d 'run the demo webhook receiver on its own, printing each delivery (Ctrl-C stops it)'
complete -c nsx -n '__nsx_at \'sandbox\'' -a 'receiver-rule' -d 'change the running sandbox\'s demo receiver rule'
complete -c nsx -n '__nsx_at \'sandbox\'' -a 'reset' -d 'forget everything in a running sandbox and seed a scenario again'
complete -c nsx -n '__nsx_at \'sandbox\'' -a 'help' -d 'display help for command'

# nsx sandbox start
complete -c nsx -n '__nsx_at \'sandbox start\'' -l host -x -d 'address to listen on (default: 127.0.0.1)'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l port -x -d 'port of the API (default: 4545; 0 = any free port)'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l state -r -F -d 'state file (default: sandbox.json in the nsx state dir)'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l no-state -d 'keep the state in memory only'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l scenario -x -d 'data to start with when there is no state: demo or empty (default: demo)'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l reset -d 'ignore the saved state and start the scenario anew'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l time-scale -x -d 'divide every time constant by N (10 failed deliveries take ~20 min at 1; default 1)'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l latency -x -d 'add latency to every API answer: MS or MIN-MAX'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l error-rate -x -d 'share of API calls answered 5xx (0..1)'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l throttle-rate -x -d 'share of API calls answered 429 with Retry-After (0..1)'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l reset-rate -x -d 'share of API calls whose connection is dropped (0..1)'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l rate-limit -x -d 'token-bucket limit answering 429 with Retry-After when empty: N/s for all API calls together, ROUTE=N/s for one route (repeatable)'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l rejected-limit -x -d 'rejected events an integration stores before it stops (default: 100)'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l token-ttl -x -d 'lifetime of access tokens (default: 300)'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l receiver-port -x -d 'port of the demo receiver (default: API port + 1)'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l receiver-rule -x -d 'rule of the demo receiver (default: the scenario\'s; demo: reject-unknown-products)'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l no-receiver -d 'do not start the demo receiver'
complete -c nsx -n '__nsx_at \'sandbox start\'' -l no-profile -d 'do not create or update the "sandbox" profile'

# nsx sandbox emit
complete -c nsx -n '__nsx_at \'sandbox emit\'' -l count -x -d 'how many events (default: 10)'
complete -c nsx -n '__nsx_at \'sandbox emit\'' -l rate -x -d 'events per second, N or N/s (default: all at once)'
complete -c nsx -n '__nsx_at \'sandbox emit\'' -l events -x -d 'only these event names, e.g. \'order.*\' or \'fulfillment_request.items_completed\''
complete -c nsx -n '__nsx_at \'sandbox emit\'' -l unknown-product -d 'orders contain a product the demo ERP does not know (the receiver rejects them)'
complete -c nsx -n '__nsx_at \'sandbox emit\'' -l url -x -d 'sandbox base URL (default: NSX_SANDBOX_URL, the "sandbox" profile, http://127.0.0.1:4545)'

# nsx sandbox receiver
complete -c nsx -n '__nsx_at \'sandbox receiver\'' -l host -x -d 'address to listen on (default: 127.0.0.1)'
complete -c nsx -n '__nsx_at \'sandbox receiver\'' -l port -x -d 'port (default: 4546)'
complete -c nsx -n '__nsx_at \'sandbox receiver\'' -l rule -x -d 'accept-all, reject-unknown-products, fail-all, reject-events:<glob>, fail-events:<glob>, or a fault (below) (default: accept-all)'
complete -c nsx -n '__nsx_at \'sandbox receiver\'' -l latency -x -d 'answer after MS or MIN-MAX milliseconds'
complete -c nsx -n '__nsx_at \'sandbox receiver\'' -l api-key-file -r -F -d 'read the api key (sent as "Authorization: Bearer") from this file'
complete -c nsx -n '__nsx_at \'sandbox receiver\'' -l api-key-stdin -d 'read the api key from stdin'
complete -c nsx -n '__nsx_at \'sandbox receiver\'' -l api-key-env -x -d 'read the api key from the environment variable NAME'

# nsx sandbox receiver-rule
complete -c nsx -n '__nsx_at \'sandbox receiver-rule\'' -l latency -x -d 'answer after MS or MIN-MAX milliseconds (0 for none)'
complete -c nsx -n '__nsx_at \'sandbox receiver-rule\'' -l url -x -d 'sandbox base URL (default: NSX_SANDBOX_URL, the "sandbox" profile, http://127.0.0.1:4545)'

# nsx sandbox reset
complete -c nsx -n '__nsx_at \'sandbox reset\'' -l scenario -x -d 'demo or empty (default: the one it started with)'
complete -c nsx -n '__nsx_at \'sandbox reset\'' -l url -x -d 'sandbox base URL (default: NSX_SANDBOX_URL, the "sandbox" profile, http://127.0.0.1:4545)'

# nsx sandbox help
complete -c nsx -n '__nsx_argument \'sandbox help\' 0' -a 'start emit receiver receiver-rule reset'

# nsx config
complete -c nsx -n '__nsx_at \'config\'' -a 'set' -d 'set a key of the selected profile (creates the profile)'
complete -c nsx -n '__nsx_at \'config\'' -a 'get' -d 'print one key of the selected profile'
complete -c nsx -n '__nsx_at \'config\'' -a 'unset' -d 'remove a key from the selected profile'
complete -c nsx -n '__nsx_at \'config\'' -a 'list' -d 'list profiles and their keys (never secrets)'
complete -c nsx -n '__nsx_at \'config\'' -a 'use' -d 'make a profile the current one'
complete -c nsx -n '__nsx_at \'config\'' -a 'help' -d 'display help for command'

# nsx config set

# nsx config get

# nsx config unset

# nsx config list

# nsx config use
complete -c nsx -n '__nsx_argument \'config use\' 0' -a '(__nsx_profiles)'

# nsx config help
complete -c nsx -n '__nsx_argument \'config help\' 0' -a 'set get unset list use'

# nsx auth
complete -c nsx -n '__nsx_at \'auth\'' -a 'login' -d 'save client credentials for a profile and check that they obtain a token'
complete -c nsx -n '__nsx_at \'auth\'' -a 'logout' -d 'forget a profile\'s client secret and cached tokens'
complete -c nsx -n '__nsx_at \'auth\'' -a 'status' -d 'for each profile: tenant, stage, where the secret comes from, and whether a fresh token can be obtained now'
complete -c nsx -n '__nsx_at \'auth\'' -a 'help' -d 'display help for command'

# nsx auth login
complete -c nsx -n '__nsx_at \'auth login\'' -l client-id -x -d 'API client id (prompted for in a terminal)'
complete -c nsx -n '__nsx_at \'auth login\'' -l client-secret-stdin -d 'read the client secret from stdin (or set NSX_CLIENT_SECRET); never pass it as a flag value'
complete -c nsx -n '__nsx_at \'auth login\'' -l no-verify -d 'save without asking the token endpoint'

# nsx auth logout

# nsx auth status
complete -c nsx -n '__nsx_at \'auth status\'' -l all-profiles -d 'every saved profile, not only the one in effect'

# nsx auth help
complete -c nsx -n '__nsx_argument \'auth help\' 0' -a 'login logout status'

# nsx whoami

# nsx doctor
complete -c nsx -n '__nsx_at \'doctor\'' -l api -d 'probe the tenant read-only: one GET per read route nsx uses, one line per route'
complete -c nsx -n '__nsx_at \'doctor\'' -l integration -x -d 'with --api: the integration whose get, logs and rejected events are probed (default: the first listed)'

# nsx api
complete -c nsx -n '__nsx_at \'api\'' -s F -l field -x -d 'a JSON body field (repeatable); true, false, null and numbers are sent as such; with GET or --input, a query parameter'
complete -c nsx -n '__nsx_at \'api\'' -l input -r -F -d 'send this file as the JSON body ("-" reads stdin)'
complete -c nsx -n '__nsx_at \'api\'' -l paginate -d 'GET only: read every page (offset/count) and print the items as one array'
complete -c nsx -n '__nsx_at \'api\'' -s y -l yes -d 'send a non-GET request without asking (required without a terminal)'
complete -c nsx -n '__nsx_at \'api\'' -l show-secrets -d 'print api_key, aws_secret_access_key, client_secret, access_token and password values as answered'
complete -c nsx -n '__nsx_argument \'api\' 1' -F

# nsx completion
complete -c nsx -n '__nsx_argument \'completion\' 0' -a 'bash zsh fish'

# nsx help
complete -c nsx -n '__nsx_argument \'help\' 0' -a 'status integrations logs events rejected recover runs stock receiver sandbox config auth whoami doctor api completion'

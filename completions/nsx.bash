# nsx bash completion, generated from the command tree by src/commands/completion/generate.ts: do not edit.
# Install: see `nsx completion --help`. Integration ids complete from the cache of the profile being
# completed, written by `nsx integrations list` (${NSX_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/nsx}/integration-ids.d/PROFILE);
# older than a day = ignored. Profile names complete from profile-names there, written with the config.
# Needs bash >= 4; uses bash-completion's _init_completion when it is loaded.

_nsx_subcommands() {
  case $1 in
    '') REPLY='status integrations logs events rejected recover runs stock receiver sandbox config auth whoami doctor api completion help' ;;
    'integrations') REPLY='list get register update start stop delete replay help' ;;
    'logs') REPLY='list tail help' ;;
    'events') REPLY='list tail stats help' ;;
    'rejected') REPLY='list show retry delete export triage help' ;;
    'runs') REPLY='list show resume prune help' ;;
    'stock') REPLY='import status list fail range help' ;;
    'receiver') REPLY='check help' ;;
    'sandbox') REPLY='start emit receiver receiver-rule reset help' ;;
    'config') REPLY='set get unset list use help' ;;
    'auth') REPLY='login logout status help' ;;
    *) REPLY='' ;;
  esac
}

# The subcommand a word names at a path (aliases resolve to the name), or ''.
_nsx_canonical() {
  case "$1|$2" in
    '|status') REPLY='status' ;;
    '|integrations'|'|integration') REPLY='integrations' ;;
    '|logs') REPLY='logs' ;;
    '|events') REPLY='events' ;;
    '|rejected') REPLY='rejected' ;;
    '|recover') REPLY='recover' ;;
    '|runs') REPLY='runs' ;;
    '|stock') REPLY='stock' ;;
    '|receiver') REPLY='receiver' ;;
    '|sandbox') REPLY='sandbox' ;;
    '|config') REPLY='config' ;;
    '|auth') REPLY='auth' ;;
    '|whoami') REPLY='whoami' ;;
    '|doctor') REPLY='doctor' ;;
    '|api') REPLY='api' ;;
    '|completion') REPLY='completion' ;;
    '|help') REPLY='help' ;;
    'integrations|list'|'integrations|ls') REPLY='list' ;;
    'integrations|get') REPLY='get' ;;
    'integrations|register') REPLY='register' ;;
    'integrations|update') REPLY='update' ;;
    'integrations|start'|'integrations|resume') REPLY='start' ;;
    'integrations|stop') REPLY='stop' ;;
    'integrations|delete'|'integrations|rm') REPLY='delete' ;;
    'integrations|replay') REPLY='replay' ;;
    'integrations|help') REPLY='help' ;;
    'logs|list'|'logs|ls') REPLY='list' ;;
    'logs|tail') REPLY='tail' ;;
    'logs|help') REPLY='help' ;;
    'events|list'|'events|ls') REPLY='list' ;;
    'events|tail') REPLY='tail' ;;
    'events|stats') REPLY='stats' ;;
    'events|help') REPLY='help' ;;
    'rejected|list'|'rejected|ls') REPLY='list' ;;
    'rejected|show') REPLY='show' ;;
    'rejected|retry') REPLY='retry' ;;
    'rejected|delete') REPLY='delete' ;;
    'rejected|export') REPLY='export' ;;
    'rejected|triage') REPLY='triage' ;;
    'rejected|help') REPLY='help' ;;
    'runs|list'|'runs|ls') REPLY='list' ;;
    'runs|show'|'runs|view') REPLY='show' ;;
    'runs|resume') REPLY='resume' ;;
    'runs|prune') REPLY='prune' ;;
    'runs|help') REPLY='help' ;;
    'stock|import') REPLY='import' ;;
    'stock|status') REPLY='status' ;;
    'stock|list'|'stock|ls') REPLY='list' ;;
    'stock|fail') REPLY='fail' ;;
    'stock|range') REPLY='range' ;;
    'stock|help') REPLY='help' ;;
    'receiver|check') REPLY='check' ;;
    'receiver|help') REPLY='help' ;;
    'sandbox|start') REPLY='start' ;;
    'sandbox|emit') REPLY='emit' ;;
    'sandbox|receiver') REPLY='receiver' ;;
    'sandbox|receiver-rule') REPLY='receiver-rule' ;;
    'sandbox|reset') REPLY='reset' ;;
    'sandbox|help') REPLY='help' ;;
    'config|set') REPLY='set' ;;
    'config|get') REPLY='get' ;;
    'config|unset') REPLY='unset' ;;
    'config|list'|'config|ls') REPLY='list' ;;
    'config|use') REPLY='use' ;;
    'config|help') REPLY='help' ;;
    'auth|login') REPLY='login' ;;
    'auth|logout') REPLY='logout' ;;
    'auth|status') REPLY='status' ;;
    'auth|help') REPLY='help' ;;
    *) REPLY='' ;;
  esac
}

# A command's own options; the global ones are valid everywhere.
_nsx_options() {
  case $1 in
    'status') REPLY='--max-failure-rate --all-profiles --watch' ;;
    'integrations list') REPLY='--fields --header --limit --status' ;;
    'integrations get') REPLY='--show-secrets' ;;
    'integrations register') REPLY='--callback-url --api-key-file --api-key-stdin --api-key-env --s3-bucket --s3-prefix --s3-region --aws-credentials-file --aws-credentials-env --events --entities --starts-at --ends-at' ;;
    'integrations update') REPLY='--callback-url --api-key-file --api-key-stdin --api-key-env --events --entities --yes' ;;
    'integrations stop') REPLY='--yes' ;;
    'integrations delete') REPLY='--yes --export' ;;
    'integrations replay') REPLY='--callback-url --api-key-file --api-key-stdin --api-key-env --s3-bucket --s3-prefix --s3-region --aws-credentials-file --aws-credentials-env --events --entities --since --until --id --wait --wait-timeout --interval' ;;
    'logs list') REPLY='--fields --header --since --until --level --event --status-code --grep --limit' ;;
    'logs tail') REPLY='--since --until --level --event --status-code --grep --interval --lines --until-stopped' ;;
    'events list') REPLY='--fields --header --integration --event --status --entity-id --entity-type --status-code --since --until --limit' ;;
    'events tail') REPLY='--integration --event --status --entity-id --entity-type --status-code --since --interval' ;;
    'events stats') REPLY='--integration --event --status --entity-id --entity-type --status-code --since --until --by' ;;
    'rejected list') REPLY='--fields --header --limit --event --since --until --entity-id --status-code --match --fail-if-any' ;;
    'rejected retry') REPLY='--event --since --until --entity-id --status-code --match --all --dry-run --yes' ;;
    'rejected delete') REPLY='--event --since --until --entity-id --status-code --match --all --dry-run --yes' ;;
    'rejected export') REPLY='--event --since --until --entity-id --status-code --match --file --force' ;;
    'recover') REPLY='--drop --skip --only --dry-run --plan-out --plan-in --resume --no-resume --yes --on-error --concurrency --max-concurrency --rate --allow-remaining --no-start --watch --max-failure-rate --progress --report' ;;
    'runs list') REPLY='--fields --header --limit --integration --status' ;;
    'runs resume') REPLY='--yes --no-start --watch --allow-remaining --progress --report' ;;
    'runs prune') REPLY='--older-than --dry-run --yes' ;;
    'stock import') REPLY='--format --range --range-from --range-to --store-mapping --upload-url --upload-url-env --source-uri --provider --name --revision --wait --wait-timeout --dry-run --save-zip' ;;
    'stock status') REPLY='--wait --wait-timeout' ;;
    'stock list') REPLY='--fields --header --limit --state' ;;
    'stock fail') REPLY='--reason --yes' ;;
    'receiver check') REPLY='--api-key-file --api-key-stdin --api-key-env --events --count --concurrency --verify-url --strict' ;;
    'sandbox start') REPLY='--host --port --state --no-state --scenario --reset --time-scale --latency --error-rate --throttle-rate --reset-rate --rate-limit --rejected-limit --token-ttl --receiver-port --receiver-rule --no-receiver --no-profile' ;;
    'sandbox emit') REPLY='--count --rate --events --unknown-product --url' ;;
    'sandbox receiver') REPLY='--host --port --rule --latency --api-key-file --api-key-stdin --api-key-env' ;;
    'sandbox receiver-rule') REPLY='--latency --url' ;;
    'sandbox reset') REPLY='--scenario --url' ;;
    'auth login') REPLY='--client-id --client-secret-stdin --no-verify' ;;
    'auth status') REPLY='--all-profiles' ;;
    'doctor') REPLY='--api --integration' ;;
    'api') REPLY='--field --input --paginate --yes --show-secrets' ;;
    *) REPLY='' ;;
  esac
  REPLY="$REPLY "'--version --profile --tenant --stage --base-url --token-url --timeout --output --json --query --quiet --verbose --no-input --no-color --sandbox --help'
}

# How an option's value completes ('' = the option takes no value).
_nsx_option_value() {
  case "$1|$2" in
    'status|--max-failure-rate') REPLY='none' ;;
    'status|--watch') REPLY='none' ;;
    'integrations list|--fields') REPLY='none' ;;
    'integrations list|--limit') REPLY='none' ;;
    'integrations list|--status') REPLY='choices:running,stopped' ;;
    'integrations register|--callback-url') REPLY='none' ;;
    'integrations register|--api-key-file') REPLY='files' ;;
    'integrations register|--api-key-env') REPLY='none' ;;
    'integrations register|--s3-bucket') REPLY='none' ;;
    'integrations register|--s3-prefix') REPLY='none' ;;
    'integrations register|--s3-region') REPLY='none' ;;
    'integrations register|--aws-credentials-file') REPLY='files' ;;
    'integrations register|--events') REPLY='none' ;;
    'integrations register|--entities') REPLY='none' ;;
    'integrations register|--starts-at') REPLY='none' ;;
    'integrations register|--ends-at') REPLY='none' ;;
    'integrations update|--callback-url') REPLY='none' ;;
    'integrations update|--api-key-file') REPLY='files' ;;
    'integrations update|--api-key-env') REPLY='none' ;;
    'integrations update|--events') REPLY='none' ;;
    'integrations update|--entities') REPLY='none' ;;
    'integrations delete|--export') REPLY='dirs' ;;
    'integrations replay|--callback-url') REPLY='none' ;;
    'integrations replay|--api-key-file') REPLY='files' ;;
    'integrations replay|--api-key-env') REPLY='none' ;;
    'integrations replay|--s3-bucket') REPLY='none' ;;
    'integrations replay|--s3-prefix') REPLY='none' ;;
    'integrations replay|--s3-region') REPLY='none' ;;
    'integrations replay|--aws-credentials-file') REPLY='files' ;;
    'integrations replay|--events') REPLY='none' ;;
    'integrations replay|--entities') REPLY='none' ;;
    'integrations replay|--since') REPLY='none' ;;
    'integrations replay|--until') REPLY='none' ;;
    'integrations replay|--id') REPLY='none' ;;
    'integrations replay|--wait-timeout') REPLY='none' ;;
    'integrations replay|--interval') REPLY='none' ;;
    'logs list|--fields') REPLY='none' ;;
    'logs list|--since') REPLY='none' ;;
    'logs list|--until') REPLY='none' ;;
    'logs list|--level') REPLY='none' ;;
    'logs list|--event') REPLY='none' ;;
    'logs list|--status-code') REPLY='none' ;;
    'logs list|--grep') REPLY='none' ;;
    'logs list|--limit') REPLY='none' ;;
    'logs tail|--since') REPLY='none' ;;
    'logs tail|--until') REPLY='none' ;;
    'logs tail|--level') REPLY='none' ;;
    'logs tail|--event') REPLY='none' ;;
    'logs tail|--status-code') REPLY='none' ;;
    'logs tail|--grep') REPLY='none' ;;
    'logs tail|--interval') REPLY='none' ;;
    'logs tail|-n'|'logs tail|--lines') REPLY='none' ;;
    'events list|--fields') REPLY='none' ;;
    'events list|--integration') REPLY='none' ;;
    'events list|--event') REPLY='none' ;;
    'events list|--status') REPLY='choices:success,failure' ;;
    'events list|--entity-id') REPLY='none' ;;
    'events list|--entity-type') REPLY='none' ;;
    'events list|--status-code') REPLY='none' ;;
    'events list|--since') REPLY='none' ;;
    'events list|--until') REPLY='none' ;;
    'events list|--limit') REPLY='none' ;;
    'events tail|--integration') REPLY='none' ;;
    'events tail|--event') REPLY='none' ;;
    'events tail|--status') REPLY='choices:success,failure' ;;
    'events tail|--entity-id') REPLY='none' ;;
    'events tail|--entity-type') REPLY='none' ;;
    'events tail|--status-code') REPLY='none' ;;
    'events tail|--since') REPLY='none' ;;
    'events tail|--interval') REPLY='none' ;;
    'events stats|--integration') REPLY='none' ;;
    'events stats|--event') REPLY='none' ;;
    'events stats|--status') REPLY='choices:success,failure' ;;
    'events stats|--entity-id') REPLY='none' ;;
    'events stats|--entity-type') REPLY='none' ;;
    'events stats|--status-code') REPLY='none' ;;
    'events stats|--since') REPLY='none' ;;
    'events stats|--until') REPLY='none' ;;
    'events stats|--by') REPLY='choices:event,integration,hour' ;;
    'rejected list|--fields') REPLY='none' ;;
    'rejected list|--limit') REPLY='none' ;;
    'rejected list|--event') REPLY='none' ;;
    'rejected list|--since') REPLY='none' ;;
    'rejected list|--until') REPLY='none' ;;
    'rejected list|--entity-id') REPLY='none' ;;
    'rejected list|--status-code') REPLY='none' ;;
    'rejected list|--match') REPLY='none' ;;
    'rejected retry|--event') REPLY='none' ;;
    'rejected retry|--since') REPLY='none' ;;
    'rejected retry|--until') REPLY='none' ;;
    'rejected retry|--entity-id') REPLY='none' ;;
    'rejected retry|--status-code') REPLY='none' ;;
    'rejected retry|--match') REPLY='none' ;;
    'rejected delete|--event') REPLY='none' ;;
    'rejected delete|--since') REPLY='none' ;;
    'rejected delete|--until') REPLY='none' ;;
    'rejected delete|--entity-id') REPLY='none' ;;
    'rejected delete|--status-code') REPLY='none' ;;
    'rejected delete|--match') REPLY='none' ;;
    'rejected export|--event') REPLY='none' ;;
    'rejected export|--since') REPLY='none' ;;
    'rejected export|--until') REPLY='none' ;;
    'rejected export|--entity-id') REPLY='none' ;;
    'rejected export|--status-code') REPLY='none' ;;
    'rejected export|--match') REPLY='none' ;;
    'rejected export|--file') REPLY='files' ;;
    'recover|--drop') REPLY='none' ;;
    'recover|--skip') REPLY='none' ;;
    'recover|--only') REPLY='none' ;;
    'recover|--plan-out') REPLY='files' ;;
    'recover|--plan-in') REPLY='files' ;;
    'recover|--resume') REPLY='none' ;;
    'recover|--on-error') REPLY='choices:stop,skip' ;;
    'recover|--concurrency') REPLY='none' ;;
    'recover|--max-concurrency') REPLY='none' ;;
    'recover|--rate') REPLY='none' ;;
    'recover|--allow-remaining') REPLY='none' ;;
    'recover|--watch') REPLY='none' ;;
    'recover|--max-failure-rate') REPLY='none' ;;
    'recover|--progress') REPLY='choices:auto,ndjson,none' ;;
    'recover|--report') REPLY='none' ;;
    'runs list|--fields') REPLY='none' ;;
    'runs list|--limit') REPLY='none' ;;
    'runs list|--integration') REPLY='none' ;;
    'runs list|--status') REPLY='choices:running,finished,interrupted,failed' ;;
    'runs resume|--watch') REPLY='none' ;;
    'runs resume|--allow-remaining') REPLY='none' ;;
    'runs resume|--progress') REPLY='choices:auto,ndjson,none' ;;
    'runs resume|--report') REPLY='none' ;;
    'runs prune|--older-than') REPLY='none' ;;
    'stock import|--format') REPLY='choices:json,csv,ndjson' ;;
    'stock import|--range') REPLY='none' ;;
    'stock import|--range-from') REPLY='none' ;;
    'stock import|--range-to') REPLY='none' ;;
    'stock import|--store-mapping') REPLY='files' ;;
    'stock import|--upload-url') REPLY='none' ;;
    'stock import|--upload-url-env') REPLY='none' ;;
    'stock import|--source-uri') REPLY='none' ;;
    'stock import|--provider') REPLY='none' ;;
    'stock import|--name') REPLY='none' ;;
    'stock import|--revision') REPLY='none' ;;
    'stock import|--wait-timeout') REPLY='none' ;;
    'stock import|--save-zip') REPLY='files' ;;
    'stock status|--wait-timeout') REPLY='none' ;;
    'stock list|--fields') REPLY='none' ;;
    'stock list|--limit') REPLY='none' ;;
    'stock list|--state') REPLY='choices:received,waiting,processing,finished,failed' ;;
    'stock fail|--reason') REPLY='none' ;;
    'receiver check|--api-key-file') REPLY='files' ;;
    'receiver check|--api-key-env') REPLY='none' ;;
    'receiver check|--events') REPLY='none' ;;
    'receiver check|--count') REPLY='none' ;;
    'receiver check|--concurrency') REPLY='none' ;;
    'receiver check|--verify-url') REPLY='none' ;;
    'sandbox start|--host') REPLY='none' ;;
    'sandbox start|--port') REPLY='none' ;;
    'sandbox start|--state') REPLY='files' ;;
    'sandbox start|--scenario') REPLY='none' ;;
    'sandbox start|--time-scale') REPLY='none' ;;
    'sandbox start|--latency') REPLY='none' ;;
    'sandbox start|--error-rate') REPLY='none' ;;
    'sandbox start|--throttle-rate') REPLY='none' ;;
    'sandbox start|--reset-rate') REPLY='none' ;;
    'sandbox start|--rate-limit') REPLY='none' ;;
    'sandbox start|--rejected-limit') REPLY='none' ;;
    'sandbox start|--token-ttl') REPLY='none' ;;
    'sandbox start|--receiver-port') REPLY='none' ;;
    'sandbox start|--receiver-rule') REPLY='none' ;;
    'sandbox emit|--count') REPLY='none' ;;
    'sandbox emit|--rate') REPLY='none' ;;
    'sandbox emit|--events') REPLY='none' ;;
    'sandbox emit|--url') REPLY='none' ;;
    'sandbox receiver|--host') REPLY='none' ;;
    'sandbox receiver|--port') REPLY='none' ;;
    'sandbox receiver|--rule') REPLY='none' ;;
    'sandbox receiver|--latency') REPLY='none' ;;
    'sandbox receiver|--api-key-file') REPLY='files' ;;
    'sandbox receiver|--api-key-env') REPLY='none' ;;
    'sandbox receiver-rule|--latency') REPLY='none' ;;
    'sandbox receiver-rule|--url') REPLY='none' ;;
    'sandbox reset|--scenario') REPLY='none' ;;
    'sandbox reset|--url') REPLY='none' ;;
    'auth login|--client-id') REPLY='none' ;;
    'doctor|--integration') REPLY='none' ;;
    'api|-F'|'api|--field') REPLY='none' ;;
    'api|--input') REPLY='files' ;;
    *'|--profile') REPLY='profiles' ;;
    *'|--tenant') REPLY='none' ;;
    *'|--stage') REPLY='none' ;;
    *'|--base-url') REPLY='none' ;;
    *'|--token-url') REPLY='none' ;;
    *'|--timeout') REPLY='none' ;;
    *'|-o'|*'|--output') REPLY='choices:table,json,ndjson,tsv' ;;
    *'|--query') REPLY='none' ;;
    *) REPLY='' ;;
  esac
}

# One word per positional argument: ids, files, dirs, none or choices:a,b; "..." = repeats.
_nsx_arguments() {
  case $1 in
    'integrations get') REPLY='ids' ;;
    'integrations register') REPLY='none' ;;
    'integrations update') REPLY='ids' ;;
    'integrations start') REPLY='ids' ;;
    'integrations stop') REPLY='ids' ;;
    'integrations delete') REPLY='ids' ;;
    'integrations help') REPLY='choices:list,get,register,update,start,stop,delete,replay' ;;
    'logs list') REPLY='ids' ;;
    'logs tail') REPLY='ids' ;;
    'logs help') REPLY='choices:list,tail' ;;
    'events help') REPLY='choices:list,tail,stats' ;;
    'rejected list') REPLY='ids' ;;
    'rejected show') REPLY='ids none' ;;
    'rejected retry') REPLY='ids none...' ;;
    'rejected delete') REPLY='ids none...' ;;
    'rejected export') REPLY='ids' ;;
    'rejected triage') REPLY='ids' ;;
    'rejected help') REPLY='choices:list,show,retry,delete,export,triage' ;;
    'recover') REPLY='ids' ;;
    'runs show') REPLY='none' ;;
    'runs resume') REPLY='none' ;;
    'runs help') REPLY='choices:list,show,resume,prune' ;;
    'stock import') REPLY='files' ;;
    'stock status') REPLY='none' ;;
    'stock fail') REPLY='none' ;;
    'stock range') REPLY='files' ;;
    'stock help') REPLY='choices:import,status,list,fail,range' ;;
    'receiver check') REPLY='none' ;;
    'receiver help') REPLY='choices:check' ;;
    'sandbox receiver-rule') REPLY='none' ;;
    'sandbox help') REPLY='choices:start,emit,receiver,receiver-rule,reset' ;;
    'config set') REPLY='none none' ;;
    'config get') REPLY='none' ;;
    'config unset') REPLY='none' ;;
    'config use') REPLY='profiles' ;;
    'config help') REPLY='choices:set,get,unset,list,use' ;;
    'auth help') REPLY='choices:login,logout,status' ;;
    'api') REPLY='none files' ;;
    'completion') REPLY='choices:bash,zsh,fish' ;;
    'help') REPLY='choices:status,integrations,logs,events,rejected,recover,runs,stock,receiver,sandbox,config,auth,whoami,doctor,api,completion' ;;
    *) REPLY='' ;;
  esac
}

_nsx_cache_dir() {
  REPLY=${NSX_CACHE_DIR:-}
  if [[ -z $REPLY ]]; then
    if [[ ${XDG_CACHE_HOME:-} == /* ]]; then REPLY=$XDG_CACHE_HOME/nsx; else REPLY=$HOME/.cache/nsx; fi
  fi
}

_nsx_id_file() {
  local dir key re='^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'
  _nsx_cache_dir; dir=$REPLY
  key=${_nsx_profile:-${NSX_PROFILE:-}}
  if [[ -z $key && -r $dir/current-profile ]]; then IFS= read -r key < "$dir/current-profile"; fi
  key=${key:-default}
  REPLY=''
  if [[ -n ${_nsx_sandbox:-} ]]; then key='@sandbox'; elif [[ ! $key =~ $re ]]; then return 0; fi
  REPLY=$dir/integration-ids.d/$key
}

_nsx_ids() {
  local file id re='^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'
  _nsx_id_file; file=$REPLY
  [[ -n $file && -r $file ]] || return 0
  # Older than a day: stale ids would mislead (find is the one small process started on Tab).
  [[ -n $(find "$file" -mmin -1440 2>/dev/null) ]] || return 0
  # Only words of nsx's id syntax: the cache holds what a server answered.
  while IFS= read -r id; do [[ $id =~ $re ]] && printf '%s\n' "$id"; done < "$file"
}

_nsx_profiles() {
  local id re='^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'
  _nsx_cache_dir
  local file=$REPLY/profile-names
  [[ -r $file ]] || return 0
  while IFS= read -r id; do [[ $id =~ $re ]] && printf '%s\n' "$id"; done < "$file"
}

_nsx_complete_value() {
  local kind=$1 cur=$2 prefix=${3:-}
  case $kind in
    # Not compgen -W: it expands $(...) and backticks in its words. Each id is compared and added as text.
    ids|profiles) local id; COMPREPLY=(); while IFS= read -r id; do [[ $id == "$cur"* ]] && COMPREPLY+=("$prefix$id"); done < <(_nsx_$kind) ;;
    files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    dirs) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
    choices:*) local choices=${kind#choices:}; COMPREPLY=($(compgen -P "$prefix" -W "${choices//,/ }" -- "$cur")) ;;
    *) COMPREPLY=() ;;
  esac
}

_nsx_walk() {
  local word prev=''
  _nsx_path='' _nsx_nargs=0 _nsx_expect='' _nsx_profile='' _nsx_sandbox=''
  for word in "$@"; do
    if [[ -n $_nsx_expect ]]; then
      _nsx_expect=''
      [[ $prev == --profile ]] && _nsx_profile=$word
    elif [[ $word == -* ]]; then
      if [[ $word == --sandbox ]]; then
        _nsx_sandbox=1
      elif [[ $word == --profile=* ]]; then
        _nsx_profile=${word#--profile=}
      elif [[ $word != *=* ]]; then
        _nsx_option_value "$_nsx_path" "$word"
        [[ -n $REPLY ]] && _nsx_expect=$REPLY
      fi
    else
      _nsx_canonical "$_nsx_path" "$word"
      if [[ -n $REPLY ]]; then
        _nsx_path=${_nsx_path:+$_nsx_path }$REPLY
        _nsx_nargs=0
      else
        (( _nsx_nargs++ ))
      fi
    fi
    prev=$word
  done
}

_nsx() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null 2>&1; then
    _init_completion -n =: || return
  else
    # Without bash-completion: split the line up to the cursor ourselves (keeps --flag=value whole).
    local line=${COMP_LINE:0:COMP_POINT}
    read -ra words <<< "$line"
    [[ $line == *[[:space:]] ]] && words+=('')
    cword=$((${#words[@]} - 1))
    cur=${words[cword]}
  fi

  local _nsx_path _nsx_nargs _nsx_expect _nsx_profile _nsx_sandbox
  _nsx_walk "${words[@]:1:cword-1}"

  if [[ -n $_nsx_expect ]]; then
    _nsx_complete_value "$_nsx_expect" "$cur"
    return
  fi
  if [[ $cur == --*=* ]]; then
    _nsx_option_value "$_nsx_path" "${cur%%=*}"
    _nsx_complete_value "$REPLY" "${cur#*=}"
    return
  fi
  if [[ $cur == -* ]]; then
    _nsx_options "$_nsx_path"
    COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
    return
  fi
  _nsx_subcommands "$_nsx_path"
  if [[ -n $REPLY ]]; then
    COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
    return
  fi
  _nsx_arguments "$_nsx_path"
  local -a kinds=($REPLY)
  local kind=${kinds[_nsx_nargs]:-}
  if [[ -z $kind && ${#kinds[@]} -gt 0 && ${kinds[-1]} == *... ]]; then kind=${kinds[-1]}; fi
  kind=${kind%...}
  _nsx_complete_value "$kind" "$cur"
}

complete -F _nsx nsx

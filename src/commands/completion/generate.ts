// Generates the bash, zsh and fish completion scripts from the commander tree, so that they can never
// drift from the commands: `nsx completion <shell>` prints them, and the same text is checked in under
// completions/ (regenerate: npm run completions; a test fails when the checked-in files are stale).
//
// The scripts share one way of reading the command line: walk the words before the cursor, follow
// subcommands (aliases included), skip option values, count positional arguments. The tables that walk
// reads are computed once (walkTables); bash and zsh run the same walker text (POSIX_WALKER), fish its
// own in fish syntax. The command tree they describe is built from the verb declarations (src/commands/
// define.ts), commander's own --help, --version and help commands included. Integration ids come
// from the id cache file of the profile being completed (the line's --profile or --sandbox, else
// NSX_PROFILE, else the current profile), written by `nsx integrations list`, read by the shell itself:
// no nsx process and no network on Tab. A cache older than a day is ignored (ids may be gone). Profile
// names come from the names file nsx writes beside it whenever it writes the config.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Help, type Command, type Option } from 'commander';
import { CURRENT_PROFILE_FILE, ID_CACHE_DIR, PROFILE_NAMES_FILE, SANDBOX_CACHE_KEY } from '../../config/id-cache.js';
import { INTEGRATION_ID_PATTERN } from '../../api/schemas.js';

/** nsx's id syntax as an ERE that bash's and zsh's =~ and fish's string match -r read alike. */
const ID_RE = INTEGRATION_ID_PATTERN.source;

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Where the checked-in scripts live, per shell (relative to the package root). */
export const COMPLETION_FILES: Record<Shell, string> = { bash: 'completions/nsx.bash', zsh: 'completions/_nsx', fish: 'completions/nsx.fish' };

/** What completes at a value position. */
export type ValueKind =
  | { kind: 'none' }
  | { kind: 'choices'; choices: string[] }
  | { kind: 'files' }
  | { kind: 'dirs' }
  | { kind: 'ids' }
  | { kind: 'profiles' };

export interface OptionSpec {
  /** -o, --output */
  flags: string[];
  description: string;
  /** undefined = a flag without a value */
  value: ValueKind | undefined;
}

export interface ArgSpec {
  name: string;
  variadic: boolean;
  value: ValueKind;
}

export interface CommandSpec {
  /** ['rejected', 'retry']; [] for nsx itself */
  path: string[];
  name: string;
  aliases: string[];
  description: string;
  subcommands: CommandSpec[];
  /** Own options (the root's are global: valid after every subcommand too). */
  options: OptionSpec[];
  args: ArgSpec[];
}

// ---- the model ------------------------------------------------------------------------------------

/** Positional arguments named like this complete from the id cache... */
const INTEGRATION_ID_ARGS = new Set(['id', 'integration-id']);
/** ...except where the id is a new one. */
const NEW_ID_COMMANDS = new Set(['integrations register']);

function kindFromName(name: string, choices: readonly string[] | undefined): ValueKind {
  if (choices?.length) return { kind: 'choices', choices: [...choices] };
  const n = name.toLowerCase();
  if (/(^|-)dir(ectory)?$/.test(n)) return { kind: 'dirs' };
  if (/(^|-)(file|path)$/.test(n)) return { kind: 'files' };
  return { kind: 'none' };
}

/** Positional arguments and options that name a configured profile. */
const PROFILE_ARGS = new Set(['profile']);
const PROFILE_OPTIONS = new Set(['--profile']);

function optionSpec(option: Option): OptionSpec {
  const flags = [option.short, option.long].filter((f): f is string => Boolean(f));
  const takesValue = option.required || option.optional;
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? '';
  return {
    flags,
    description: firstLine(option.description),
    value: !takesValue
      ? undefined
      : option.long && PROFILE_OPTIONS.has(option.long)
        ? { kind: 'profiles' }
        : kindFromName(placeholder.replace(/\.\.\.$/, ''), option.argChoices),
  };
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}

export function describeCommand(cmd: Command, path: string[] = [], inherited: readonly OptionSpec[] = []): CommandSpec {
  const help = new Help();
  // Options the root declares (--help on every command) are listed once, as global options.
  const isInherited = (o: OptionSpec) => inherited.some((g) => g.flags.join() === o.flags.join());
  const options = help.visibleOptions(cmd).map(optionSpec).filter((o) => !isInherited(o));
  const globals = path.length === 0 ? options : inherited;
  const subcommands = help.visibleCommands(cmd).map((sub) => {
    const spec = describeCommand(sub, [...path, sub.name()], globals);
    // commander's implicit `help [command]` completes this group's subcommands.
    if (sub.name() === 'help' && !cmd.commands.includes(sub)) {
      const names = help.visibleCommands(cmd).map((c) => c.name()).filter((n) => n !== 'help');
      spec.args = [{ name: 'command', variadic: false, value: { kind: 'choices', choices: names } }];
      spec.options = [];
    }
    return spec;
  });
  const args = cmd.registeredArguments.map((arg) => ({
    name: arg.name(),
    variadic: arg.variadic,
    value:
      INTEGRATION_ID_ARGS.has(arg.name()) && !NEW_ID_COMMANDS.has(path.join(' '))
        ? ({ kind: 'ids' } as const)
        : PROFILE_ARGS.has(arg.name())
          ? ({ kind: 'profiles' } as const)
          : kindFromName(arg.name(), arg.argChoices),
  }));
  return { path, name: cmd.name(), aliases: cmd.aliases(), description: firstLine(cmd.description()), subcommands, options, args };
}

function* allCommands(spec: CommandSpec): Generator<CommandSpec> {
  yield spec;
  for (const sub of spec.subcommands) yield* allCommands(sub);
}

// ---- what the walker reads, computed once for every shell ----------------------------------------------

/** The tables a shell's command-line walker looks words up in; keys are "path|word" (path: "rejected retry"). */
interface WalkTables {
  commands: CommandSpec[];
  /** A subcommand's name and its aliases at a path resolve to the name. */
  canonical: Array<{ keys: string[]; name: string }>;
  /** The options of a command that take a value, and how the value completes. */
  optionValues: Array<{ keys: string[]; kind: ValueKind }>;
  /** The same for the global options, valid at every path. */
  globalValues: Array<{ flags: string[]; kind: ValueKind }>;
}

function walkTables(root: CommandSpec): WalkTables {
  const commands = [...allCommands(root)];
  const key = (c: CommandSpec, word: string) => `${c.path.join(' ')}|${word}`;
  return {
    commands,
    canonical: commands.flatMap((c) => c.subcommands.map((s) => ({ keys: [s.name, ...s.aliases].map((n) => key(c, n)), name: s.name }))),
    optionValues: commands
      .filter((c) => c !== root)
      .flatMap((c) => c.options.filter((o) => o.value).map((o) => ({ keys: o.flags.map((f) => key(c, f)), kind: o.value! }))),
    globalValues: root.options.filter((o) => o.value).map((o) => ({ flags: o.flags, kind: o.value! })),
  };
}

// ---- shared script pieces -------------------------------------------------------------------------

const HEADER = (shell: Shell) =>
  `nsx ${shell} completion, generated from the command tree by src/commands/completion/generate.ts: do not edit.
Install: see \`nsx completion --help\`. Integration ids complete from the cache of the profile being
completed, written by \`nsx integrations list\` (${'$'}{NSX_CACHE_DIR:-${'$'}{XDG_CACHE_HOME:-~/.cache}/nsx}/${ID_CACHE_DIR}/PROFILE);
older than a day = ignored. Profile names complete from ${PROFILE_NAMES_FILE} there, written with the config.`;

const comment = (text: string) => text.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n');

/** Single-quoted for bash and zsh; fish escapes quotes differently (fishQuote). */
function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** ids, profiles, files, dirs, none or choices:a,b,c (one word: the scripts split on commas). */
function kindWord(kind: ValueKind): string {
  return kind.kind === 'choices' ? `choices:${kind.choices.join(',')}` : kind.kind;
}

/** The case arms of _nsx_canonical and _nsx_option_value (bash and zsh read them alike). */
function caseArms(t: WalkTables): { canonical: string[]; valueKinds: string[] } {
  return {
    canonical: t.canonical.map((c) => `${c.keys.map(shQuote).join('|')}) REPLY=${shQuote(c.name)} ;;`),
    valueKinds: [
      ...t.optionValues.map((o) => `${o.keys.map(shQuote).join('|')}) REPLY=${shQuote(kindWord(o.kind))} ;;`),
      ...t.globalValues.map((o) => `${o.flags.map((f) => `*${shQuote(`|${f}`)}`).join('|')}) REPLY=${shQuote(kindWord(o.kind))} ;;`),
    ],
  };
}

/**
 * The command-line walker of bash and zsh, one text for both: reads the words before the cursor (its
 * arguments), follows subcommands (aliases included), skips option values, counts positional arguments.
 * Sets the caller's locals _nsx_path ("rejected retry"), _nsx_nargs, _nsx_expect (the kind of value an
 * option still waits for), _nsx_profile (the line's --profile) and _nsx_sandbox (the line has --sandbox). fish's __nsx_walk does the same in fish.
 */
const POSIX_WALKER = `_nsx_walk() {
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
        _nsx_profile=\${word#--profile=}
      elif [[ $word != *=* ]]; then
        _nsx_option_value "$_nsx_path" "$word"
        [[ -n $REPLY ]] && _nsx_expect=$REPLY
      fi
    else
      _nsx_canonical "$_nsx_path" "$word"
      if [[ -n $REPLY ]]; then
        _nsx_path=\${_nsx_path:+$_nsx_path }$REPLY
        _nsx_nargs=0
      else
        (( _nsx_nargs++ ))
      fi
    fi
    prev=$word
  done
}`;

/**
 * Where bash and zsh find the cache (REPLY), and the id file of the profile being completed: the line's
 * --sandbox or --profile, else NSX_PROFILE, else the current profile nsx wrote down, else "default". A
 * name that is not a safe word has no file the shells read (nsx names its file otherwise).
 */
const POSIX_CACHE_FILES = `_nsx_cache_dir() {
  REPLY=\${NSX_CACHE_DIR:-}
  if [[ -z $REPLY ]]; then
    if [[ \${XDG_CACHE_HOME:-} == /* ]]; then REPLY=$XDG_CACHE_HOME/nsx; else REPLY=$HOME/.cache/nsx; fi
  fi
}

_nsx_id_file() {
  local dir key re='${ID_RE}'
  _nsx_cache_dir; dir=$REPLY
  key=\${_nsx_profile:-\${NSX_PROFILE:-}}
  if [[ -z $key && -r $dir/${CURRENT_PROFILE_FILE} ]]; then IFS= read -r key < "$dir/${CURRENT_PROFILE_FILE}"; fi
  key=\${key:-default}
  REPLY=''
  if [[ -n \${_nsx_sandbox:-} ]]; then key='${SANDBOX_CACHE_KEY}'; elif [[ ! $key =~ $re ]]; then return 0; fi
  REPLY=$dir/${ID_CACHE_DIR}/$key
}`;

/** "ids none..." : one word per positional argument, "..." marking a variadic last one. */
function argKinds(spec: CommandSpec): string {
  return spec.args.map((a) => `${kindWord(a.value)}${a.variadic ? '...' : ''}`).join(' ');
}

// ---- bash -----------------------------------------------------------------------------------------

function bashScript(root: CommandSpec): string {
  const tables = walkTables(root);
  const { commands } = tables;
  const { canonical, valueKinds } = caseArms(tables);
  const p = (spec: CommandSpec) => shQuote(spec.path.join(' '));
  const caseLines = (entries: string[]) => entries.map((e) => `    ${e}`).join('\n');

  const subs = commands.filter((c) => c.subcommands.length).map((c) => `${p(c)}) REPLY=${shQuote(c.subcommands.map((s) => s.name).join(' '))} ;;`);
  const longFlags = (options: OptionSpec[]) => options.flatMap((o) => o.flags.filter((f) => f.startsWith('--'))).join(' ');
  const opts = commands.filter((c) => c !== root && c.options.length).map((c) => `${p(c)}) REPLY=${shQuote(longFlags(c.options))} ;;`);
  const args = commands.filter((c) => c.args.length).map((c) => `${p(c)}) REPLY=${shQuote(argKinds(c))} ;;`);

  return `${comment(HEADER('bash'))}
# Needs bash >= 4; uses bash-completion's _init_completion when it is loaded.

_nsx_subcommands() {
  case $1 in
${caseLines(subs)}
    *) REPLY='' ;;
  esac
}

# The subcommand a word names at a path (aliases resolve to the name), or ''.
_nsx_canonical() {
  case "$1|$2" in
${caseLines(canonical)}
    *) REPLY='' ;;
  esac
}

# A command's own options; the global ones are valid everywhere.
_nsx_options() {
  case $1 in
${caseLines(opts)}
    *) REPLY='' ;;
  esac
  REPLY="$REPLY "${shQuote(longFlags(root.options))}
}

# How an option's value completes ('' = the option takes no value).
_nsx_option_value() {
  case "$1|$2" in
${caseLines(valueKinds)}
    *) REPLY='' ;;
  esac
}

# One word per positional argument: ids, files, dirs, none or choices:a,b; "..." = repeats.
_nsx_arguments() {
  case $1 in
${caseLines(args)}
    *) REPLY='' ;;
  esac
}

${POSIX_CACHE_FILES}

_nsx_ids() {
  local file id re='${ID_RE}'
  _nsx_id_file; file=$REPLY
  [[ -n $file && -r $file ]] || return 0
  # Older than a day: stale ids would mislead (find is the one small process started on Tab).
  [[ -n $(find "$file" -mmin -1440 2>/dev/null) ]] || return 0
  # Only words of nsx's id syntax: the cache holds what a server answered.
  while IFS= read -r id; do [[ $id =~ $re ]] && printf '%s\\n' "$id"; done < "$file"
}

_nsx_profiles() {
  local id re='${ID_RE}'
  _nsx_cache_dir
  local file=$REPLY/${PROFILE_NAMES_FILE}
  [[ -r $file ]] || return 0
  while IFS= read -r id; do [[ $id =~ $re ]] && printf '%s\\n' "$id"; done < "$file"
}

_nsx_complete_value() {
  local kind=$1 cur=$2 prefix=\${3:-}
  case $kind in
    # Not compgen -W: it expands $(...) and backticks in its words. Each id is compared and added as text.
    ids|profiles) local id; COMPREPLY=(); while IFS= read -r id; do [[ $id == "$cur"* ]] && COMPREPLY+=("$prefix$id"); done < <(_nsx_$kind) ;;
    files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    dirs) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
    choices:*) local choices=\${kind#choices:}; COMPREPLY=($(compgen -P "$prefix" -W "\${choices//,/ }" -- "$cur")) ;;
    *) COMPREPLY=() ;;
  esac
}

${POSIX_WALKER}

_nsx() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null 2>&1; then
    _init_completion -n =: || return
  else
    # Without bash-completion: split the line up to the cursor ourselves (keeps --flag=value whole).
    local line=\${COMP_LINE:0:COMP_POINT}
    read -ra words <<< "$line"
    [[ $line == *[[:space:]] ]] && words+=('')
    cword=$((\${#words[@]} - 1))
    cur=\${words[cword]}
  fi

  local _nsx_path _nsx_nargs _nsx_expect _nsx_profile _nsx_sandbox
  _nsx_walk "\${words[@]:1:cword-1}"

  if [[ -n $_nsx_expect ]]; then
    _nsx_complete_value "$_nsx_expect" "$cur"
    return
  fi
  if [[ $cur == --*=* ]]; then
    _nsx_option_value "$_nsx_path" "\${cur%%=*}"
    _nsx_complete_value "$REPLY" "\${cur#*=}"
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
  local kind=\${kinds[_nsx_nargs]:-}
  if [[ -z $kind && \${#kinds[@]} -gt 0 && \${kinds[-1]} == *... ]]; then kind=\${kinds[-1]}; fi
  kind=\${kind%...}
  _nsx_complete_value "$kind" "$cur"
}

complete -F _nsx nsx
`;
}

// ---- zsh ------------------------------------------------------------------------------------------

function zshScript(root: CommandSpec): string {
  const tables = walkTables(root);
  const { commands } = tables;
  const { canonical, valueKinds } = caseArms(tables);
  const p = (spec: CommandSpec) => shQuote(spec.path.join(' '));
  const caseLines = (entries: string[]) => entries.map((e) => `    ${e}`).join('\n');
  const described = (name: string, description: string) => shQuote(`${name.replace(/:/g, '\\:')}:${description}`);

  const subs = commands
    .filter((c) => c.subcommands.length)
    .map((c) => `${p(c)}) reply=(${c.subcommands.map((s) => described(s.name, s.description)).join(' ')}) ;;`);
  const describedFlags = (options: OptionSpec[]) => options.flatMap((o) => o.flags.map((f) => described(f, o.description))).join(' ');
  const opts = commands.filter((c) => c !== root && c.options.length).map((c) => `${p(c)}) reply=(${describedFlags(c.options)}) ;;`);
  const args = commands.filter((c) => c.args.length).map((c) => `${p(c)}) REPLY=${shQuote(argKinds(c))} ;;`);

  return `#compdef nsx
${comment(HEADER('zsh'))}
# Works from $fpath (autoloaded as _nsx) and when sourced after compinit.

_nsx_subcommands() {
  case $1 in
${caseLines(subs)}
    *) reply=() ;;
  esac
}

_nsx_canonical() {
  case "$1|$2" in
${caseLines(canonical)}
    *) REPLY='' ;;
  esac
}

# A command's own options, then the global ones (valid everywhere).
_nsx_options() {
  case $1 in
${caseLines(opts)}
    *) reply=() ;;
  esac
  reply+=(${describedFlags(root.options)})
}

_nsx_option_value() {
  case "$1|$2" in
${caseLines(valueKinds)}
    *) REPLY='' ;;
  esac
}

_nsx_arguments() {
  case $1 in
${caseLines(args)}
    *) REPLY='' ;;
  esac
}

${POSIX_CACHE_FILES}

_nsx_ids() {
  _nsx_id_file
  [[ -n $REPLY ]] || return 1
  # (N.mh-24): the file only if it was modified within the last 24 hours; no process is started.
  local -a fresh
  fresh=( $REPLY(N.mh-24) )
  (( \${#fresh} )) || return 1
  # Only words of nsx's id syntax: the cache holds what a server answered (compadd inserts them quoted).
  local id re='${ID_RE}'
  reply=()
  for id in \${(f)"$(<$fresh[1])"}; do [[ $id =~ $re ]] && reply+=( $id ); done
  (( \${#reply} ))
}

_nsx_profiles() {
  _nsx_cache_dir
  local file=$REPLY/${PROFILE_NAMES_FILE} id re='${ID_RE}'
  [[ -r $file ]] || return 1
  reply=()
  for id in \${(f)"$(<$file)"}; do [[ $id =~ $re ]] && reply+=( $id ); done
  (( \${#reply} ))
}

_nsx_complete_value() {
  local kind=$1
  case $kind in
    ids|profiles) local -a reply; _nsx_$kind && compadd -a reply ;;
    files) _files ;;
    dirs) _files -/ ;;
    choices:*) local -a choices; choices=( \${(s:,:)kind#choices:} ); compadd -a choices ;;
    *) _message 'value' ;;
  esac
}

${POSIX_WALKER}

_nsx() {
  local _nsx_path _nsx_expect _nsx_profile _nsx_sandbox kind
  local -i _nsx_nargs
  _nsx_walk "\${(@)words[2,CURRENT-1]}"

  local cur=$words[CURRENT]
  local -a reply
  if [[ -n $_nsx_expect ]]; then
    _nsx_complete_value "$_nsx_expect"
    return
  fi
  if [[ $cur == --*=* ]]; then
    _nsx_option_value "$_nsx_path" "\${cur%%=*}"
    kind=$REPLY
    compset -P '*='
    _nsx_complete_value "$kind"
    return
  fi
  if [[ $cur == -* ]]; then
    _nsx_options "$_nsx_path"
    _describe -t options option reply
    return
  fi
  _nsx_subcommands "$_nsx_path"
  if (( \${#reply} )); then
    _describe -t commands command reply
    return
  fi
  _nsx_arguments "$_nsx_path"
  local -a kinds
  kinds=( \${=REPLY} )
  kind=\${kinds[_nsx_nargs + 1]:-}
  if [[ -z $kind && \${#kinds} -gt 0 && \${kinds[-1]} == *... ]]; then kind=\${kinds[-1]}; fi
  _nsx_complete_value "\${kind%...}"
}

if [[ \${zsh_eval_context[-1]:-} == loadautofunc ]]; then
  _nsx "$@"
else
  compdef _nsx nsx
fi
`;
}

// ---- fish -----------------------------------------------------------------------------------------

function fishScript(root: CommandSpec): string {
  const tables = walkTables(root);
  const { commands } = tables;
  const canonical = tables.canonical.map((c) => `        case ${c.keys.map(fishQuote).join(' ')}\n            echo ${fishQuote(c.name)}`);
  const valueFlags = [...tables.optionValues.flatMap((o) => o.keys.map(fishQuote)), ...tables.globalValues.flatMap((o) => o.flags.map((f) => fishQuote(`*|${f}`)))];

  const optionLine = (o: OptionSpec, condition: string | undefined) => {
    const parts = ['complete -c nsx'];
    if (condition) parts.push(`-n ${fishQuote(condition)}`);
    for (const f of o.flags) parts.push(f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`);
    const v = o.value;
    if (v) {
      if (v.kind === 'choices') parts.push(`-x -a ${fishQuote(v.choices.join(' '))}`);
      else if (v.kind === 'files') parts.push('-r -F');
      else if (v.kind === 'dirs') parts.push(`-x -a ${fishQuote('(__fish_complete_directories)')}`);
      else if (v.kind === 'ids') parts.push(`-x -a ${fishQuote('(__nsx_ids)')}`);
      else if (v.kind === 'profiles') parts.push(`-x -a ${fishQuote('(__nsx_profiles)')}`);
      else parts.push('-x');
    }
    if (o.description) parts.push(`-d ${fishQuote(o.description)}`);
    return parts.join(' ');
  };
  const argLines = (c: CommandSpec): string[] =>
    c.args.flatMap((a, index) => {
      const cond = `__nsx_argument ${shQuote(c.path.join(' '))} ${index}${a.variadic ? ' +' : ''}`;
      const v = a.value;
      if (v.kind === 'ids') return [`complete -c nsx -n ${fishQuote(cond)} -a ${fishQuote('(__nsx_ids)')}`];
      if (v.kind === 'profiles') return [`complete -c nsx -n ${fishQuote(cond)} -a ${fishQuote('(__nsx_profiles)')}`];
      if (v.kind === 'choices') return [`complete -c nsx -n ${fishQuote(cond)} -a ${fishQuote(v.choices.join(' '))}`];
      if (v.kind === 'files') return [`complete -c nsx -n ${fishQuote(cond)} -F`];
      if (v.kind === 'dirs') return [`complete -c nsx -n ${fishQuote(cond)} -a ${fishQuote('(__fish_complete_directories)')}`];
      return [];
    });

  const perCommand = commands.map((c) => {
    const at = `__nsx_at ${shQuote(c.path.join(' '))}`;
    const lines = [
      `# nsx ${c.path.join(' ')}`.trimEnd(),
      ...c.subcommands.map((s) => `complete -c nsx -n ${fishQuote(at)} -a ${fishQuote(s.name)} -d ${fishQuote(s.description)}`),
      ...(c === root ? [] : c.options.map((o) => optionLine(o, at))),
      ...argLines(c),
    ];
    return lines.join('\n');
  });

  return `${comment(HEADER('fish'))}
# Needs fish >= 3.5 (path mtime).

# The subcommand a word names at a path (aliases resolve to the name), or nothing.
function __nsx_canonical
    switch "$argv[1]|$argv[2]"
${canonical.join('\n')}
    end
end

# Whether an option takes a value at a path (so the next word is not a subcommand or argument).
function __nsx_takes_value
    switch "$argv[1]|$argv[2]"
        case ${valueFlags.join(' ')}
            return 0
    end
    return 1
end

# Reads the command line once per Tab: sets __nsx_path (e.g. "rejected retry"), __nsx_nargs, __nsx_profile
# (the line's --profile) and __nsx_sandbox (1 when the line has --sandbox).
function __nsx_walk
    set -l tokens (commandline -opc)
    set -l key (string join \\n -- $tokens)
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
    if test -z "$key"; and test -r $dir/${CURRENT_PROFILE_FILE}
        read -l current < $dir/${CURRENT_PROFILE_FILE}
        set key $current
    end
    test -z "$key"; and set key default
    if test "$__nsx_sandbox" = 1
        set key '${SANDBOX_CACHE_KEY}'
    else
        string match -rq -- '${ID_RE}' $key; or return
    end
    set -l file $dir/${ID_CACHE_DIR}/$key
    test -r $file; or return
    # Older than a day: stale ids would mislead.
    set -l age (path mtime --relative $file)
    test -n "$age"; and test $age -lt 86400; or return
    # Only words of nsx's id syntax: the cache holds what a server answered.
    while read -l id
        string match -rq -- '${ID_RE}' $id; and printf '%s\\n' $id
    end < $file
end

function __nsx_profiles
    set -l file (__nsx_cache_dir)/${PROFILE_NAMES_FILE}
    test -r $file; or return
    while read -l name
        string match -rq -- '${ID_RE}' $name; and printf '%s\\n' $name
    end < $file
end

complete -c nsx -f

# global options
${root.options.map((o) => optionLine(o, undefined)).join('\n')}

${perCommand.join('\n\n')}
`;
}

// ---- entry points ---------------------------------------------------------------------------------

export function completionScript(program: Command, shell: Shell): string {
  const root = describeCommand(program);
  switch (shell) {
    case 'bash':
      return bashScript(root);
    case 'zsh':
      return zshScript(root);
    case 'fish':
      return fishScript(root);
  }
}

const PACKAGE_ROOT = new URL('../../../', import.meta.url);

/** The shells whose checked-in script differs from what the tree generates now. */
export function staleCompletionFiles(program: Command): Shell[] {
  return SHELLS.filter((shell) => {
    let current = '';
    try {
      current = readFileSync(new URL(COMPLETION_FILES[shell], PACKAGE_ROOT), 'utf8');
    } catch {
      /* missing = stale */
    }
    return current !== completionScript(program, shell);
  });
}

export function writeCompletionFiles(program: Command): string[] {
  return SHELLS.map((shell) => {
    const path = fileURLToPath(new URL(COMPLETION_FILES[shell], PACKAGE_ROOT));
    writeFileSync(path, completionScript(program, shell));
    return path;
  });
}

// `node dist/commands/completion/generate.js --write` (npm run completions) or `--check` (CI).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { buildProgram } = await import('../../cli.js');
  const { Output } = await import('../../output/output.js');
  const out = new Output();
  if (process.argv.includes('--write')) {
    for (const path of writeCompletionFiles(buildProgram())) out.success(`wrote ${path}`);
  } else if (process.argv.includes('--check')) {
    const stale = staleCompletionFiles(buildProgram());
    if (stale.length) {
      out.warn(`stale completion scripts: ${stale.map((s) => COMPLETION_FILES[s]).join(', ')}; run: npm run completions`);
      process.exitCode = 1;
    } else out.success('completion scripts are up to date');
  } else {
    out.notice('usage: node dist/commands/completion/generate.js --write | --check');
    process.exitCode = 2;
  }
}

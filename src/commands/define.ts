// A verb is one declaration: defineCommand({ name, summary, args, options, examples, run }) in
// src/commands/<noun>/<verb>.ts. The handler's argument and option types are inferred from the declared
// args and options (no hand-written flag types), and the same declarations build the commander tree, its
// help, the pre-rendered root help and the completion scripts. A group (defineGroup) is a list of verbs.
// This file loads with the command tree: it imports commander only. A verb keeps its heavy imports
// (zod, undici, workflows) behind a dynamic import inside `run`.
import { Argument, Command, Option } from 'commander';
import { lazy, type CommandContext } from './context.js';

// ---- options -----------------------------------------------------------------------------------------

interface OptionExtras {
  /** Names of options this one cannot be given with (their keys in `options`, or their flags without --). */
  readonly conflicts?: readonly string[];
  /** Not listed in help or completion (flags refused with a clear message, e.g. a secret as a value). */
  readonly hidden?: boolean;
}

/** One option: its commander flags and help, and (as a phantom) the type of its parsed value. */
export interface OptionDecl<F extends string = string, T = unknown> extends OptionExtras {
  readonly flags: F;
  readonly description: string | undefined;
  readonly kind: 'flag' | 'value' | 'list';
  readonly choices?: readonly string[];
  readonly default?: string;
  readonly mandatory?: boolean;
  /** Only in types: what the handler receives. */
  readonly __value?: T;
}

export type OptionDecls = Readonly<Record<string, OptionDecl>>;

/** An option without a value: --dry-run (true when given); --no-start (false when given). */
export function flag<const F extends string>(flags: F, description?: string, extras: OptionExtras = {}): OptionDecl<F, boolean | undefined> {
  return { flags, description, kind: 'flag', ...extras };
}

type ValueExtras<C extends readonly string[]> = OptionExtras & { readonly choices?: C; readonly default?: string; readonly mandatory?: boolean };
type ValueType<C, X> = (C extends readonly (infer U extends string)[] ? (string[] extends C ? string : U) : string) | (X extends { default: string } | { mandatory: true } ? never : undefined);

/** An option with one value: --status <status> (the last one given wins). */
export function value<const F extends string, const C extends readonly string[] = string[], const X extends ValueExtras<C> = ValueExtras<C>>(
  flags: F,
  description?: string,
  extras?: X & ValueExtras<C>,
): OptionDecl<F, ValueType<C, X>> {
  return { flags, description, kind: 'value', ...extras };
}

/** A repeatable option: --event <glob> given twice is ['a', 'b']. */
export function list<const F extends string>(flags: F, description?: string, extras: OptionExtras = {}): OptionDecl<F, string[] | undefined> {
  return { flags, description, kind: 'list', ...extras };
}

type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;
/** The key commander stores an option under: --dry-run -> dryRun, --no-start -> start. */
type LongFlag<F extends string> = F extends `${string}--${infer L}` ? (L extends `${infer N} ${string}` ? N : L) : never;
type AttributeOf<F extends string> = LongFlag<F> extends `no-${infer P}` ? CamelCase<P> : CamelCase<LongFlag<F>>;

/** The options a handler receives: { [attribute]: parsed value } (a --x <v> and its --no-x share a key). */
export type OptionValues<O extends OptionDecls> = {
  -readonly [K in keyof O as O[K] extends OptionDecl<infer F> ? AttributeOf<F> : never]?: O[K] extends OptionDecl<string, infer T> ? Exclude<T, undefined> : never;
} & {
  -readonly [K in keyof O as O[K] extends OptionDecl<infer F, infer T> ? (undefined extends T ? never : AttributeOf<F>) : never]-?: O[K] extends OptionDecl<string, infer T> ? T : never;
};

/**
 * The options of every list, spread into its declaration: Output.list applies them (src/output/output.ts),
 * so a list needs no code of its own for them. A list with a --limit of its own keeps it.
 */
export const LIST_OPTIONS = {
  fields: value('--fields <names>', 'columns of the table or tsv, comma-separated, in this order (e.g. id,status)'),
  header: flag('--header', 'tsv: start with a line of column names'),
} as const;

// ---- arguments ---------------------------------------------------------------------------------------

/** '<id>', '[event-ids...]', or the same with a description and choices. */
export type ArgDecl = string | { readonly name: string; readonly description?: string; readonly choices?: readonly string[] };
type ArgName<A> = A extends string ? A : A extends { name: infer N extends string } ? N : never;
type ArgChoice<A> = A extends { choices: readonly (infer U extends string)[] } ? U : string;
type ArgValue<A> = ArgName<A> extends `${string}...${'>' | ']'}` ? ArgChoice<A>[] : ArgName<A> extends `<${string}>` ? ArgChoice<A> : ArgChoice<A> | undefined;

/** The positional arguments a handler receives, in order: '<id>' is a string, '[x]' string | undefined, '[x...]' string[]. */
export type ArgValues<A extends readonly ArgDecl[]> = { -readonly [I in keyof A]: ArgValue<A[I]> };

// ---- commands ----------------------------------------------------------------------------------------

interface HelpText {
  /** The one line under "Usage:" (and in the parent's list of commands). */
  readonly summary: string;
  /** Text after the options, before the examples (no leading or trailing blank line). */
  readonly help?: string;
  /** Command lines without the "$ " (a continuation line starts with spaces; text after the command is a comment). */
  readonly examples?: readonly string[];
  /** Text after the examples. */
  readonly footer?: string;
}

export interface VerbSpec<A extends readonly ArgDecl[], O extends OptionDecls> extends HelpText {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly args?: A;
  readonly options?: O;
  /** Output modes beyond the global ones that this verb prints (--output openmetrics: nsx status only). */
  readonly outputs?: readonly 'openmetrics'[];
  /** Receives the context, the positional arguments and the options, typed from the declaration. */
  run(ctx: CommandContext, args: ArgValues<A>, opts: OptionValues<O>): Promise<void>;
}

export interface CommandDef<A extends readonly ArgDecl[] = readonly ArgDecl[], O extends OptionDecls = OptionDecls> extends VerbSpec<A, O> {
  readonly type: 'command';
}

export interface GroupDef extends Omit<HelpText, 'summary'> {
  readonly type: 'group';
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly summary: string;
  readonly verbs: readonly Definition[];
}

export type Definition = CommandDef<any, any> | GroupDef; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The positional arguments and options of a declared command, for code that works on them. */
export type ArgsOf<C> = C extends CommandDef<infer A, OptionDecls> ? ArgValues<A> : never;
export type OptionsOf<C> = C extends CommandDef<readonly ArgDecl[], infer O> ? OptionValues<O> : never;

export function defineCommand<const A extends readonly ArgDecl[] = [], const O extends OptionDecls = {}>(spec: VerbSpec<A, O>): CommandDef<A, O> {
  return { type: 'command', ...spec };
}

export function defineGroup(spec: Omit<GroupDef, 'type'>): GroupDef {
  return { type: 'group', ...spec };
}

// ---- the commander tree ------------------------------------------------------------------------------

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const camelCase = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function afterText(spec: HelpText): string | undefined {
  const examples = spec.examples?.length ? `Examples:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}` : undefined;
  const parts = [spec.help, examples, spec.footer].filter((p): p is string => p !== undefined);
  return parts.length ? `\n${parts.join('\n\n')}` : undefined;
}

function commanderOption(key: string, decl: OptionDecl): Option {
  const option = new Option(decl.flags, decl.description);
  // The key in `options` is the flag's own name (--dry-run: dryRun, --no-start: noStart): one spelling.
  const own = camelCase(option.long!.replace(/^--/, ''));
  if (key !== own) throw new Error(`option ${decl.flags}: declare it as ${own}, not ${key}`);
  if (decl.kind === 'list') option.argParser(collect);
  if (decl.choices) option.choices(decl.choices);
  if (decl.default !== undefined) option.default(decl.default);
  if (decl.mandatory) option.makeOptionMandatory();
  if (decl.hidden) option.hideHelp();
  return option;
}

function addOptions(cmd: Command, options: OptionDecls): void {
  const added = Object.entries(options).map(([key, decl]) => [decl, commanderOption(key, decl)] as const);
  for (const [decl, option] of added) {
    if (decl.conflicts?.length) {
      option.conflicts(
        decl.conflicts.map((name) => {
          const other = added.find(([, o]) => o.long === `--${name}` || camelCase(o.long!.replace(/^--/, '')) === name)?.[1];
          if (!other) throw new Error(`option ${decl.flags} conflicts with ${name}, which ${cmd.name()} does not declare`);
          return other.attributeName();
        }),
      );
    }
    cmd.addOption(option);
  }
}

function commanderArgument(decl: ArgDecl): Argument {
  if (typeof decl === 'string') return new Argument(decl);
  const arg = new Argument(decl.name, decl.description);
  if (decl.choices) arg.choices(decl.choices);
  return arg;
}

/** Adds a declared verb or group (and its verbs) under `parent`. */
export function register(parent: Command, def: Definition): Command {
  // Exit codes go through cli.ts's handler; a usage error is followed by the pointer to --help.
  const cmd = parent.command(def.name).exitOverride().showHelpAfterError('(run with --help for usage)').showSuggestionAfterError(true);
  for (const alias of def.aliases ?? []) cmd.alias(alias);
  cmd.description(def.summary);
  if (def.type === 'group') {
    const after = afterText(def);
    if (after) cmd.addHelpText('after', after);
    for (const verb of def.verbs) register(cmd, verb);
    return cmd;
  }
  for (const arg of def.args ?? []) cmd.addArgument(commanderArgument(arg));
  addOptions(cmd, def.options ?? {});
  const after = afterText(def);
  if (after) cmd.addHelpText('after', after);
  // commander parses argv against this declaration, so its values have the declared types.
  cmd.action(lazy(async () => ({ run: (ctx, args, opts) => def.run(ctx, args as never, opts as never) }), def.outputs));
  return cmd;
}

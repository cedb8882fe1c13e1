// Builds the commander tree and is the one exit point: every error becomes one line on stderr and a
// documented exit code. The commands are declarations (src/commands/<noun>/<verb>.ts, grouped in
// src/commands/<noun>/index.ts, see src/commands/define.ts); their handler bodies load lazily, so building
// the tree loads commander and the declarations only.
import { version } from './version.js';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT_CODE_HELP, ExitCode, NsxError } from './errors.js';
import { bindInvocation, type Invocation } from './commands/context.js';
import { runEnded, runStarted } from './lifecycle.js';
import { processIO, type NsxIO } from './io.js';
import type { Output } from './output/output.js';
import { printable } from './output/printable.js';
import { auth } from './commands/auth/index.js';
import { whoami } from './commands/auth/whoami.js';
import { api } from './commands/api/index.js';
import { completion } from './commands/completion/index.js';
import { config } from './commands/config/index.js';
import { doctor } from './commands/doctor/index.js';
import { integrations } from './commands/integrations/index.js';
import { sandbox } from './commands/sandbox/index.js';
import { register, type Definition } from './commands/define.js';
import { logs } from './commands/logs/index.js';
import { events } from './commands/events/index.js';
import { recover } from './commands/recover/index.js';
import { receiver } from './commands/receiver/index.js';
import { rejected } from './commands/rejected/index.js';
import { runs } from './commands/runs/index.js';
import { stock } from './commands/stock/index.js';
import { status } from './commands/status/status.js';

const ROOT_HELP_EXAMPLES = `
Examples:
  $ nsx --sandbox recover erp-orders --yes      rehearse a recovery against a local demo NewStore
  $ nsx auth login --profile acme --tenant acme
  $ nsx integrations list
  $ nsx rejected list erp-orders --fail-if-any  exit 6 when events are waiting (cron, CI)
  $ nsx recover erp-orders                       clear rejected events in order, then restart

Environment: NSX_PROFILE, NSX_TENANT, NSX_STAGE, NSX_BASE_URL, NSX_TOKEN_URL, NSX_CLIENT_ID,
NSX_CLIENT_SECRET, NSX_TOKEN, NSX_CONFIG_DIR, NSX_STATE_DIR, NSX_CACHE_DIR, NO_COLOR, FORCE_COLOR, CI,
HTTPS_PROXY, HTTP_PROXY, NO_PROXY, NSX_MAX_ITEMS (the most items one listing reads: 100000).
Precedence: flags > environment > profile > defaults.
`;

/** Help wraps at the terminal's width, at most 80 columns (the pre-rendered root help is 80 wide). */
export const HELP_WIDTH = 80;
const helpWidth = (stream: NodeJS.WriteStream) => () => Math.min(stream.isTTY ? stream.columns || HELP_WIDTH : HELP_WIDTH, HELP_WIDTH);

/** The commands under nsx, in the order help lists them. */
const COMMANDS: readonly Definition[] = [status, integrations, logs, events, rejected, recover, runs, stock, receiver, sandbox, config, auth, whoami, doctor, api, completion];

/**
 * -o/--output: the modes every command prints are listed in help; openmetrics is accepted here too but only
 * nsx status prints it (its help says so; Output refuses it, exit 2, for the others).
 */
function outputOption(): Option {
  const everywhere = ['table', 'json', 'ndjson', 'tsv'];
  const accepted = [...everywhere, 'openmetrics'];
  return new Option('-o, --output <format>', 'output format (default: table on a terminal, tsv when piped)').choices(everywhere).argParser((value: string) => {
    if (!accepted.includes(value)) throw new InvalidArgumentError(`Allowed choices are ${accepted.join(', ')}.`);
    return value;
  });
}

export function buildProgram(): Command {
  const program = new Command('nsx')
    .description('Operate NewStore event-stream integrations: rejected events, recovery, stock imports, and a local sandbox.')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .addOption(new Option('--profile <name>', 'profile to use (default: the current one)'))
    .addOption(new Option('--tenant <tenant>', 'NewStore tenant, e.g. acme-staging'))
    .addOption(new Option('--stage <stage>', 'NewStore stage: p (production), x, s, t'))
    .addOption(new Option('--base-url <url>', 'API base URL (overrides tenant/stage; http:// only for loopback)'))
    .addOption(new Option('--token-url <url>', 'OAuth2 token URL (overrides the one derived from tenant/stage)'))
    .addOption(new Option('--timeout <duration>', 'deadline for each request, answer included, e.g. 30s'))
    .addOption(outputOption())
    .addOption(new Option('--json', 'same as --output json'))
    .addOption(new Option('--query <jmespath>', "JMESPath applied to the JSON output, as the AWS CLI's (implies --json unless --output is given)"))
    .addOption(new Option('-q, --quiet', 'print only data and errors'))
    .addOption(new Option('-v, --verbose', 'log every HTTP request and response to stderr (secrets redacted), stack traces'))
    .addOption(new Option('--no-input', 'never prompt; fail with exit 3 where a confirmation is needed'))
    .addOption(new Option('--no-color', 'no colours (also NO_COLOR, TERM=dumb)'))
    .addOption(new Option('--sandbox', 'run against an in-process sandbox seeded with the demo scenario (no tenant needed)'))
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ getOutHelpWidth: helpWidth(process.stdout), getErrHelpWidth: helpWidth(process.stderr) })
    .addHelpText('after', `${ROOT_HELP_EXAMPLES}\n${EXIT_CODE_HELP}\n`)
    .exitOverride();

  for (const def of COMMANDS) register(program, def);
  return program;
}

/**
 * `nsx --help` exactly as commander prints it at HELP_WIDTH columns. The build writes it to
 * dist/root-help.txt so that bin/nsx.cjs can answer the most common help without loading commander
 * (see bench/startup.mjs); a test checks it against the live `nsx help`.
 */
export function renderRootHelp(): string {
  let text = '';
  const program = buildProgram();
  program.configureOutput({ writeOut: (s) => (text += s), getOutHelpWidth: () => HELP_WIDTH });
  program.outputHelp();
  return text;
}

/**
 * Runs nsx and returns the exit code; never throws. Everything it reads and writes goes through `io`
 * (src/io.ts): bin/nsx.cjs passes the process's, tests their own (test/helpers/run-nsx-in-process.ts).
 */
export async function main(argv: string[], io: NsxIO = processIO()): Promise<number> {
  // The run's own command line (the lock names its holder by it), not process.argv: in-process runs differ.
  if (!io.argv) io = { ...io, argv };
  let invocation: Invocation | undefined;
  const json = jsonRequested(argv.slice(2));
  // A handler that sets process.exitCode (instead of ctx.setExitCode) must not leave it set for the next run
  // in the same process; the launcher exits with what main returns.
  const exitCodeBefore = process.exitCode;
  runStarted();
  try {
    const program = buildProgram();
    invocation = bindInvocation(program, io);
    writeCommanderTo(program, io);
    // In json modes a usage error is one JSON object on stderr too (reportError writes it), so commander
    // must not print its own lines.
    if (json) quietUsageErrors(program);
    await program.parseAsync(argv);
    return invocation.exitCode ?? Number(process.exitCode ?? 0);
  } catch (error) {
    return reportError(error, io, invocation?.output, json);
  } finally {
    process.exitCode = exitCodeBefore;
    await runEnded();
  }
}

/** Commander's help, version and usage errors go to the run's streams, wrapped at its terminal's width. */
function writeCommanderTo(cmd: Command, io: NsxIO): void {
  const width = (tty: boolean, stream: object) => () => Math.min(tty ? (stream as { columns?: number }).columns || HELP_WIDTH : HELP_WIDTH, HELP_WIDTH);
  cmd.configureOutput({
    writeOut: (s) => void io.stdout.write(s),
    writeErr: (s) => void io.stderr.write(s),
    getOutHelpWidth: width(io.isTTY.stdout, io.stdout),
    getErrHelpWidth: width(io.isTTY.stderr, io.stderr),
    // nsx's help has no colours of its own (commander would otherwise ask the process's streams).
    getOutHasColors: () => false,
    getErrHasColors: () => false,
  });
  for (const sub of cmd.commands) writeCommanderTo(sub, io);
}

/** --json, -o/--output json|ndjson in argv (before commander parsed it: a usage error may stop it). */
function jsonRequested(args: string[]): boolean {
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (a === '--json') json = true;
    const value = a === '-o' || a === '--output' ? args[++i] : /^(?:--output=|-o=?)(.+)$/.exec(a)?.[1];
    if (value !== undefined) json = value === 'json' || value === 'ndjson';
  }
  return json;
}

function quietUsageErrors(cmd: Command): void {
  cmd.configureOutput({ outputError: () => {} }).showHelpAfterError(false);
  for (const sub of cmd.commands) quietUsageErrors(sub);
}

function reportError(error: unknown, io: NsxIO, output: Output | undefined, json = false): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    if (error.code === 'commander.help') return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    // Otherwise commander already printed its message (and the suggestion) to stderr, except in json modes.
    if (json) {
      const [first = '', ...rest] = error.message.replace(/^error: /, '').split('\n');
      const hint = [...rest.map((l) => l.replace(/^\((.*)\)$/, '$1')), 'run with --help for usage'].join('; ');
      io.stderr.write(`${JSON.stringify({ error: { message: first, exit_code: ExitCode.usage, hint } })}\n`);
    }
    return ExitCode.usage;
  }
  if (output) output.error(error);
  else io.stderr.write(`error: ${printable(error instanceof Error ? error.message : String(error))}\n`);
  return error instanceof NsxError ? error.exitCode : ExitCode.error;
}

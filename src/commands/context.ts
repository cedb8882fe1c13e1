// What every command handler receives: the output layer, the global flags, the settings (resolved on first
// use, flags > env > profile > defaults), the API client, Ctrl-C as an AbortSignal, and cleanup hooks, all
// from the IO main() was given (src/io.ts): nothing here reads the process's streams, environment
// or signals itself, so a test runs a command in-process with a fake terminal.
// Handlers are loaded lazily: `lazy(() => import('./list.js'))` keeps start-up to commander and this file.
import type { Command } from 'commander';
import type { ApiClient } from '../api/client.js';
import type { GlobalOptions, Settings } from '../config/profiles.js';
import type { CommandOutputMode, Output, OutputFlags } from '../output/output.js';
import { processIO, withIO, type NsxIO } from '../io.js';
import { commandLine, invocationWords, withInvocation, type CommandWord } from '../hints.js';

export interface GlobalFlags extends GlobalOptions, OutputFlags {
  /** Run against an in-process sandbox seeded with the demo scenario. */
  sandbox?: boolean;
}

export interface CommandContext {
  readonly output: Output;
  readonly globals: GlobalFlags;
  /** The terminal this run was given: streams, TTYs, environment, clock, Ctrl-C. */
  readonly io: NsxIO;
  /**
   * A command line for the user to type next, with this invocation's --profile/--sandbox/target flags:
   * ctx.command('recover', id, yes && '--yes') (falsy words are left out, arrays spread, words quoted).
   */
  command(...words: CommandWord[]): string;
  /** The exit code when the handler returns normally (e.g. exit 6 for --fail-if-any); 0 otherwise. */
  setExitCode(code: number): void;
  /** Aborted on the first Ctrl-C when the command took over interrupts (see onInterrupt). */
  readonly signal: AbortSignal;
  /** Settings by precedence (loaded on first use); throws UsageError for a bad flag or a missing profile. */
  settings(): Promise<Settings>;
  client(): Promise<ApiClient>;
  /** The settings and a client of another profile (flags and environment still apply): nsx status across tenants. */
  clientFor(profile: string): Promise<{ settings: Settings; client: ApiClient }>;
  /** One line on stderr naming profile, tenant and API base: printed first by commands that change anything. */
  announce(): Promise<void>;
  /**
   * The command handles Ctrl-C itself: the first one aborts `signal` (finish the call in flight, flush,
   * exit 130); a second one exits at once. Without this, Ctrl-C exits 130 immediately.
   */
  handleInterrupts(): void;
  /** Runs after the command, success or failure (close servers, flush files). */
  defer(fn: () => Promise<void> | void): void;
}

export type Handler<O = Record<string, unknown>> = (ctx: CommandContext, args: unknown[], opts: O) => Promise<void>;

/** One run of main(): its IO, the output of the command that ran (for the one error exit), its exit code. */
export interface Invocation {
  readonly io: NsxIO;
  output?: Output;
  exitCode?: number;
}

const invocations = new WeakMap<Command, Invocation>();

/** Ties a run's IO to the commander tree main() parses with (each run builds its own tree). */
export function bindInvocation(program: Command, io: NsxIO): Invocation {
  const invocation: Invocation = { io };
  invocations.set(program, invocation);
  return invocation;
}

/** The invocation of the tree `cmd` belongs to; a tree parsed without main() runs with the process's IO. */
function invocationOf(cmd: Command): Invocation {
  let root = cmd;
  while (root.parent) root = root.parent;
  return invocations.get(root) ?? bindInvocation(root, processIO());
}

class RunContext implements CommandContext {
  readonly output: Output;
  readonly globals: GlobalFlags;
  readonly io: NsxIO;
  /** The global words every printed command repeats (see src/hints.ts). */
  readonly hintWords: readonly string[];
  private readonly invocation: Invocation;
  private readonly stopInterrupts: () => void;
  private readonly abort = new AbortController();
  private resolved: Settings | undefined;
  private api: Promise<ApiClient> | undefined;
  private readonly cleanups: Array<() => Promise<void> | void> = [];
  private interruptsHandled = false;

  constructor(cmd: Command, invocation: Invocation, OutputClass: typeof Output, profileOutput?: string, outputs: readonly CommandOutputMode[] = []) {
    this.globals = cmd.optsWithGlobals<GlobalFlags>();
    this.invocation = invocation;
    this.io = invocation.io;
    this.hintWords = invocationWords(this.globals, this.io.env);
    this.output = new OutputClass(this.globals, this.io, profileOutput, outputs);
    invocation.output = this.output;
    this.stopInterrupts = this.io.onInterrupt(this.onSigint);
  }

  command(...words: CommandWord[]): string {
    return commandLine(this.hintWords, words);
  }

  setExitCode(code: number): void {
    this.invocation.exitCode = code;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  private firstInterruptAt = 0;

  private readonly onSigint = (): void => {
    if (this.interruptsHandled && !this.abort.signal.aborted) {
      this.firstInterruptAt = this.io.now();
      this.output.notice('interrupted: finishing the call in flight (Ctrl-C again to quit at once)');
      this.abort.abort(new Error('interrupted'));
      return;
    }
    // when-exit (loaded by conf through atomically) re-raises the same SIGINT at once; only a second
    // Ctrl-C from the person, later than that echo, quits without finishing.
    if (this.interruptsHandled && this.io.now() - this.firstInterruptAt < 250) return;
    this.output.notice('interrupted');
    this.io.exit(130);
  };

  handleInterrupts(): void {
    this.interruptsHandled = true;
  }

  async settings(): Promise<Settings> {
    if (!this.resolved) {
      // conf and the profile code load only for commands that need settings.
      const { resolveSettings } = await import('../config/profiles.js');
      this.resolved = resolveSettings(this.globals, this.io.env);
      if (this.globals.sandbox) this.resolved = await this.startSandbox(this.resolved);
      this.output.addSecret(this.resolved.clientSecret);
      this.output.addSecret(this.resolved.staticToken);
    }
    return this.resolved;
  }

  private async startSandbox(base: Settings): Promise<Settings> {
    // The in-process sandbox is the whole target: a tenant, stage or URL typed beside it would be ignored.
    const typed = (['tenant', 'stage', 'baseUrl', 'tokenUrl'] as const).filter((k) => this.globals[k]);
    if (typed.length) {
      const { UsageError } = await import('../errors.js');
      const flag = { tenant: '--tenant', stage: '--stage', baseUrl: '--base-url', tokenUrl: '--token-url' };
      throw new UsageError(`--sandbox runs against an in-process sandbox (tenant sandbox on a loopback port): ${typed.map((k) => flag[k]).join(', ')} cannot apply`, {
        hint: 'leave out --sandbox to call that target, or the target flags to use the sandbox',
      });
    }
    // Loaded on first use: the CLI does not load the sandbox unless --sandbox is given (in the bundle, the
    // sandbox is a chunk of its own).
    const { startSandbox } = await import('../sandbox/index.js');
    const sandbox = await startSandbox({
      port: 0,
      statePath: null,
      scenario: 'demo',
      timeScale: 600,
      receiver: { rule: 'accept-all' },
    });
    this.defer(() => sandbox.close());
    this.output.info(this.output.errStyle.dim(`sandbox: in-process NewStore at ${sandbox.baseUrl} (demo scenario; the receiver accepts everything: the fix is deployed)`));
    return {
      ...base,
      profile: 'sandbox (in-process)',
      profileExists: true,
      tenant: sandbox.tenant,
      stage: 'sandbox',
      baseUrl: sandbox.baseUrl,
      tokenUrl: sandbox.tokenUrl,
      clientId: sandbox.clientId,
      clientSecret: sandbox.clientSecret,
      staticToken: undefined,
      // The sandbox serves nsx's own route table: a profile's corrections are for its tenant.
      corrections: {},
      overrides: {},
      sources: { ...base.sources, baseUrl: 'sandbox', tokenUrl: 'sandbox', tenant: 'sandbox', clientId: 'sandbox', clientSecret: 'sandbox' },
    };
  }

  client(): Promise<ApiClient> {
    this.api ??= (async () => {
      const settings = await this.settings();
      const { createApiClient } = await import('../config/api-client.js');
      const { formatDuration } = await import('../input/time.js');
      return createApiClient(settings, {
        trace: (line) => this.output.debug(`http: ${line}`),
        secret: (value) => this.output.addSecret(value),
        longWait: (ms, reason) => this.output.warn(`the server asked to wait (${reason}): retrying in ${formatDuration(ms)}`),
      });
    })();
    return this.api;
  }

  async clientFor(profile: string): Promise<{ settings: Settings; client: ApiClient }> {
    const { resolveSettings } = await import('../config/profiles.js');
    const settings = resolveSettings({ ...this.globals, profile }, this.io.env);
    this.output.addSecret(settings.clientSecret);
    this.output.addSecret(settings.staticToken);
    const { createApiClient } = await import('../config/api-client.js');
    const client = createApiClient(settings, {
      trace: (line) => this.output.debug(`http ${profile}: ${line}`),
      secret: (value) => this.output.addSecret(value),
    });
    return { settings, client };
  }

  async announce(): Promise<void> {
    const s = await this.settings();
    this.output.info(this.output.errStyle.dim(`profile ${s.profile} · tenant ${s.tenant ?? '(none)'} · ${s.baseUrl ?? '(no API base)'}`));
  }

  defer(fn: () => Promise<void> | void): void {
    this.cleanups.push(fn);
  }

  async dispose(): Promise<void> {
    this.stopInterrupts();
    for (const fn of this.cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        this.output.debug(`cleanup failed: ${(error as Error).message}`);
      }
    }
  }
}

/** The tenant a command acts on, for locks, plans and journals: the tenant, else the API's host. */
export function targetTenant(settings: Pick<Settings, 'tenant' | 'baseUrl'>): string {
  return settings.tenant ?? (settings.baseUrl ? new URL(settings.baseUrl).host : 'default');
}

/** A commander action that loads its handler module only when the command runs. */
export function lazy<O = Record<string, unknown>>(load: () => Promise<{ run: Handler<O> }>, outputs: readonly CommandOutputMode[] = []) {
  return async (...all: unknown[]): Promise<void> => {
    const cmd = all[all.length - 1] as Command;
    const opts = all[all.length - 2] as O;
    const args = all.slice(0, -2);
    const invocation = invocationOf(cmd);
    // Everything the command does, from reading the profile's output key on, sees this run's IO (its env
    // names the config dir): code with no context reads it through currentIO().
    await withIO(invocation.io, () => runLazy(load, cmd, opts, args, invocation, outputs));
  };
}

async function runLazy<O>(load: () => Promise<{ run: Handler<O> }>, cmd: Command, opts: O, args: unknown[], invocation: Invocation, outputs: readonly CommandOutputMode[]): Promise<void> {
  // The output layer (and chalk) loads here, not at start-up: --help never needs it.
  const { Output } = await import('../output/output.js');
  // The profile key `output` applies when neither --output nor --json was given.
  const flags = cmd.optsWithGlobals<GlobalFlags>();
  let profileOutput: string | undefined;
  if (flags.output === undefined && !flags.json) {
    const { profileOutputSetting } = await import('../config/profiles.js');
    profileOutput = profileOutputSetting(flags, invocation.io.env);
  }
  const ctx = new RunContext(cmd, invocation, Output, profileOutput, outputs);
  try {
    const { run } = await load();
    // Code below the context (hints in workflows) finds this run's words.
    await withInvocation(ctx.hintWords, () => run(ctx, args, opts));
  } catch (error) {
    // An unknown integration id: "did you mean ...?" from the profile's id cache (loaded only then).
    if (error instanceof Error && 'integrationId' in error && error.integrationId) throw (await import('./suggest-id.js')).withIdSuggestion(error, ctx);
    throw error;
  } finally {
    await ctx.dispose();
  }
}


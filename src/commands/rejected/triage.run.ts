// nsx rejected triage <id>: work through rejected events by hand, one group of like failures at a time
// (same event name, receiver status and answer with ids and numbers masked), largest group first. Every
// retry or delete goes through the workflow's hand run (workflows/rejected/hand-run.ts: recover's lock,
// journal and apply engine); this file only asks and prints. The session ends with a summary, an offer to
// start the integration when nothing is left, and the commands that do the same without prompts.
import type { ArgsOf } from '../define.js';
import type { triage } from './triage.js';
import type { EventStreamApi } from '../../api/eventstream.js';
import type { Integration, RejectedEvent } from '../../api/schemas.js';
import { integrationIsRunning, statusName } from '../../api/schemas.js';
import { stateDir } from '../../config/paths.js';
import { ConfirmationError, InterruptedError } from '../../errors.js';
import { parseIntegrationId } from '../../input/ids.js';
import { formatDuration } from '../../input/time.js';
import { askYesNo, choose as chooseFrom, isPromptInterrupt, type Choice } from '../../output/prompts.js';
import { answerText, groupBySignature, type SignatureGroup } from '../../workflows/recover/signature.js';
import { HandRun, type HandAction } from '../../workflows/rejected/hand-run.js';
import { listAllRejected } from '../../workflows/rejected/listing.js';
import { countOutcomes, JOURNAL_OUTCOMES } from '../../workflows/rejected/outcomes.js';
import type { ChalkInstance } from 'chalk';
import type { Output } from '../../output/output.js';
import { tallyResults } from '../../workflows/recover/session.js';
import { targetTenant, type CommandContext } from '../context.js';

/** Ctrl-C inside a prompt: end the session (summary first). */
class QuitByInterrupt extends Error {}

/** A prompt whose Ctrl-C ends the session with its summary. */
async function asked<T>(prompt: Promise<T>): Promise<T> {
  try {
    return await prompt;
  } catch (error) {
    if (isPromptInterrupt(error)) throw new QuitByInterrupt();
    throw error;
  }
}
const choose = <T>(message: string, choices: Choice<T>[]): Promise<T> => asked(chooseFrom(message, choices));
const yesNo = (message: string, defaultAnswer: boolean): Promise<boolean> => asked(askYesNo(message, defaultAnswer));

const SAMPLES = 3;
const PAYLOAD_LINES = 40;

export async function run(ctx: CommandContext, args: ArgsOf<typeof triage>): Promise<void> {
  const id = parseIntegrationId(args[0]);
  if (!ctx.output.canPrompt) {
    throw new ConfirmationError('rejected triage is interactive and needs a terminal (stdin and stdout)', {
      hint: `without one, see the events with ${ctx.command('rejected', 'list', id)}; and what a recover would do with ${ctx.command('recover', id, '--dry-run')}`,
    });
  }
  ctx.handleInterrupts();
  await ctx.announce();
  await new TriageSession(ctx, id).run();
}

class TriageSession {
  private readonly out: Output;
  private readonly s: ChalkInstance;
  private api!: EventStreamApi;
  private integration!: Integration;
  private session!: HandRun;

  constructor(
    private readonly ctx: CommandContext,
    private readonly id: string,
  ) {
    this.out = ctx.output;
    this.s = ctx.output.errStyle;
  }

  async run(): Promise<void> {
    const settings = await this.ctx.settings();
    // The same lock as recover and rejected retry/delete, before anything is read or sent.
    this.session = HandRun.open({ stateDir: stateDir(), tenant: targetTenant(settings), integration: this.id });
    const lock = this.session.lock;
    this.ctx.defer(() => this.session.release());
    if (lock.tookOver) this.out.warn(`took over a stale lock: pid ${lock.tookOver.pid} on ${lock.tookOver.host} is gone`);
    this.api = (await this.ctx.client()).eventstream;
    this.integration = await this.api.getIntegration(this.id);

    let interrupted = false;
    try {
      interrupted = !(await this.loop());
    } catch (error) {
      if (!(error instanceof QuitByInterrupt)) {
        this.session.close({ outcome: 'error', resumable: false, exit_code: 1, message: (error as Error).message });
        throw error;
      }
      interrupted = true;
    }
    await this.finish(interrupted);
  }

  /** The group menu until the user quits or nothing is left; false when a Ctrl-C ended an apply. */
  private async loop(): Promise<boolean> {
    for (;;) {
      const events = await listAllRejected(this.api, this.id, { signal: this.ctx.signal });
      if (events.length === 0) {
        this.out.notice(`${this.s.green('✓')} ${this.id} holds no rejected events.`);
        return true;
      }
      const groups = groupBySignature(events);
      this.out.notice(
        `\n${this.id} (${statusName(this.integration.status)}): ${events.length} rejected event${events.length === 1 ? '' : 's'} in ${groups.length} group${groups.length === 1 ? '' : 's'} of like failures, largest first`,
      );
      const pick = await choose<number>('Which group?', [
        ...groups.map((g, i) => ({ name: this.groupLabel(g), value: i })),
        { name: 'Quit', value: -1 },
      ]);
      if (pick < 0) return true;
      if (!(await this.groupMenu(groups[pick]!))) return false;
    }
  }

  private groupLabel(g: SignatureGroup): string {
    const sig = g.signature;
    return `${String(g.events.length).padStart(4)} × ${sig.name} · ${sig.status === null ? 'no answer' : `HTTP ${sig.status}`} · ${sig.answer}`;
  }

  /** false when a Ctrl-C ended an apply. */
  private async groupMenu(group: SignatureGroup): Promise<boolean> {
    const n = group.events.length;
    for (;;) {
      const action = await choose<'view' | 'retry' | 'delete' | 'each' | 'back'>(this.groupLabel(group).trim(), [
        { name: `View ${Math.min(SAMPLES, n)} sample${n === 1 ? '' : 's'}`, value: 'view' },
        { name: `Retry all ${n} (oldest first)`, value: 'retry' },
        { name: `Delete all ${n} (asks first; they are never delivered)`, value: 'delete' },
        { name: 'One event at a time', value: 'each' },
        { name: 'Skip: back to the groups', value: 'back' },
      ]);
      switch (action) {
        case 'view':
          for (const ev of group.events.slice(0, SAMPLES)) this.out.notice(this.renderEvent(ev, true));
          continue;
        case 'retry':
          return this.apply(group.events, 'retry');
        case 'delete':
          if (!(await yesNo(`Delete ${n} rejected ${group.signature.name} event${n === 1 ? '' : 's'}? They will never be delivered.`, false))) continue;
          return this.apply(group.events, 'delete');
        case 'each':
          return this.eachEvent(group);
        case 'back':
          return true;
      }
    }
  }

  private async eachEvent(group: SignatureGroup): Promise<boolean> {
    for (const [i, ev] of group.events.entries()) {
      this.out.notice(this.renderEvent(ev, false));
      for (;;) {
        const action = await choose<'view' | 'retry' | 'delete' | 'skip' | 'back'>(`Event ${i + 1} of ${group.events.length}: ${ev.event.name} ${ev.id}`, [
          { name: 'View the payload', value: 'view' },
          { name: 'Retry it', value: 'retry' },
          { name: 'Delete it (asks first)', value: 'delete' },
          { name: 'Skip it', value: 'skip' },
          { name: 'Back to the groups', value: 'back' },
        ]);
        if (action === 'view') {
          this.out.notice(this.renderEvent(ev, true));
          continue;
        }
        if (action === 'back') return true;
        if (action === 'retry' && !(await this.apply([ev], 'retry'))) return false;
        if (action === 'delete') {
          if (!(await yesNo(`Delete ${ev.event.name} ${ev.id}? It will never be delivered.`, false))) continue;
          if (!(await this.apply([ev], 'delete'))) return false;
        }
        break;
      }
    }
    return true;
  }

  private renderEvent(ev: RejectedEvent, withPayload: boolean): string {
    const status = ev.response?.status_code;
    const lines = [
      '',
      `${this.s.bold(`${ev.event.name} ${ev.id}`)} ${this.s.dim(`rejected ${ev.rejected_at}${ev.attempts ? ` · ${ev.attempts} attempt(s)` : ''}`)}`,
      `  receiver answered ${status ?? '(nothing)'}: ${answerText(ev.response?.body)}`,
    ];
    if (withPayload) {
      const payload = JSON.stringify(ev.event.payload, null, 2).split('\n');
      lines.push(...payload.slice(0, PAYLOAD_LINES).map((l) => `  ${l}`));
      if (payload.length > PAYLOAD_LINES) lines.push(this.s.dim(`  … ${payload.length - PAYLOAD_LINES} more lines: ${this.ctx.command('rejected', 'show', this.id, ev.id)}`));
    }
    return lines.join('\n');
  }

  /** Retries or deletes these events (oldest first) in the hand run; false when Ctrl-C ended it. */
  private async apply(events: RejectedEvent[], verb: HandAction): Promise<boolean> {
    const spinner = await this.out.spinner(`${verb === 'retry' ? 'retrying' : 'deleting'} ${events.length} event(s)`);
    const started = performance.now();
    const result = await this.session
      .act(this.api, this.integration, events, verb, {
        signal: this.ctx.signal,
        onProgress: (done, total) => spinner.update(`${verb === 'retry' ? 'retrying' : 'deleting'}: ${done}/${total}`),
      })
      .finally(() => spinner.stop());

    const c = countOutcomes(result.records);
    const failed = result.records.filter((r) => JOURNAL_OUTCOMES[r.outcome] === 'still_rejected' || JOURNAL_OUTCOMES[r.outcome] === 'failed');
    const parts =
      verb === 'retry'
        ? [`${c.delivered} delivered`, failed.length ? `${failed.length} still rejected` : '', c.skipped ? `${c.skipped} held back` : '']
        : [`${c.deleted} deleted`, failed.length ? `${failed.length} not deleted` : ''];
    if (c.gone) parts.push(`${c.gone} gone (no longer rejected before nsx touched them)`);
    const line = `${verb === 'retry' ? 'retried' : 'deleted'} ${result.records.length} in ${formatDuration(performance.now() - started)}: ${parts.filter(Boolean).join(', ')}`;
    if (failed.length) {
      this.out.warn(line);
      const f = failed[0]!;
      this.out.notice(`  e.g. ${f.event_name} ${f.event_id}: ${f.receiver_answer !== undefined ? `HTTP ${f.receiver_status ?? '?'} ${f.receiver_answer}` : (f.error ?? '')}`);
    } else this.out.success(line);
    return !result.interrupted;
  }

  private async finish(interrupted: boolean): Promise<void> {
    let remaining: number | undefined;
    try {
      remaining = interrupted ? undefined : (await listAllRejected(this.api, this.id)).length;
    } catch {
      remaining = undefined;
    }
    const t = tallyResults(this.session.latest(), remaining ?? 0);
    this.out.notice(
      `\nThis session: ${t.delivered} delivered, ${t.deleted} deleted, ${t.failed} still rejected${t.gone ? `, ${t.gone} gone` : ''}` +
        `${remaining !== undefined ? `; ${remaining} rejected event${remaining === 1 ? '' : 's'} remain` : ''}.`,
    );
    const journal = this.session.journalPath;
    if (journal) this.out.notice(this.s.dim(`journal: ${journal}`));

    let started = false;
    // Ctrl-C at the start question ends the session like Ctrl-C anywhere: exit 130, not started.
    let startInterrupted = false;
    const quitToFalse = (e: unknown): boolean => {
      if (!(e instanceof QuitByInterrupt)) throw e;
      startInterrupted = true;
      return false;
    };
    if (!interrupted && remaining === 0) {
      const current = await this.api.getIntegration(this.id);
      if (!integrationIsRunning(current) && (await yesNo(`Nothing is left. Start ${this.id} now?`, true).catch(quitToFalse))) {
        await this.api.startIntegration(this.id);
        started = true;
        this.session.noteStarted();
        this.out.success(`started ${this.id}`);
      }
    } else if (!interrupted && remaining && !integrationIsRunning(this.integration)) {
      this.out.notice(`${this.id} stays stopped while rejected events remain; when they are handled: ${this.ctx.command('recover', this.id)}`);
    }

    const commands = this.equivalentCommands(started);
    if (commands.length) this.out.notice(`\nThe same without prompts:\n${commands.map((c) => `  $ ${c}`).join('\n')}`);
    interrupted ||= startInterrupted;
    this.session.close({ outcome: interrupted ? 'interrupted' : 'completed', resumable: false, exit_code: interrupted ? 130 : 0 });
    if (interrupted) throw new InterruptedError('triage interrupted', journal ? { hint: `what was done is in ${journal}` } : undefined);
  }

  /** What this session did, as commands that need no prompts: run in order, they do exactly the same. */
  private equivalentCommands(started: boolean): string[] {
    const lines: string[] = [];
    for (const d of this.session.steps) lines.push(this.ctx.command('rejected', d.verb, this.id, d.ids, '--yes'));
    if (started) lines.push(this.ctx.command('integrations', 'start', this.id));
    return lines;
  }
}

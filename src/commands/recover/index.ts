import { defineCommand, flag, list, value } from '../define.js';

export const recover = defineCommand({
  name: 'recover',
  summary: 'bring a stopped integration back: retry (or drop) its rejected events in order, then start it and watch it',
  args: ['<integration-id>'],
  options: {
    drop: list('--drop <filter>', 'delete matching events instead of retrying them (repeatable; keys: event, entity-id, status-code, since, until, match)'),
    skip: list('--skip <filter>', 'leave matching events where they are (repeatable)'),
    only: list('--only <filter>', 'handle only matching events; the others are skipped (repeatable)'),
    dryRun: flag('--dry-run', 'print the plan and stop (no lock, no journal, nothing changed)'),
    planOut: value('--plan-out <file>', 'save the plan (JSON) for review'),
    planIn: value('--plan-in <file>', 'apply exactly a saved plan; refuses (exit 7) if the server holds rejected events it does not mention'),
    resume: value('--resume <run-id>', 'continue this run (default: the newest unfinished run of this integration)'),
    noResume: flag('--no-resume', 'start a new plan even if an unfinished run exists'),
    yes: flag('-y, --yes', 'go ahead without asking (required without a terminal)'),
    onError: value('--on-error <mode>', 'stop: the first event not delivered ends the run (exit 6); skip: go on and report', { choices: ['stop', 'skip'] }),
    concurrency: value('--concurrency <auto|n>', 'events of different entities in parallel (same entity: never, order kept); auto: adapt to the tenant\'s answers; 1: one event at a time [default: auto]'),
    maxConcurrency: value('--max-concurrency <n>', 'under --concurrency auto: never more calls in flight than this [default: 32]'),
    rate: value('--rate <n/s>', 'at most this many calls per second, e.g. 20/s'),
    allowRemaining: value('--allow-remaining <n>', 'start even if up to N rejected events remain [default: 0]'),
    noStart: flag('--no-start', 'stop after the rejected events are handled; do not start the integration'),
    watch: value('--watch <duration>', 'after the start, watch status and log for this long [default: 10s]'),
    maxFailureRate: value('--max-failure-rate <rate>', 'after the watch, exit 6 when more of the delivery attempts NewStore published since the start failed than this: 0.05 or 5% (default: only a stop or a new rejected event fails the run)'),
    progress: value('--progress <mode>', 'auto: a progress line on a terminal; ndjson: one JSON line per event on stderr; none', { choices: ['auto', 'ndjson', 'none'] }),
    report: value('--report <file.md>', 'write a Markdown incident report'),
  },
  help: `Steps: say why it stopped -> lock (one command at a time retries or deletes the rejected events of an
integration on this machine: recover, rejected retry/delete, triage) -> plan: every rejected
event, oldest first (rejected_at, published_at, id) -> confirm -> retry/delete in order, each step written to
a journal -> re-list until no rejected events remain -> start -> watch.

Filters (--drop, --skip, --only) use the filter syntax of nsx rejected list, as KEY=VALUE terms that must all
hold: event=GLOB, entity-id=ID, status-code=400|4xx, since=TIME, until=TIME, match=PATH=VALUE.
--skip wins over --drop. With --skip or --only, events stay behind: add --allow-remaining N to start anyway.

Delivery is at-least-once: an event whose outcome was not recorded (a crash, Ctrl-C during a call, a
connection reset) is sent again, so the receiver must be idempotent (dedupe on event name +
idempotency_key). Re-running the same command continues an interrupted or stopped run from its journal
(in the state dir, runs/<run-id>.jsonl); its plan and rules stay as they were, and the rules it carries
over are printed first. With --yes and no terminal, a re-run whose flags differ from the run's exits 7
and names both ways on: --resume RUN-ID (the run as it is) or --no-resume (a new plan with these flags).

After the watch, nsx reads the published events of the integration since the start (NewStore's delivery
attempts, retries included) and reports how many succeeded and failed: one line on stderr, "published" in
the JSON report, a section of the --report file. With --max-failure-rate, a failure rate above it ends the
run with exit 6; without it only a stop or a new rejected event does. Not read with --watch 0; a read that
fails is reported in one line and does not fail the run.`,
  examples: [
    'nsx --sandbox recover erp-orders --yes                  rehearse against the local demo NewStore',
    'nsx recover erp-orders --dry-run                         show the plan, change nothing',
    'nsx recover erp-orders --drop "event=order.items_cancelled" --yes',
    'nsx recover erp-orders --concurrency 8 --rate 50/s --yes',
    'nsx recover erp-orders --max-concurrency 16 --yes --verbose   (auto, the default: the level and each change on stderr)',
    'nsx recover erp-orders --concurrency 1 --yes                 (one event at a time, in the plan\'s order)',
    'nsx recover erp-orders --dry-run --plan-out plan.json && nsx recover erp-orders --plan-in plan.json --yes',
    'nsx recover erp-orders --yes --progress ndjson --output json --report incident.md   (CI)',
    'nsx recover erp-orders --yes --watch 1m --max-failure-rate 1%   (exit 6 if over 1% of the deliveries since the start failed)',
  ],
  footer: `Exit codes: 0 recovered (or nothing to do); 3 not confirmed; 6 an event was not delivered (--on-error stop),
some failed, the integration stopped again while watched, or more published attempts failed than
--max-failure-rate; 7 locked by another command, an unfinished run whose flags differ (see above),
rejected events remain (not started), or --plan-in does not match the server; 130 interrupted (the journal is complete; re-run to resume).`,
  async run(ctx, args, opts): Promise<void> {
    await (await import('./run.js')).run(ctx, args, opts);
  },
});

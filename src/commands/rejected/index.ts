import { Option, type Command } from 'commander';
import { lazy } from '../context.js';
import { addRejectedFilterOptions } from '../filter-options.js';

const FILTER_HELP = `
Filters: every filter given must hold; repeat a flag or separate values with commas for alternatives
(--event "order.created,order.opened"). The same flags mean the same in logs and recover.`;

function batchOptions(cmd: Command, verb: string): Command {
  return addRejectedFilterOptions(cmd)
    .addOption(new Option('--all', `${verb} every rejected event (that the filters keep); not with event ids`))
    .addOption(new Option('--dry-run', `list what would be ${verb === 'retry' ? 'retried' : 'deleted'} and send nothing`))
    .addOption(new Option('-y, --yes', 'do not ask for confirmation (required without a terminal)'));
}

export function registerRejected(program: Command): void {
  const rejected = program
    .command('rejected')
    .description("events the receiver answered 400: list, inspect, retry, delete, export")
    .addHelpText(
      'after',
      `
Rejected events are listed oldest first. retry and delete act on explicit event ids or on --all, both
narrowed by the filters, oldest first, after a confirmation (--yes without a terminal).

Examples:
  $ nsx rejected list erp-orders --event "order.*" --since 24h
  $ nsx rejected list erp-orders --fail-if-any --quiet      exit 6 when anything is waiting (cron, CI)
  $ nsx rejected show erp-orders evt-00000169
  $ nsx rejected retry erp-orders --all --status-code 400 --dry-run
  $ nsx rejected delete erp-orders evt-00000169 evt-00000172 --yes
  $ nsx rejected export erp-orders --file rejected.ndjson`,
    );

  addRejectedFilterOptions(rejected.command('list <id>').alias('ls'))
    .description('list the rejected events of an integration (oldest first; the filters apply)')
    .addOption(new Option('--fail-if-any', 'exit 6 when any event matches (prints the list; with --quiet nothing, like grep -q)'))
    .addHelpText(
      'after',
      `${FILTER_HELP}

Examples:
  $ nsx rejected list erp-orders
  $ nsx rejected list erp-orders --status-code 4xx --match items.0.product_id=10000102
  $ nsx rejected list erp-orders --output ndjson | jq -r .event.payload.id
  $ nsx rejected list erp-orders --event "order.*" --fail-if-any --quiet || alert "orders are stuck"`,
    )
    .action(lazy(() => import('./list.js')));

  rejected
    .command('show <id> <event-id>')
    .description("one rejected event: its payload and the receiver's answer (--json: the whole object)")
    .addHelpText(
      'after',
      `
Examples:
  $ nsx rejected show erp-orders evt-00000169
  $ nsx rejected show erp-orders evt-00000169 --json | jq .event.payload`,
    )
    .action(lazy(() => import('./show.js')));

  batchOptions(rejected.command('retry <id> [event-ids...]'), 'retry')
    .description('send rejected events to the receiver again, oldest first; exit 6 if some are still rejected')
    .addHelpText(
      'after',
      `${FILTER_HELP}

Each event is retried once; one the receiver accepts leaves the rejected list, one it rejects again stays
(attempts + 1). The summary counts delivered, still rejected and not found (already delivered or deleted).

Examples:
  $ nsx rejected retry erp-orders evt-00000169 evt-00000172
  $ nsx rejected retry erp-orders --all --event "order.*" --dry-run
  $ nsx rejected retry erp-orders --all --since 2h --yes --json | jq .still_rejected`,
    )
    .action(lazy(() => import('./retry.js')));

  batchOptions(rejected.command('delete <id> [event-ids...]'), 'delete')
    .description('delete rejected events (they are never delivered); exit 6 if some could not be deleted')
    .addHelpText(
      'after',
      `${FILTER_HELP}

Examples:
  $ nsx rejected delete erp-orders evt-00000169
  $ nsx rejected delete erp-orders --all --event order.items_swapped --dry-run
  $ nsx rejected export erp-orders --file before.ndjson && nsx rejected delete erp-orders --all --yes`,
    )
    .action(lazy(() => import('./delete.js')));

  addRejectedFilterOptions(rejected.command('export <id>'))
    .description('write the rejected events (the filters apply) as NDJSON, to stdout or a file')
    .addOption(new Option('--file <path>', 'write to this file (mode 0600, written atomically) instead of stdout'))
    .addOption(new Option('--force', 'replace the file if it exists'))
    .addHelpText(
      'after',
      `
Always NDJSON (one whole rejected event per line), whatever --output says. Payloads are customer data:
the file is created owner-only.

Examples:
  $ nsx rejected export erp-orders > rejected.ndjson
  $ nsx rejected export erp-orders --file rejected.ndjson --force
  $ nsx rejected export erp-orders --event "order.*" | jq -c .event.payload`,
    )
    .action(lazy(() => import('./export.js')));

  rejected
    .command('triage <id>')
    .description('work through rejected events by hand in a terminal, grouped by how they failed (largest group first)')
    .addHelpText(
      'after',
      `
Groups: same event name, receiver status and answer (ids and numbers masked). For a group: view samples,
retry it, delete it (asks first), go through its events one by one, or skip it. Retries and deletes go
through the same engine and journal as nsx recover (oldest first; events of one entity one at a time).
At the end: a summary, an offer to start the integration when nothing is left, and the commands that do
the same without prompts. Needs a terminal (exit 3 otherwise: use nsx recover or nsx rejected retry).

Examples:
  $ nsx rejected triage erp-orders
  $ nsx --sandbox rejected triage erp-orders`,
    )
    .action(lazy(() => import('./triage.js')));
}

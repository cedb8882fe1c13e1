import { Option, type Command } from 'commander';
import { addLogFilterOptions } from '../filter-options.js';
import { lazy } from '../context.js';

export function registerLogs(program: Command): void {
  const logs = program
    .command('logs')
    .description("read an integration's log: delivery errors, stops, restarts")
    .addHelpText(
      'after',
      `
Examples:
  $ nsx logs list erp-orders --level error --since 1d
  $ nsx logs tail erp-orders --until-stopped`,
    );

  addLogFilterOptions(
    logs
      .command('list <id>')
      .alias('ls')
      .description('list log entries, newest first, all pages (streamed)'),
  )
    .addOption(new Option('--limit <n>', 'stop after N matching entries'))
    .addHelpText(
      'after',
      `
The filter flags mean the same as on nsx rejected; all given must hold.
A table on a terminal, tab-separated when piped; --output ndjson streams one entry per line.

Examples:
  $ nsx logs list erp-orders --since 2h
  $ nsx logs list erp-orders --level error,warning --grep "timed out" --limit 20
  $ nsx logs list erp-orders --since 2026-11-20 --until 2026-11-21 --output ndjson > erp-orders-logs.ndjson
  $ nsx logs list erp-orders --json | jq -r '.[] | select(.status_code == 400) | .event_name' | sort | uniq -c`,
    )
    .action(lazy(() => import('./list.js')));

  addLogFilterOptions(
    logs
      .command('tail <id>')
      .description('print new log entries as they appear (Ctrl-C to stop)'),
  )
    .addOption(new Option('--interval <duration>', 'how often to poll (default: 2s)'))
    .addOption(new Option('-n, --lines <n>', 'how many recent entries to print first (default: 10; 0 = only new ones)'))
    .addOption(new Option('--until-stopped', 'exit 7 as soon as the integration is stopped (for alerting scripts)'))
    .addHelpText(
      'after',
      `
Entries print oldest to newest, each once. --json prints one JSON object per entry (a stream jq reads),
--output ndjson one per line. Ctrl-C exits 130. --until cannot be used here.

Examples:
  $ nsx logs tail erp-orders
  $ nsx logs tail erp-orders --level error --interval 10s
  $ nsx logs tail erp-orders --until-stopped --lines 0 --output ndjson || notify-ops "erp-orders stopped"`,
    )
    .action(lazy(() => import('./tail.js')));
}

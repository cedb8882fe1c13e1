import { Option, type Command } from 'commander';
import { lazy } from '../context.js';
import { addDestinationOptions, addFilterOptions, addWebhookOptions } from './destination-options.js';

export function registerIntegrations(program: Command): void {
  const integrations = program
    .command('integrations')
    .alias('integration')
    .description('list, inspect, register, update, start, stop, delete and replay event-stream integrations')
    .addHelpText(
      'after',
      `
NewStore allows at most 25 integrations (stopped and temporary ones count).
Secrets (api_key, aws_secret_access_key) are masked in every output unless you pass --show-secrets to get.

Examples:
  $ nsx integrations list --status stopped
  $ nsx integrations get erp-orders --json
  $ nsx integrations register erp-orders --callback-url https://erp.example.com/newstore --api-key-env ERP_API_KEY
  $ nsx integrations update erp-orders --api-key-file ~/.secrets/erp-key-2026
  $ nsx integrations stop wms-fulfillment --yes
  $ nsx integrations delete old-erp --export ./old-erp-backup
  $ nsx integrations replay --since 2026-11-20 --until 2026-11-21 --callback-url https://erp.example.com/newstore --wait`,
    );

  integrations
    .command('list')
    .alias('ls')
    .description('list integrations: id, status, type, destination, starts_at, ends_at')
    .addOption(new Option('--status <status>', 'only running or only stopped integrations').choices(['running', 'stopped']))
    .addHelpText(
      'after',
      `
The destination is the callback host of a webhook or s3://bucket/prefix of an S3 export.
A table on a terminal, tab-separated when piped; --json / --output ndjson print whole integrations (secrets masked).

Examples:
  $ nsx integrations list
  $ nsx integrations list --status stopped --output tsv | cut -f1
  $ nsx integrations list --json | jq -r '.[] | select(.status == "stopped") | .id'`,
    )
    .action(lazy(() => import('./list.js')));

  integrations
    .command('get <id>')
    .description('show one integration (api_key and aws_secret_access_key masked)')
    .option('--show-secrets', 'print api_key and aws_secret_access_key as stored (also in --json)')
    .addHelpText(
      'after',
      `
Examples:
  $ nsx integrations get erp-orders
  $ nsx integrations get erp-orders --json | jq .status
  $ nsx integrations get erp-orders --show-secrets --json | jq -r .callback_parameters.api_key`,
    )
    .action(lazy(() => import('./get.js')));

  addDestinationOptions(
    integrations
      .command('register <id>')
      .description('register a webhook or S3 integration (it starts at once)'),
  )
    .addOption(new Option('--starts-at <time>', 'deliver events from this time: ISO date/time or an age (7d = seven days ago)'))
    .addOption(new Option('--ends-at <time>', 'with --starts-at: a temporary integration that stops at this time: ISO or a span from now (2h)'))
    .addHelpText(
      'after',
      `
Ids: letters, digits, ".", "_" and "-", at most 64 characters. The callback URL must be https:// (http://
only for localhost). The api key is read from a file, stdin or an environment variable, never from a flag
value; the same holds for AWS keys. Before registering, nsx checks that the id is free and that fewer than
25 integrations exist (exit 7 otherwise).

Examples:
  $ nsx integrations register erp-orders --callback-url https://erp.example.com/newstore \\
      --api-key-file ~/.secrets/erp-key --events order.created,order.cancelled
  $ printf %s "$ERP_KEY" | nsx integrations register wms --callback-url https://wms.example.com/hook \\
      --api-key-stdin --entities fulfillment_request
  $ nsx integrations register archive --s3-bucket acme-events --s3-prefix newstore/ --s3-region eu-central-1 \\
      --aws-credentials-env
  $ nsx integrations register erp-test --callback-url https://erp-test.example.com/hook --api-key-env ERP_TEST_KEY \\
      --starts-at 2h --ends-at 1d`,
    )
    .action(lazy(() => import('./register.js')));

  addFilterOptions(
    addWebhookOptions(
      integrations
        .command('update <id>')
        .description("change a webhook's callback URL or api key (rotate it), or the event filter"),
    ),
  )
    .option('-y, --yes', 'do not ask (required when there is no terminal, e.g. with --api-key-stdin)')
    .addHelpText(
      'after',
      `
Only what you give changes (PATCH). The new api key is read from a file, stdin or an environment variable,
never from a flag value. --events / --entities replace the whole filter. nsx shows the change (keys
masked) and asks in a terminal; without one pass --yes, or nsx exits 3. Then it reads the integration back.

Rotating the api key without losing events:
  1. make the receiver accept both the old and the new key
  2. nsx integrations update ID --api-key-file NEW-KEY-FILE
  3. once deliveries with the new key arrive (nsx logs list ID --since 10m), drop the old key from the receiver

Examples:
  $ nsx integrations update erp-orders --api-key-file ~/.secrets/erp-key-2026
  $ printf %s "$NEW_ERP_KEY" | nsx integrations update erp-orders --api-key-stdin --yes
  $ nsx integrations update erp-orders --callback-url https://erp2.example.com/newstore --api-key-env ERP_KEY
  $ nsx integrations update wms-fulfillment --entities fulfillment_request --events order.cancelled --yes`,
    )
    .action(lazy(() => import('./update.js')));

  integrations
    .command('start <id>')
    .alias('resume')
    .description('start (resume) an integration: delivery resumes where it stopped')
    .addHelpText(
      'after',
      `
Starting a running integration does nothing. An integration stopped at the rejected-events limit stops
again at the next rejection: handle its rejected events first (nsx recover ID does both).

Examples:
  $ nsx integrations start erp-orders
  $ nsx integrations start erp-orders --json`,
    )
    .action(lazy(() => import('./start.js')));

  integrations
    .command('stop <id>')
    .description('stop an integration: no data flows to the ERP until it is started again')
    .option('-y, --yes', 'do not ask (required when there is no terminal)')
    .addHelpText(
      'after',
      `
Asks for confirmation in a terminal; without one (scripts, CI) pass --yes, or nsx exits 3.

Examples:
  $ nsx integrations stop wms-fulfillment
  $ nsx integrations stop wms-fulfillment --yes --json`,
    )
    .action(lazy(() => import('./stop.js')));

  integrations
    .command('delete <id>')
    .alias('rm')
    .description('delete an integration with its log entries and rejected events (cannot be undone)')
    .option('-y, --yes', 'do not ask to type the id (required when there is no terminal)')
    .option('--export <dir>', 'first write integration.json, logs.ndjson and rejected-events.ndjson to DIR; no delete if that fails')
    .addHelpText(
      'after',
      `
In a terminal you type the id to confirm; without one pass --yes, or nsx exits 3.
NewStore deletes the integration's log entries and rejected events with it: --export keeps a copy
(secrets masked, files owner-only). If the export fails, nothing is deleted.

Examples:
  $ nsx integrations delete old-erp
  $ nsx integrations delete old-erp --export ./backups/old-erp --yes`,
    )
    .action(lazy(() => import('./delete.js')));

  addDestinationOptions(
    integrations
      .command('replay')
      .description('replay-by-date: a temporary integration that re-delivers the events of a time window, then stops'),
  )
    .addOption(new Option('--since <time>', 'start of the window: ISO date/time or an age (2d = two days ago)').makeOptionMandatory())
    .addOption(new Option('--until <time>', 'end of the window: ISO date/time or an age (default: now)'))
    .addOption(new Option('--id <id>', 'id of the temporary integration (default: replay-<since date>, made unique)'))
    .addOption(new Option('--wait', 'wait until the replay has finished (the integration stopped)'))
    .addOption(new Option('--wait-timeout <duration>', 'with --wait: give up after this long, exit 7 (default: 30m)'))
    .addOption(new Option('--interval <duration>', 'with --wait: how often to check (default: 5s)'))
    .addHelpText(
      'after',
      `
The temporary integration counts toward the 25-integration limit until you delete it.
Ctrl-C while waiting exits 130; the replay goes on in NewStore.

Examples:
  $ nsx integrations replay --since 2026-11-20T00:00:00Z --until 2026-11-21T00:00:00Z \\
      --callback-url https://erp.example.com/newstore --api-key-env ERP_API_KEY --events order.created --wait
  $ nsx integrations replay --since 6h --callback-url https://erp.example.com/newstore --api-key-file key.txt --id replay-outage`,
    )
    .action(lazy(() => import('./replay.js')));
}

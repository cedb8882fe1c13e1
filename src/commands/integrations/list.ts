import { defineCommand, LIST_OPTIONS, value } from '../define.js';

export const list = defineCommand({
  name: 'list',
  aliases: ['ls'],
  summary: 'list integrations: id, status, type, destination, starts_at, ends_at',
  options: {
    ...LIST_OPTIONS,
    limit: value('--limit <n>', 'print at most N integrations'),
    status: value('--status <status>', 'only running or only stopped integrations', { choices: ['running', 'stopped'] }),
  },
  help: `The destination is the callback host of a webhook or s3://bucket/prefix of an S3 export.
A table on a terminal, tab-separated when piped; --json / --output ndjson print whole integrations (secrets masked).`,
  examples: [
    'nsx integrations list',
    "nsx integrations list --query \"[?status=='stopped'].id\" -o tsv",
    'nsx integrations list --status stopped --output tsv | cut -f1',
    `nsx integrations list --json | jq -r '.[] | select(.status == "stopped") | .id'`,
  ],
  async run(ctx, args, opts): Promise<void> {
    await (await import('./list.run.js')).run(ctx, args, opts);
  },
});

import { defineCommand } from '../define.js';

export const show = defineCommand({
  name: 'show',
  aliases: ['view'],
  summary: "show one run: plan, rules, each event's outcome, duration, who and where, how to resume it",
  args: ['<run-id>'],
  help: `Reads only the state dir. A terminal shows the first 50 events' outcomes; --json has them all,
with the plan's rules, the phases and the events in flight when the run ended.`,
  examples: ['nsx runs show 20261120T081502Z-3f9a', "nsx runs show 20261120T081502Z-3f9a --json | jq '.event_outcomes[] | select(.outcome != \"delivered\")'"],
  footer: 'Exit codes: 2 not a run id; 5 no such run in the state dir.',
  async run(ctx, args): Promise<void> {
    await (await import('./show.run.js')).run(ctx, args);
  },
});

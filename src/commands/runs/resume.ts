import { defineCommand } from '../define.js';
import { recover } from '../recover/index.js';

// The options of `recover --resume` that a resumed run takes (the run keeps its own plan, rules and pace).
const o = recover.options!;

export const resume = defineCommand({
  name: 'resume',
  summary: 'continue an unfinished recover run: the same as nsx recover <integration> --resume RUN-ID',
  args: ['<run-id>'],
  options: { yes: o.yes, noStart: o.noStart, watch: o.watch, allowRemaining: o.allowRemaining, progress: o.progress, report: o.report },
  help: `Finds the run's integration in its journal and runs recover --resume with it: the run's plan, rules
and options as they were, the lock, the confirmation, the gate, the start and the watch, the same code.
The profile (or --tenant) must target the run's tenant. Triage and rejected retry/delete runs are not
resumed (a person chose their events): run the command again.`,
  examples: ['nsx runs resume 20261120T081502Z-3f9a', 'nsx runs resume 20261120T081502Z-3f9a --yes --watch 30s'],
  footer: `Exit codes: those of nsx recover; 2 not a run id, or a run of another tenant; 5 no such run;
7 the run is running, already ended, or is not a recover run.`,
  async run(ctx, args, opts): Promise<void> {
    await (await import('./resume.run.js')).run(ctx, args, opts);
  },
});

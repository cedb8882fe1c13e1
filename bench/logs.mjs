// `nsx logs list <id> --output ndjson` over 100,000 log entries (issue 4), seeded through the sandbox
// admin API: peak RSS of nsx (goal < 150 MB: streamed, not collected) and wall time against a raw
// paginating undici loop over the same pages (page size 200, keep-alive, its own node process; goal <= 1.5x).
// The harness (sandbox in its own process, both contenders to /dev/null, a checked run of each) is
// bench/_list-vs-raw.mjs, shared with bench/rejected.mjs.
// Usage: npm run build && node bench/logs.mjs   (BENCH_LOG_ENTRIES, BENCH_RUNS; exit 1 when a goal is missed)
import { benchListVsRaw, rerunOnNode24IfOld } from './_list-vs-raw.mjs';

const rerun = rerunOnNode24IfOld();
if (rerun !== undefined) process.exit(rerun);

const ENTRIES = Number(process.env.BENCH_LOG_ENTRIES ?? 100_000);
const INTEGRATION = 'bench-logs';

const ok = await benchListVsRaw({
  title: 'logs list',
  integration: INTEGRATION,
  seed: { logs: ENTRIES },
  path: `/api/v1/org/integrations/eventstream/${INTEGRATION}/logs`,
  envelopeKey: 'logs',
  nsxArgs: ['logs', 'list', INTEGRATION, '--output', 'ndjson'],
  items: ENTRIES,
});
process.exitCode = ok ? 0 : 1;

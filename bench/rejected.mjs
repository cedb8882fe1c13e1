// `nsx rejected list <id> --output ndjson` over 10,000 rejected events (issue 4), seeded through the
// sandbox admin API with the integration's rejected-events limit raised above them: peak RSS of nsx
// (goal < 150 MB: streamed, not collected) and wall time against a raw paginating undici loop over the
// same pages (page size 200, keep-alive, its own node process; goal <= 1.5x).
// Usage: npm run build && node bench/rejected.mjs   (BENCH_REJECTED_EVENTS, BENCH_RUNS; exit 1 when a goal is missed)
import { benchListVsRaw, rerunOnNode24IfOld } from './_list-vs-raw.mjs';

const rerun = rerunOnNode24IfOld();
if (rerun !== undefined) process.exit(rerun);

const EVENTS = Number(process.env.BENCH_REJECTED_EVENTS ?? 10_000);
const INTEGRATION = 'bench-rejected';

const ok = await benchListVsRaw({
  title: 'rejected list',
  integration: INTEGRATION,
  seed: { rejected: EVENTS, rejected_limit: EVENTS + 1 },
  path: `/api/v1/org/integrations/eventstream/${INTEGRATION}/rejected_events`,
  envelopeKey: 'rejected_events',
  nsxArgs: ['rejected', 'list', INTEGRATION, '--output', 'ndjson'],
  items: EVENTS,
});
process.exitCode = ok ? 0 : 1;

import { defineGroup } from '../define.js';
import { list } from './list.js';
import { stats } from './stats.js';
import { tail } from './tail.js';

export const events = defineGroup({
  name: 'events',
  summary: 'see what NewStore published: every delivery attempt, followed live, summed up',
  help: `Reads NewStore's published-events API (every webhook or S3 delivery attempt of every integration,
retries included), tenant-wide or for one integration.`,
  examples: ['nsx events list --status failure --since 1h', 'nsx events stats --by integration'],
  verbs: [list, tail, stats],
});

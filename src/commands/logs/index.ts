import { defineGroup } from '../define.js';
import { list } from './list.js';
import { tail } from './tail.js';

export const logs = defineGroup({
  name: 'logs',
  summary: "read an integration's log: delivery errors, stops, restarts",
  examples: ['nsx logs list erp-orders --level error --since 1d', 'nsx logs tail erp-orders --until-stopped'],
  verbs: [list, tail],
});

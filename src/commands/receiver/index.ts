import { defineGroup } from '../define.js';
import { check } from './check.js';

export const receiver = defineGroup({
  name: 'receiver',
  summary: "check your webhook receiver against NewStore's delivery rules before it stops an integration",
  examples: ['nsx receiver check https://erp.example.com/newstore --api-key-env ERP_API_KEY'],
  verbs: [check],
});

import { defineGroup } from '../define.js';
import { deleteIntegration } from './delete.js';
import { get } from './get.js';
import { list } from './list.js';
import { register } from './register.js';
import { replay } from './replay.js';
import { start } from './start.js';
import { stop } from './stop.js';
import { update } from './update.js';

export const integrations = defineGroup({
  name: 'integrations',
  aliases: ['integration'],
  summary: 'list, inspect, register, update, start, stop, delete and replay event-stream integrations',
  help: `NewStore allows at most 25 integrations (stopped and temporary ones count).
Secrets (api_key, aws_secret_access_key) are masked in every output unless you pass --show-secrets to get.`,
  examples: [
    'nsx integrations list --status stopped',
    'nsx integrations get erp-orders --json',
    'nsx integrations register erp-orders --callback-url https://erp.example.com/newstore --api-key-env ERP_API_KEY',
    'nsx integrations update erp-orders --api-key-file ~/.secrets/erp-key-2026',
    'nsx integrations stop wms-fulfillment --yes',
    'nsx integrations delete old-erp --export ./old-erp-backup',
    'nsx integrations replay --since 2026-11-20 --until 2026-11-21 --callback-url https://erp.example.com/newstore --wait',
  ],
  verbs: [list, get, register, update, start, stop, deleteIntegration, replay],
});

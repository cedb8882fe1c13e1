// nsx integrations update in a real terminal (tmux): the change shown with the key masked, and the answer.
// The sandbox is the one the in-process tests use (test/commands/integrations/update.test.ts).
import { describe, expect, it } from 'vitest';
import { nsxInTerminal } from '../commands/tty.js';
import { h, state, snapshot, keyFile, patches, useUpdateSandbox } from '../commands/integrations/update-sandbox.js';

useUpdateSandbox();

describe('integrations update', () => {
  it('in a terminal: shows the change with the key masked and asks; yes updates', async () => {
    const term = nsxInTerminal(['integrations', 'update', 'erp-orders', '--api-key-file', keyFile('tty.key', 'tty-key-123456')], h.env);
    try {
      const screen = await term.waitFor(/Update erp-orders\?/);
      expect(screen).toMatch(/api_key +\*{8} -> \*{8} \(new key\)/);
      expect(screen).toContain('the receiver must accept it now');
      expect(screen).not.toContain('tty-key-123456');
      term.answer('y');
      expect(await term.exitCode()).toBe(0);
    } finally {
      term.close();
    }
    expect(state().integrations.get('erp-orders')!.callback_parameters!.api_key).toBe('tty-key-123456');
  });

  it('in a terminal: no leaves it unchanged (exit 3)', async () => {
    const before = snapshot('erp-orders');
    const term = nsxInTerminal(['integrations', 'update', 'erp-orders', '--entities', 'return'], h.env);
    try {
      await term.waitFor(/Update erp-orders\?/);
      term.answer('n');
      expect(await term.exitCode()).toBe(3);
    } finally {
      term.close();
    }
    expect(snapshot('erp-orders')).toBe(before);
    expect(patches()).toEqual([]);
  });
});

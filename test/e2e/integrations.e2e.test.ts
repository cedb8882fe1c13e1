// nsx integrations in a real terminal (tmux): the table, and the confirmations a person answers. The
// sandbox is the one the in-process tests use (test/commands/integrations/).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nsxInTerminal } from '../commands/tty.js';
import { h, state, lines, useDemoSandbox } from '../commands/integrations/demo-sandbox.js';

useDemoSandbox();

describe('integrations list', () => {
  it('draws an aligned table with a header in a terminal', async () => {
    const term = nsxInTerminal(['integrations', 'list'], h.env);
    try {
      expect(await term.exitCode()).toBe(0);
      const screen = term.screen();
      expect(screen).toMatch(/^ID\s+STATUS\s+TYPE\s+DESTINATION\s+STARTS_AT\s+ENDS_AT/m);
      expect(screen).toMatch(/^erp-orders\s+stopped\s+permanent\s+-\s+\S+\s+-$/m);
      expect(screen).not.toContain('\t');
    } finally {
      term.close();
    }
  });
});

describe('integrations start and stop', () => {
  it('in a terminal, stop asks and goes ahead on "y"', async () => {
    const term = nsxInTerminal(['integrations', 'stop', 'wms-fulfillment'], h.env);
    try {
      await term.waitFor(/Stop wms-fulfillment\?/);
      expect(state().integrations.get('wms-fulfillment')!.status).toBe('running');
      term.answer('y');
      expect(await term.exitCode()).toBe(0);
      expect(term.screen()).toMatch(/stopped wms-fulfillment/);
      expect(state().integrations.get('wms-fulfillment')!.status).toBe('stopped');
    } finally {
      term.close();
    }
  });

  it('in a terminal, answering no to stop changes nothing (exit 3)', async () => {
    const term = nsxInTerminal(['integrations', 'stop', 's3-archive'], h.env);
    try {
      await term.waitFor(/Stop s3-archive\?/);
      term.answer('n');
      expect(await term.exitCode()).toBe(3);
      expect(state().integrations.get('s3-archive')!.status).toBe('running');
    } finally {
      term.close();
    }
  });
});

describe('integrations delete', () => {
  it('in a terminal, the user types the id to delete; a wrong id deletes nothing', async () => {
    const wrong = nsxInTerminal(['integrations', 'delete', 's3-archive'], h.env);
    try {
      await wrong.waitFor(/Type s3-archive to confirm/);
      wrong.answer('s3-archiv');
      expect(await wrong.exitCode()).toBe(3);
      expect(wrong.screen()).toMatch(/nothing was changed/);
      expect(state().integrations.has('s3-archive')).toBe(true);
    } finally {
      wrong.close();
    }
    const right = nsxInTerminal(['integrations', 'delete', 's3-archive'], h.env);
    try {
      await right.waitFor(/Type s3-archive to confirm/);
      right.answer('s3-archive');
      expect(await right.exitCode()).toBe(0);
      expect(right.screen()).toMatch(/deleted s3-archive/);
      expect(state().integrations.has('s3-archive')).toBe(false);
      expect(lines(readFileSync(join(h.env.NSX_CACHE_DIR!, 'integration-ids.d', 'default'), 'utf8'))).not.toContain('s3-archive');
    } finally {
      right.close();
    }
  });
});

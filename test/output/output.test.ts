import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Output, type Terminal } from '../../src/output/output.js';
import { ApiError } from '../../src/errors.js';

function terminal(opts: { stdoutTTY?: boolean; stderrTTY?: boolean; stdinTTY?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const out = Object.assign(new PassThrough(), { isTTY: opts.stdoutTTY ?? false, columns: 100 });
  const err = Object.assign(new PassThrough(), { isTTY: opts.stderrTTY ?? false });
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const term: Terminal = { stdout: out, stderr: err, isTTY: { stdin: opts.stdinTTY ?? false, stdout: out.isTTY, stderr: err.isTTY }, env: opts.env ?? {} };
  return { term, out: () => stdout, err: () => stderr };
}

const rows = [
  { id: 'erp-orders', status: 'stopped', note: 'tab\there' },
  { id: 'wms', status: 'running', note: 'x' },
];
const columns = [
  { header: 'ID', value: (r: (typeof rows)[number]) => r.id },
  { header: 'STATUS', value: (r: (typeof rows)[number]) => r.status },
  { header: 'NOTE', value: (r: (typeof rows)[number]) => r.note },
];

describe('output modes', () => {
  it('writes tab-separated rows without a header when stdout is piped and no --output was given', async () => {
    const t = terminal();
    const o = new Output({}, t.term);
    expect(o.mode).toBe('tsv');
    await o.list(rows, columns);
    expect(t.out()).toBe('erp-orders\tstopped\ttab here\nwms\trunning\tx\n');
  });

  it('draws an aligned table with a header on a terminal', async () => {
    const t = terminal({ stdoutTTY: true });
    const o = new Output({ color: false }, t.term);
    expect(o.mode).toBe('table');
    await o.list(rows, columns);
    const lines = t.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+NOTE$/);
    expect(lines[1]).toMatch(/^erp-orders\s+stopped\s+tab\s+here$/);
    expect(lines[0]!.indexOf('STATUS')).toBe(lines[2]!.indexOf('running'));
  });

  it('prints json and ndjson with nothing else on stdout, even for an empty list', async () => {
    for (const [flags, expected] of [
      [{ json: true }, rows],
      [{ output: 'json' }, []],
    ] as const) {
      const t = terminal({ stdoutTTY: true });
      const o = new Output(flags, t.term);
      await o.list(expected, columns, { empty: 'nothing here' });
      expect(JSON.parse(t.out())).toEqual(expected);
      expect(t.err()).toBe('');
    }
    const t = terminal();
    await new Output({ output: 'ndjson' }, t.term).list(rows, columns);
    expect(t.out().trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(rows);
  });

  it('leaves stdout empty or valid JSON when the rows fail to arrive (--json | jq never breaks)', async () => {
    async function* failing(after: number): AsyncGenerator<(typeof rows)[number]> {
      for (const row of rows.slice(0, after)) yield row;
      throw new Error('404 on the first page');
    }
    const first = terminal();
    await expect(new Output({ json: true }, first.term).list(failing(0), columns)).rejects.toThrow('404');
    expect(first.out()).toBe('');
    const later = terminal();
    await expect(new Output({ json: true }, later.term).list(failing(1), columns)).rejects.toThrow('404');
    expect(JSON.parse(later.out())).toEqual([rows[0]]);
  });

  it('refuses --json together with another --output instead of picking one silently', () => {
    expect(() => new Output({ json: true, output: 'tsv' }, terminal().term)).toThrow(/--json conflicts with --output tsv/);
    expect(new Output({ json: true, output: 'json' }, terminal().term).mode).toBe('json');
  });

  it('says "empty" on stderr for people, never on stdout', async () => {
    const t = terminal();
    await new Output({}, t.term).list([], columns, { empty: 'no integrations' });
    expect(t.out()).toBe('');
    expect(t.err()).toContain('no integrations');
  });

  it('reports errors as one JSON object on stderr in json mode', () => {
    const t = terminal();
    new Output({ json: true }, t.term).error(new ApiError({ status: 404, method: 'GET', url: 'http://x/y', title: 'Not Found', requestId: 'r1' }));
    const body = JSON.parse(t.err());
    expect(body.error).toMatchObject({ exit_code: 5, status: 404, request_id: 'r1' });
    expect(t.out()).toBe('');
  });
});

describe('is a human watching?', () => {
  it('colours only a terminal, and never with NO_COLOR, TERM=dumb or --no-color', () => {
    expect(new Output({}, terminal({ stdoutTTY: true }).term).color).toBe(true);
    expect(new Output({}, terminal().term).color).toBe(false);
    expect(new Output({}, terminal({ stdoutTTY: true, env: { NO_COLOR: '1' } }).term).color).toBe(false);
    expect(new Output({}, terminal({ stdoutTTY: true, env: { TERM: 'dumb' } }).term).color).toBe(false);
    expect(new Output({ color: false }, terminal({ stdoutTTY: true }).term).color).toBe(false);
    expect(new Output({}, terminal({ env: { FORCE_COLOR: '1' } }).term).color).toBe(true);
  });

  it('prompts only when stdin and stdout are terminals, without --no-input and CI', () => {
    const tty = { stdoutTTY: true, stdinTTY: true };
    expect(new Output({}, terminal(tty).term).canPrompt).toBe(true);
    expect(new Output({}, terminal({ ...tty, stdinTTY: false }).term).canPrompt).toBe(false);
    expect(new Output({}, terminal({ ...tty, stdoutTTY: false }).term).canPrompt).toBe(false);
    expect(new Output({ input: false }, terminal(tty).term).canPrompt).toBe(false);
    expect(new Output({}, terminal({ ...tty, env: { CI: 'true' } }).term).canPrompt).toBe(false);
  });

  it('draws progress only on a terminal stderr, and not with --quiet', () => {
    expect(new Output({}, terminal({ stderrTTY: true }).term).showProgress).toBe(true);
    expect(new Output({}, terminal().term).showProgress).toBe(false);
    expect(new Output({ quiet: true }, terminal({ stderrTTY: true }).term).showProgress).toBe(false);
  });

  it('masks registered secrets and bearer tokens in everything it prints on stderr', () => {
    const t = terminal();
    const o = new Output({ verbose: true }, t.term);
    o.addSecret('hunter2-secret');
    o.warn('tried with hunter2-secret');
    o.debug('authorization: Bearer abcdefghijklmnop');
    o.info('client_secret=xyz123&x=1');
    expect(t.err()).not.toMatch(/hunter2|abcdefghijklmnop|xyz123/);
    expect(t.err().match(/\*\*\*/g)).toHaveLength(3);
  });
});

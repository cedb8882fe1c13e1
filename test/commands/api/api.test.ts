// nsx api METHOD PATH, in-process against the sandbox: any route with the profile's token, the answer as
// JSON on stdout, --paginate over many pages, non-GET requests asked for (exit 3 without --yes) and done
// with it, and every path that would take the token elsewhere refused with exit 2 before any request.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessSandbox, type InProcessSandboxHarness } from '../../helpers/run-nsx-in-process.js';
import { EVENTSTREAM } from '../../helpers/sandbox.js';

let h: InProcessSandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function demo(): Promise<InProcessSandboxHarness> {
  h = await inProcessSandbox({ scenario: 'demo', duplicateProbability: 0, reorderProbability: 0 });
  return h;
}

const TTY = { tty: { stdin: true, stdout: true, stderr: true, columns: 120 }, env: { NO_COLOR: '1' } };
const apiCalls = (r: { requests: Array<{ method: string; path: string }> }) => r.requests.filter((q) => !q.path.includes('/protocol/openid-connect/token'));

describe('nsx api GET', () => {
  it('prints the answer as JSON (one line when piped, indented on a terminal), fields as the query', async () => {
    const h = await demo();
    const piped = await h.nsx(['api', 'GET', EVENTSTREAM]);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout.trim().split('\n')).toHaveLength(1);
    const body = JSON.parse(piped.stdout);
    expect(body.integrations.map((i: { id: string }) => i.id).sort()).toEqual([...h.sandbox.state.integrations.keys()].sort());
    expect(apiCalls(piped)).toEqual([{ method: 'GET', path: EVENTSTREAM }]);

    const tty = await h.nsx(['api', 'get', `${EVENTSTREAM}/erp-orders`], TTY);
    expect(tty.code, tty.stderr).toBe(0);
    expect(tty.stdout).toMatch(/^\{\n {2}"id": "erp-orders",/);
    // No context line and no question for a read.
    expect(tty.stderr).toBe('');
    // The receiver's api_key is masked, as integrations get masks it, unless --show-secrets.
    const key = h.sandbox.state.integrations.get('erp-orders')!.callback_parameters!.api_key!;
    expect(JSON.parse(tty.stdout).callback_parameters.api_key).toBe('********');
    expect(piped.stdout + tty.stdout).not.toContain(key);
    const shown = await h.nsx(['api', 'GET', `${EVENTSTREAM}/erp-orders`, '--show-secrets']);
    expect(JSON.parse(shown.stdout).callback_parameters.api_key).toBe(key);

    const fields = await h.nsx(['api', 'GET', `${EVENTSTREAM}/erp-orders/rejected_events?count=3`, '-F', 'offset=5']);
    expect(fields.code, fields.stderr).toBe(0);
    expect(JSON.parse(fields.stdout).rejected_events).toHaveLength(3);
    expect(apiCalls(fields)).toEqual([{ method: 'GET', path: `${EVENTSTREAM}/erp-orders/rejected_events?count=3&offset=5` }]);
  });

  it('--paginate reads every page (count=7: 15 pages) and prints the items as one array; ndjson, one a line', async () => {
    const h = await demo();
    const onServer = h.sandbox.state.rejectedOf('erp-orders').map((r) => r.id);
    expect(onServer.length).toBe(100);
    const r = await h.nsx(['api', 'GET', `${EVENTSTREAM}/erp-orders/rejected_events`, '--paginate', '-F', 'count=7']);
    expect(r.code, r.stderr).toBe(0);
    const items = JSON.parse(r.stdout) as Array<{ id: string }>;
    expect(items.map((i) => i.id).sort()).toEqual([...onServer].sort());
    const pages = apiCalls(r);
    expect(pages).toHaveLength(15);
    expect(pages.every((p) => p.method === 'GET' && /[?&]count=7/.test(p.path))).toBe(true);
    expect(pages.map((p) => Number(/offset=(\d+)/.exec(p.path)![1]))).toEqual(Array.from({ length: 15 }, (_, i) => i * 7));

    const nd = await h.nsx(['api', 'GET', `${EVENTSTREAM}/erp-orders/rejected_events`, '--paginate', '--output', 'ndjson']);
    expect(nd.code, nd.stderr).toBe(0);
    expect(nd.stdout.trim().split('\n').map((l) => JSON.parse(l).id).sort()).toEqual([...onServer].sort());
  });

  it('a problem+json answer is one error line with its exit code (404: 5), a JSON error object with --json; --verbose shows the calls, never the token', async () => {
    const h = await demo();
    const r = await h.nsx(['api', 'GET', `${EVENTSTREAM}/no-such-one`]);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error: GET ${EVENTSTREAM}/no-such-one answered 404`);
    const json = await h.nsx(['api', 'GET', `${EVENTSTREAM}/no-such-one`, '--json']);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { status: 404, exit_code: 5 } });

    const verbose = await h.nsx(['api', 'GET', EVENTSTREAM, '--verbose']);
    expect(verbose.code).toBe(0);
    expect(verbose.stderr).toContain(`http: > GET ${h.sandbox.baseUrl}${EVENTSTREAM}`);
    expect(verbose.stderr).toMatch(/http: < 200 GET /);
    expect(verbose.stderr).not.toContain(h.sandbox.clientSecret);

    const wrong = await h.nsx(['api', 'GET', EVENTSTREAM], { env: { NSX_CLIENT_SECRET: 'not-the-secret' } });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).not.toContain('not-the-secret');
  });
});

describe('nsx api with a method that changes something', () => {
  it('without --yes and no terminal (or --no-input): the context line, exit 3, nothing sent; with --yes: done (the integration starts)', async () => {
    const h = await demo();
    const start = `${EVENTSTREAM}/erp-orders/_start`;
    expect(h.sandbox.state.integrations.get('erp-orders')!.status).toBe('stopped');
    const refused = await h.nsx(['api', 'POST', start]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/profile \S+ · tenant sandbox · http:\/\/127.0.0.1:\d+/);
    expect(refused.stderr).toContain(`POST ${start}`);
    expect(refused.stderr).toContain('confirmation needed and no terminal to ask in: pass --yes to go ahead');
    expect(refused.requests).toEqual([]);
    const noInput = await h.nsx(['--no-input', 'api', 'POST', start], TTY);
    expect(noInput.code).toBe(3);
    expect(noInput.requests).toEqual([]);
    expect(h.sandbox.state.integrations.get('erp-orders')!.status).toBe('stopped');

    const done = await h.nsx(['api', 'POST', start, '--yes']);
    expect(done.code, done.stderr).toBe(0);
    expect(apiCalls(done)).toEqual([{ method: 'POST', path: start }]);
    expect(JSON.parse(done.stdout)).toEqual({});
    expect(h.sandbox.state.integrations.get('erp-orders')!.status).toBe('running');
  });

  it('DELETE answered 204 prints nothing; --field builds a JSON body; --input - sends stdin; --input FILE sends the file', async () => {
    const h = await demo();
    const [first] = h.sandbox.state.rejectedOf('erp-orders');
    const del = await h.nsx(['api', 'DELETE', `${EVENTSTREAM}/erp-orders/rejected_events/${first!.id}`, '--yes']);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout).toBe('');
    expect(h.sandbox.state.rejectedOf('erp-orders').some((r) => r.id === first!.id)).toBe(false);

    const url = 'http://127.0.0.1:9/hook';
    const patch = await h.nsx(['api', 'PATCH', `${EVENTSTREAM}/erp-orders`, '--input', '-', '--yes'], { input: JSON.stringify({ callback_parameters: { callback_url: url } }) });
    expect(patch.code, patch.stderr).toBe(0);
    expect(h.sandbox.state.integrations.get('erp-orders')!.callback_parameters!.callback_url).toBe(url);

    const file = join(h.env.HOME!, 'patch.json');
    writeFileSync(file, JSON.stringify({ callback_parameters: { callback_url: 'http://127.0.0.1:9/other' } }));
    const fromFile = await h.nsx(['api', 'PATCH', `${EVENTSTREAM}/erp-orders`, '--input', file, '--yes']);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(h.sandbox.state.integrations.get('erp-orders')!.callback_parameters!.callback_url).toBe('http://127.0.0.1:9/other');

    // --field as a body: a 400 from the sandbox's validation is exit 2 with the problem's text.
    const bad = await h.nsx(['api', 'PATCH', `${EVENTSTREAM}/erp-orders`, '-F', 'callback_parameters=7', '--yes']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`PATCH ${EVENTSTREAM}/erp-orders answered 400`);
  });
});

describe('nsx api refuses, with one line and exit 2, before any request', () => {
  it('absolute URLs, //host, backslashes, ".." segments, a bad method, field or input, --paginate with POST, --input with GET', async () => {
    const h = await demo();
    const file = join(h.env.HOME!, 'not.json');
    writeFileSync(file, 'not json');
    const cases: Array<[string[], string]> = [
      [['api', 'GET', 'https://evil.example/steal'], 'is an absolute URL'],
      [['api', 'GET', `${h.sandbox.baseUrl}${EVENTSTREAM}`], 'is an absolute URL'],
      [['api', 'GET', 'ftp:/x'], 'is an absolute URL'],
      [['api', 'GET', '//evil.example/steal'], 'names another host'],
      [['api', 'GET', '\\\\evil.example\\steal'], 'names another host'],
      [['api', 'GET', `${EVENTSTREAM}/../../../x`], 'names the enclosing path'],
      [['api', 'GET', `${EVENTSTREAM}/%2e%2e/x`], 'names the enclosing path'],
      [['api', 'GET', `${EVENTSTREAM}/a%2Fb`], 'holds a path separator'],
      [['api', 'GET', `${EVENTSTREAM}/{id}`], 'percent-encode them'],
      [['api', 'FETCH', EVENTSTREAM], 'method "FETCH" is not one of GET, POST, PUT, PATCH, DELETE'],
      [['api', 'POST', EVENTSTREAM, '-F', 'novalue', '--yes'], '--field "novalue": expected key=value'],
      [['api', 'POST', EVENTSTREAM, '--input', file, '--yes'], `--input: ${file} is not JSON`],
      [['api', 'POST', EVENTSTREAM, '--input', join(h.env.HOME!, 'missing.json'), '--yes'], 'no such file'],
      [['api', 'POST', EVENTSTREAM, '--paginate', '--yes'], '--paginate reads lists: only with GET'],
      [['api', 'GET', EVENTSTREAM, '--input', file], '--input sends a body: GET has none'],
      [['api', 'GET', EVENTSTREAM, '--paginate', '-F', 'count=lots'], 'the page size must be a whole number'],
    ];
    for (const [args, text] of cases) {
      const r = await h.nsx(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.split('\n')[0]).toContain(text);
      expect(r.stderr.trim().split('\n').length, r.stderr).toBeLessThanOrEqual(2);
      expect(r.stdout).toBe('');
      expect(r.requests, args.join(' ')).toEqual([]);
    }
  });
});

describe('the examples of nsx api --help and the README that name --sandbox', () => {
  it('run as written and exit 0', async () => {
    const { readFileSync } = await import('node:fs');
    const { runNsxInProcess } = await import('../../helpers/run-nsx-in-process.js');
    const { isolatedHome } = await import('../../helpers/cli.js');
    const help = await runNsxInProcess(['api', '--help']);
    const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');
    const lines = [...help.stdout.split('\n'), ...readme.split('\n')].map((l) => l.replace(/^\s*\$ /, '').trim()).filter((l) => l.startsWith('nsx --sandbox api '));
    expect(lines.length).toBeGreaterThanOrEqual(6);
    const home = isolatedHome();
    try {
      for (const line of new Set(lines)) {
        const r = await runNsxInProcess(line.split(/\s+/).slice(1), { env: home.env });
        expect(r.code, `${line}\n${r.stderr}`).toBe(0);
        expect(() => JSON.parse(r.stdout), line).not.toThrow();
      }
    } finally {
      home.cleanup();
    }
  });
});

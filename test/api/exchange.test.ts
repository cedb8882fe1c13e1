// exchange(): one request over a real loopback socket, the answer read whole; abort and errors.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { exchange } from '../../src/api/exchange.js';

let server: Server | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  await agent?.destroy();
  agent = undefined;
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server whose /slow answers after `slowMs`, and whose other paths answer at once with a large body. */
async function serve(slowMs = 5_000): Promise<string> {
  server = createServer((req, res) => {
    if (req.url === '/slow') {
      const t = setTimeout(() => res.end('late'), slowMs);
      res.on('close', () => clearTimeout(t));
      return;
    }
    if (req.url === '/reset') return void req.socket.destroy();
    res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r-1' });
    res.end(JSON.stringify({ items: 'é'.repeat(100_000) })); // several chunks, a multi-byte character across them
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  agent = new Agent({ keepAliveTimeout: 1000 });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('exchange', () => {
  it('returns the status, the headers and the whole body as text', async () => {
    const origin = await serve();
    const r = await exchange(agent!, { origin, path: '/x', method: 'GET' });
    expect(r.statusCode).toBe(201);
    expect(r.headers['x-request-id']).toBe('r-1');
    expect((JSON.parse(r.text) as { items: string }).items).toBe('é'.repeat(100_000));
  });

  it('rejects at once, without sending, when the signal is already aborted', async () => {
    const origin = await serve();
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(exchange(agent!, { origin, path: '/x', method: 'GET', signal: controller.signal })).rejects.toThrow('stop now');
  });

  it('cuts off a call in flight when the signal aborts, with the signal reason', async () => {
    const origin = await serve();
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(new Error('interrupted')), 50);
    await expect(exchange(agent!, { origin, path: '/slow', method: 'GET', signal: controller.signal })).rejects.toThrow('interrupted');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("rejects with undici's error code when the connection is reset", async () => {
    const origin = await serve();
    await expect(exchange(agent!, { origin, path: '/reset', method: 'GET' })).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) });
  });

  it('times out a slow answer with UND_ERR_HEADERS_TIMEOUT', async () => {
    const origin = await serve();
    await expect(exchange(agent!, { origin, path: '/slow', method: 'GET', headersTimeout: 100 })).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
  });
});

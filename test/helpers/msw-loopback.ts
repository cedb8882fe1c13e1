// Serves msw request handlers over a real node:http server on loopback (TOOLCHAIN.md: msw does not
// intercept undici Agents, so the client under test must talk to a real socket). A handler that returns
// HttpResponse.error() makes the server drop the connection, as a reset would.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';

export interface LoopbackServer {
  url: string;
  /** Every request the server received, in order (method, path with query, headers, body text). */
  requests: Array<{ method: string; path: string; headers: IncomingMessage['headers']; body: string; at: number }>;
  close(): Promise<void>;
}

export async function serveHandlers(handlers: RequestHandler[]): Promise<LoopbackServer> {
  const requests: LoopbackServer['requests'] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, at: performance.now() });
    const url = `http://${req.headers.host}${req.url}`;
    const request = new Request(url, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : [[k, v] as [string, string]])),
      ...(body && req.method !== 'GET' && req.method !== 'HEAD' ? { body } : {}),
    });
    const response = await getResponse(handlers, request).catch(() => undefined);
    if (!response) {
      res.writeHead(501, { 'content-type': 'text/plain' }).end(`no handler for ${req.method} ${req.url}`);
      return;
    }
    if (response.type === 'error') {
      req.socket.destroy();
      return;
    }
    res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

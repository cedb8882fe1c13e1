// One HTTP exchange with the whole answer in memory, on undici's dispatch API. Every call nsx makes reads
// a small JSON (or S3 XML) answer whole, and undici's request() wraps each answer in a Readable stream
// first: dispatching with a handler that collects the chunks costs ~30% less client CPU per call (~190 ->
// ~135 µs, 5,000 keep-alive POSTs at 8 in flight on the 2-core dev machine). CPU is what
// `recover --concurrency` runs out of there (bench/recover.mjs); the sandbox's webhook client uses it too.
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

export interface ExchangeResult {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The body as UTF-8 text ('' when there is none). */
  text: string;
}

export type ExchangeOptions = Dispatcher.DispatchOptions & {
  signal?: AbortSignal | undefined;
  /**
   * A deadline for the whole exchange (headers and body). undici's headersTimeout/bodyTimeout are idle
   * timeouts: a server that trickles one byte every half second never trips them.
   */
  deadlineMs?: number | undefined;
};

/** The answer did not arrive whole within the deadline (`code` NSX_DEADLINE). */
export class DeadlineError extends Error {
  readonly code = 'NSX_DEADLINE';
  constructor(
    readonly deadlineMs: number,
    /** The status line had arrived: the server was answering, too slowly. */
    readonly answerStarted: boolean,
  ) {
    super(`no complete answer within ${deadlineMs} ms`);
    this.name = 'DeadlineError';
  }
}

/**
 * Sends one request and resolves with the status, headers and body text. Rejects with undici's error
 * (its `code` says what failed: ECONNRESET, UND_ERR_HEADERS_TIMEOUT, ...) or, once `signal` aborts, with
 * the signal's reason: a call still queued is dropped when its turn comes, one in flight is cut off.
 */
export function exchange(dispatcher: Dispatcher, options: ExchangeOptions): Promise<ExchangeResult> {
  const { signal, deadlineMs, ...dispatchOptions } = options;
  return new Promise<ExchangeResult>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let answerStarted = false;
    let expired: DeadlineError | undefined;
    const onAbort = (): void => {
      if (controller) controller.abort(abortReason(signal!));
      // else: aborted on its turn (onRequestStart)
    };
    const deadline =
      deadlineMs !== undefined && deadlineMs > 0
        ? setTimeout(() => {
            if (settled) return;
            expired = new DeadlineError(deadlineMs, answerStarted);
            if (controller) controller.abort(expired);
            else {
              settle();
              reject(expired);
            }
          }, deadlineMs)
        : undefined;
    const settle = (): void => {
      settled = true;
      if (deadline) clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const chunks: Buffer[] = [];
    let statusCode = 0;
    let headers: IncomingHttpHeaders = {};
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (signal?.aborted) c.abort(abortReason(signal));
        else if (expired) c.abort(expired);
      },
      onResponseStart(_c, status, responseHeaders) {
        answerStarted = true;
        statusCode = status;
        headers = responseHeaders;
      },
      onResponseData(_c, chunk) {
        chunks.push(chunk);
      },
      onResponseEnd() {
        if (settled) return;
        settle();
        const text = chunks.length === 0 ? '' : chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
        resolve({ statusCode, headers, text });
      },
      onResponseError(_c, error) {
        if (settled) return;
        settle();
        reject(signal?.aborted ? abortReason(signal) : (expired ?? error));
      },
    };
    try {
      dispatcher.dispatch(dispatchOptions, handler);
    } catch (error) {
      settle();
      reject(error as Error);
    }
  });
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
}

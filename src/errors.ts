// Error classes that carry nsx's exit codes. src/cli.ts is the one place that turns them into an exit.

export const ExitCode = {
  ok: 0,
  error: 1, // unexpected or server error
  usage: 2, // usage or invalid input; nothing was sent
  confirmation: 3, // confirmation declined, or needed and impossible to ask for
  auth: 4, // authentication / authorisation
  notFound: 5,
  partial: 6, // some items or a remote job failed
  precondition: 7, // precondition not met, or timed out waiting
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODE_HELP = `Exit codes:
  0    success
  1    unexpected or server error
  2    usage or invalid input (nothing was sent)
  3    confirmation declined, or needed but impossible (pass --yes)
  4    authentication or authorisation failed
  5    not found
  6    partly failed (some items, or a remote job, failed)
  7    precondition not met, or timed out waiting
  130  interrupted (Ctrl-C)`;

export class NsxError extends Error {
  readonly exitCode: ExitCodeValue;
  /** A second line for people: what to do next. */
  readonly hint: string | undefined;
  /** Shown with --verbose only, after the error line (e.g. the raw body of an answer nsx could not read). */
  readonly verboseDetail: string | undefined;
  constructor(message: string, exitCode: ExitCodeValue = ExitCode.error, options?: { hint?: string; cause?: unknown; verboseDetail?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options?.hint;
    this.verboseDetail = options?.verboseDetail;
  }
}

export class UsageError extends NsxError {
  constructor(message: string, options?: { hint?: string }) {
    super(message, ExitCode.usage, options);
  }
}
export class ConfirmationError extends NsxError {
  constructor(message: string, options?: { hint?: string }) {
    super(message, ExitCode.confirmation, options);
  }
}
export class AuthError extends NsxError {
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, ExitCode.auth, options);
  }
}
export class NotFoundError extends NsxError {
  /** The integration id that does not exist, when that is what was not found (a "did you mean" looks for it). */
  readonly integrationId: string | undefined;
  constructor(message: string, options?: { hint?: string; integrationId?: string }) {
    super(message, ExitCode.notFound, options);
    this.integrationId = options?.integrationId;
  }
}
export class PartialFailureError extends NsxError {
  constructor(message: string, options?: { hint?: string }) {
    super(message, ExitCode.partial, options);
  }
}
export class PreconditionError extends NsxError {
  constructor(message: string, options?: { hint?: string }) {
    super(message, ExitCode.precondition, options);
  }
}
export class InterruptedError extends NsxError {
  constructor(message = 'interrupted', options?: { hint?: string }) {
    super(message, ExitCode.interrupted, options);
  }
}

/**
 * A 2xx answer nsx cannot read: not JSON (a proxy's or captive portal's page, a truncated body), or JSON
 * without a field nsx needs. `where` names the first mismatch; `--verbose` shows the (redacted) body.
 */
export class UnreadableAnswerError extends NsxError {
  readonly where: string;
  readonly requestId: string | undefined;
  constructor(init: { route: string; where: string; requestId?: string | undefined; verboseDetail?: string | undefined; hint?: string }) {
    const rid = init.requestId ? ` (request_id ${init.requestId})` : '';
    super(`${init.route} answered a body nsx cannot read: ${init.where}${rid}`, ExitCode.error, {
      hint: init.hint ?? 'run with --verbose to see the answer; if NewStore changed its shape, please report it',
      ...(init.verboseDetail !== undefined ? { verboseDetail: init.verboseDetail } : {}),
    });
    this.where = init.where;
    this.requestId = init.requestId;
  }
}

/** An HTTP answer that was not a success: status, problem+json fields and the request id. */
export class ApiError extends NsxError {
  readonly status: number;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  /** problem+json `error_code` and `messages` (updated) [doc]. */
  readonly errorCode: string | undefined;
  readonly messages: string[];
  readonly requestId: string | undefined;
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
  /** How long the server asked to wait (Retry-After of a 429/503), when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(init: {
    status: number;
    method: string;
    url: string;
    title?: string | undefined;
    detail?: string | undefined;
    errorCode?: string | undefined;
    /** Each shown on its own line under the error. */
    messages?: string[] | undefined;
    requestId?: string | undefined;
    body?: unknown;
    retryAfterMs?: number | undefined;
    verboseDetail?: string | undefined;
  }) {
    const what = [init.title, init.detail].filter(Boolean).join(': ') || `HTTP ${init.status}`;
    const ids = [init.errorCode && `error_code ${init.errorCode}`, init.requestId && `request_id ${init.requestId}`].filter(Boolean);
    const rid = ids.length ? ` (${ids.join(', ')})` : '';
    const lines = (init.messages ?? []).map((m) => `\n  ${m}`).join('');
    super(`${init.method} ${stripOrigin(init.url)} answered ${init.status}: ${what}${rid}${lines}`, exitCodeForStatus(init.status), {
      ...(init.verboseDetail !== undefined ? { verboseDetail: init.verboseDetail } : {}),
    });
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.errorCode = init.errorCode;
    this.messages = init.messages ?? [];
    this.requestId = init.requestId;
    this.method = init.method;
    this.url = init.url;
    this.body = init.body;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * A path parameter (an id from the user or from a server) that is not one safe path segment: refused
 * before anything is sent (see unsafePathParameter in api/routes.ts). Exit 1: most such ids come from a
 * server's answer; a typed one is refused earlier as a usage error.
 */
export class UnsafePathParameterError extends NsxError {
  readonly parameter: string;
  readonly value: string;
  constructor(route: { method: string; path: string }, parameter: string, value: string, reason: string) {
    super(`refused to send ${route.method} ${route.path} with ${parameter} ${JSON.stringify(value)}: ${reason}, so the call could reach another resource`);
    this.parameter = parameter;
    this.value = value;
  }
}

/** The connection failed (refused, reset, timed out) after every retry. */
export class NetworkError extends NsxError {
  readonly code: string | undefined;
  constructor(message: string, code?: string, cause?: unknown) {
    super(message, ExitCode.error, { cause });
    this.code = code;
  }
}

export function exitCodeForStatus(status: number): ExitCodeValue {
  if (status === 401 || status === 403) return ExitCode.auth;
  if (status === 404) return ExitCode.notFound;
  if (status === 400 || status === 422) return ExitCode.usage;
  if (status === 409 || status === 412) return ExitCode.precondition;
  return ExitCode.error;
}

function stripOrigin(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

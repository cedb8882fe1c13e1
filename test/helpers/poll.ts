// The one polling helper of the tests: wait for a condition on a server, a file, a child's output or a
// terminal, with a deadline and a message that says what never happened.

export interface WaitOptions {
  /** Between checks (default 10 ms). */
  intervalMs?: number;
  /** Stop at once (a child that exited cannot print any more). */
  giveUpIf?: () => boolean;
  /** Added to the failure message (a child's output, a screen). */
  detail?: () => string;
}

/**
 * Polls until `check` returns a truthy value and returns it, or fails after `ms` naming `what` (and the
 * last error `check` threw: a check may throw while the thing it looks at is not there yet).
 */
export async function waitFor<T>(check: () => T | Promise<T>, ms = 5000, what = 'condition', options: WaitOptions = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    const gaveUp = options.giveUpIf?.() ?? false;
    if (gaveUp || Date.now() > deadline) {
      const why = gaveUp ? 'gave up' : `timed out after ${ms} ms`;
      throw new Error(`${why} waiting for ${what}${last ? `: ${(last as Error).message}` : ''}${options.detail ? `\n${options.detail()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 10));
  }
}

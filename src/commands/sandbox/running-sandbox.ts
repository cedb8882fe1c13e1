// Finding the sandbox the `nsx sandbox` verbs talk to (--url, NSX_SANDBOX_URL, the "sandbox" profile, the
// default port) and its admin API client (api/sandbox-admin.ts: the calls, their paths and errors).
import { SandboxAdminApi } from '../../api/sandbox-admin.js';
import { UsageError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { getProfile } from '../../config/profiles.js';

export const SANDBOX_PROFILE = 'sandbox';
export const DEFAULT_SANDBOX_URL = 'http://127.0.0.1:4545';

/** --url, else NSX_SANDBOX_URL, else the "sandbox" profile's base URL, else the default port. */
export function sandboxUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = flag ?? env.NSX_SANDBOX_URL ?? profileBaseUrl() ?? DEFAULT_SANDBOX_URL;
  try {
    return new URL(url).origin;
  } catch {
    throw new UsageError(`--url: "${url}" is not a URL`);
  }
}

/** The admin API of the sandbox that --url (or its fallbacks) names. */
export function sandboxAdmin(flag: string | undefined, env: NodeJS.ProcessEnv): SandboxAdminApi {
  return new SandboxAdminApi(sandboxUrl(flag, env));
}

function profileBaseUrl(): string | undefined {
  try {
    return getProfile(SANDBOX_PROFILE)?.['base-url'];
  } catch {
    return undefined;
  }
}

/** Resolves on Ctrl-C (the context aborts ctx.signal) or on SIGTERM, both as the run's IO delivers them. */
export function untilStopped(ctx: CommandContext): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      offTerminate?.();
      resolve();
    };
    const offTerminate = ctx.io.onTerminate?.(stop);
    if (ctx.signal.aborted) stop();
    ctx.signal.addEventListener('abort', stop, { once: true });
  });
}

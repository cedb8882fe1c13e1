// Who runs nsx, as written into locks, journals and job names.
import { userInfo } from 'node:os';
import { currentIO } from '../io.js';

/** The login name; the environment's (USER, USERNAME) where there is no passwd entry (some containers). */
export function currentUser(env: NodeJS.ProcessEnv = currentIO().env): string {
  try {
    return userInfo().username || (env.USER ?? env.USERNAME ?? 'unknown');
  } catch {
    return env.USER ?? env.USERNAME ?? 'unknown';
  }
}

// Who runs nsx, as written into locks, journals and job names.
import { userInfo } from 'node:os';

/** The login name; the environment's (USER, USERNAME) where there is no passwd entry (some containers). */
export function currentUser(): string {
  try {
    return userInfo().username || (process.env.USER ?? process.env.USERNAME ?? 'unknown');
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

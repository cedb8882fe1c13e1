// Where nsx keeps its files. XDG locations by default; NSX_CONFIG_DIR / NSX_STATE_DIR / NSX_CACHE_DIR override.
// They follow the environment of the running command (src/io.ts), so two runs in one process with
// different environments each use their own folders.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { currentIO } from '../io.js';

type Env = NodeJS.ProcessEnv;

function xdg(env: Env, envName: string, fallback: string[]): string {
  const base = env[envName];
  // HOME as the run gives it; os.homedir() reads the process's, so it is only the fallback.
  return base && base.startsWith('/') ? base : join(env.HOME || homedir(), ...fallback);
}

export function configDir(env: Env = currentIO().env): string {
  return env.NSX_CONFIG_DIR || join(xdg(env, 'XDG_CONFIG_HOME', ['.config']), 'nsx');
}
export function stateDir(env: Env = currentIO().env): string {
  return env.NSX_STATE_DIR || join(xdg(env, 'XDG_STATE_HOME', ['.local', 'state']), 'nsx');
}
export function cacheDir(env: Env = currentIO().env): string {
  return env.NSX_CACHE_DIR || join(xdg(env, 'XDG_CACHE_HOME', ['.cache']), 'nsx');
}

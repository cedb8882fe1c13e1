// Where nsx keeps its files. XDG locations by default; NSX_CONFIG_DIR / NSX_STATE_DIR / NSX_CACHE_DIR override.
import { homedir } from 'node:os';
import { join } from 'node:path';

function xdg(envName: string, fallback: string[]): string {
  const base = process.env[envName];
  return base && base.startsWith('/') ? base : join(homedir(), ...fallback);
}

export function configDir(): string {
  return process.env.NSX_CONFIG_DIR || join(xdg('XDG_CONFIG_HOME', ['.config']), 'nsx');
}
export function stateDir(): string {
  return process.env.NSX_STATE_DIR || join(xdg('XDG_STATE_HOME', ['.local', 'state']), 'nsx');
}
export function cacheDir(): string {
  return process.env.NSX_CACHE_DIR || join(xdg('XDG_CACHE_HOME', ['.cache']), 'nsx');
}

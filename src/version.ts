// nsx's version, read from the package.json at the package root. The code runs from dist/ (tsc's output,
// which the tests and benches import), from dist/bundle/ (the bundle bin/nsx.cjs loads) or from src/
// (vitest), so the file is one or two levels up; the name check keeps it from reading another package's.
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function version(): string {
  if (cached) return cached;
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'nsx' && pkg.version) return (cached = pkg.version);
    } catch {
      /* not there: try the next level */
    }
  }
  return (cached = '0.0.0-unknown');
}

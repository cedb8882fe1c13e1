// The path builder is the one place where an id becomes part of a URL: every route with a parameter
// refuses a value that is not one safe path segment, before anything is sent.
import { describe, expect, it } from 'vitest';
import { buildPath, ROUTES, SANDBOX_ROUTES, unsafePathParameter, type Route } from '../../src/api/routes.js';
import { UnsafePathParameterError } from '../../src/errors.js';

const HOSTILE = ['', '.', '..', 'a/b', '../x', '/', '%2e%2e', '%2E%2e', '.%2e', 'a%2Fb', '%2F', 'a\\b', '..\\', 'id\u001b]0;pwned\u0007', 'x\ny'];
const FRIENDLY = ['erp-orders', 'rej-000123', '...', '.hidden', 'a..b', 'evt.1', '42', 'ä-ö', '%zz', 'a%b'];

const withParams = Object.entries({ ...ROUTES, ...SANDBOX_ROUTES }).filter(([, route]) => /\{\w+\}/.test(route.path)) as Array<[string, Route]>;

function paramsOf(route: Route, value: string, which: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) params[name!] = name === which ? value : 'ok-1';
  return params;
}

describe('buildPath refuses unsafe path parameters', () => {
  it('covers every route that takes a parameter', () => {
    expect(withParams.map(([name]) => name).sort()).toEqual(
      expect.arrayContaining(['deleteIntegration', 'deleteRejectedEvent', 'getIntegration', 'retryRejectedEvent', 'startIntegration', 'stopIntegration']),
    );
  });

  for (const [name, route] of withParams) {
    for (const [, param] of route.path.matchAll(/\{(\w+)\}/g)) {
      it(`${name}: {${param}} refuses empty, ".", "..", separators and controls (also percent-encoded)`, () => {
        for (const bad of HOSTILE) {
          let thrown: unknown;
          try {
            buildPath(route, paramsOf(route, bad, param!));
          } catch (error) {
            thrown = error;
          }
          expect(thrown, `${name} ${param}=${JSON.stringify(bad)}`).toBeInstanceOf(UnsafePathParameterError);
          expect((thrown as Error).message).toContain(`${route.method} ${route.path}`);
          expect((thrown as Error).message).toContain(`${param} ${JSON.stringify(bad)}`);
        }
      });
      it(`${name}: {${param}} keeps ordinary ids as one encoded segment`, () => {
        for (const good of FRIENDLY) {
          const path = buildPath(route, paramsOf(route, good, param!));
          const template = route.path.split(`{${param}}`);
          expect(path.includes(encodeURIComponent(good)), `${name} ${good}`).toBe(true);
          // The filled path has exactly as many segments as the template: nothing was split or merged.
          expect(path.split('/').length).toBe(route.path.split('/').length);
          expect(template.length).toBe(2);
        }
      });
    }
  }

  it('names the reason', () => {
    expect(unsafePathParameter('..')).toMatch(/enclosing path/);
    expect(unsafePathParameter('%2e%2e')).toMatch(/enclosing path/);
    expect(unsafePathParameter('a/b')).toMatch(/separator/);
    expect(unsafePathParameter('')).toMatch(/empty/);
    expect(unsafePathParameter('a\u0007')).toMatch(/control/);
    expect(unsafePathParameter('rej-1')).toBeUndefined();
  });
});

// Shell-style globs for event names and ids: "*" any run of characters, "?" one character.
// Dots are literal, so "order.*" matches "order.created" and not "orders".

const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`);
    cache.set(glob, re);
  }
  return re;
}

export function matchesGlob(value: string, glob: string): boolean {
  return globToRegExp(glob).test(value);
}

export function matchesAnyGlob(value: string, globs: readonly string[]): boolean {
  return globs.some((g) => matchesGlob(value, g));
}

/** A matcher for a comma-separated list of globs ("order.*,return.*"); an empty list matches everything. */
export function globListMatcher(list: string): (value: string) => boolean {
  const globs = list.split(',').map((g) => g.trim()).filter(Boolean);
  return globs.length === 0 ? () => true : (value) => matchesAnyGlob(value, globs);
}

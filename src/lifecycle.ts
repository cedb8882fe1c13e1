// Work to do when a command has finished (close the keep-alive dispatcher, ...), registered by the
// modules that created it, so the exit path never imports anything a command did not already load.
const hooks: Array<() => Promise<void> | void> = [];

export function atExit(hook: () => Promise<void> | void): void {
  hooks.push(hook);
}

export async function runExitHooks(): Promise<void> {
  for (const hook of hooks.splice(0).reverse()) {
    try {
      await hook();
    } catch {
      /* exiting anyway */
    }
  }
}

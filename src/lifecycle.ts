// Work to do when a command has finished (close the keep-alive dispatcher, ...), registered by the
// modules that created it, so the exit path never imports anything a command did not already load.
// What the hooks close belongs to the process (one dispatcher for every run in it), so with several runs
// of main() in one process (in-process tests) they run when the last of them ends.
const hooks: Array<() => Promise<void> | void> = [];
let runs = 0;

export function atExit(hook: () => Promise<void> | void): void {
  hooks.push(hook);
}

/** A run of main() begins. */
export function runStarted(): void {
  runs++;
}

/** A run of main() has ended: the exit hooks run once no other run is still going. */
export async function runEnded(): Promise<void> {
  runs = Math.max(0, runs - 1);
  if (runs === 0) await runExitHooks();
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

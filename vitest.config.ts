import { defineConfig } from 'vitest/config';

// Command tests run nsx in-process (test/helpers/run-nsx-in-process.ts) with an IO of their own (streams,
// env, command line) and put back the working folder and the exit code after each run: they share their workers
// instead of paying a fresh worker per file (~1 s each on two cores). Everything else (tests that spawn the
// built CLI, drive tmux, or change process state themselves) keeps one isolated worker per file.
const IN_PROCESS = [
  'test/commands/*/**/*.test.ts',
  'test/commands/{bad-input,hostile-answers,hostile-ids,hostile-servers,samples}.test.ts',
  'test/hints.test.ts',
  'test/output/**/*.test.ts',
  // Unit and loopback-HTTP tests that change no process state: a fork each cost ~1 s of CPU for nothing.
  'test/{api,workflows,input,config}/**/*.test.ts',
];

// The tests whose subject is the process itself: the built CLI spawned (launcher, packed install, exit on
// signals, the README's commands in bash), a real terminal (tmux) and real shells (completion). They need
// dist/ and most of the CPU: `npm run test:e2e` builds and runs them; `npm test` runs the rest, which
// imports src/ directly and needs no build. CI runs both (.ci/run).
const E2E = ['test/e2e/**/*.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    // Two cores. The e2e tests are CPU-bound (each spawns node), so two workers; `npm test` passes
    // --maxWorkers 6, since its tests mostly wait on loopback servers and timers.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'in-process', include: IN_PROCESS, isolate: false } },
      // Unit tests that need a worker of their own (they change process state, or spawn a helper script).
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...IN_PROCESS, ...E2E, 'node_modules/**'] } },
      { extends: true, test: { name: 'e2e', include: E2E } },
    ],
  },
});

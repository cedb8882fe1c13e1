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

export default defineConfig({
  test: {
    // e2e tests spawn the built CLI and real servers on loopback; two cores, so keep workers modest.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'in-process', include: IN_PROCESS, isolate: false } },
      { extends: true, test: { name: 'process', include: ['test/**/*.test.ts'], exclude: [...IN_PROCESS, 'node_modules/**'] } },
    ],
  },
});

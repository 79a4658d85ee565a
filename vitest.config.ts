import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Notes the temporary folders tests make, so the global teardown can name any left behind.
    setupFiles: ['test/support/temp-dir-journal.ts'],
    pool: 'forks',
    // Test files share their worker's module cache instead of each loading the server's modules
    // again: the run takes about a third less time (docs/TESTING.md). A file that mocks a module
    // loads what uses it afresh (vi.resetModules, test/architecture/shared-modules.test.ts).
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The suites share two cores with PostgreSQL and NATS; more workers only add contention.
    maxWorkers: 2,
    // Every test must pass alone and in any order: files and the tests inside them run shuffled
    // (the seed is printed; replay with --sequence.seed=N, see docs/TESTING.md).
    sequence: { shuffle: { files: true, tests: true } },
  },
});

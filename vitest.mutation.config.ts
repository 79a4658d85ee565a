import { defineConfig } from 'vitest/config';

/**
 * The tests StrykerJS runs against each mutant (`npm run mutation`, see docs/TESTING.md): the
 * pure-code suites of the mutated files only, so a mutant costs seconds and needs no database.
 */
export default defineConfig({
  test: {
    include: [
      'src/core/**/*.test.ts',
      'src/ledger/tree/**/*.test.ts',
      'src/registry/standing.test.ts',
      'src/scan/detectors/**/*.test.ts',
    ],
    pool: 'forks',
    // Instrumented code on two shared cores runs the property tests several times slower.
    testTimeout: 120_000,
    maxWorkers: 1,
    // Property tests make a tenth of their runs per mutant (test/support/property-runs.ts);
    // `npm test` keeps the full count.
    env: { QALQAN_MUTATION_RUNS: '10' },
  },
});

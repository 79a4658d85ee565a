/**
 * Mutation testing (`npm run mutation`; not in CI: it takes minutes). The scope is the pure code
 * whose tests must catch a wrong line: core identifiers and taxonomy, the Merkle tree and its
 * proofs, the standing rule and the scanner's detectors. Narrow a run with
 * `npm run mutation -- --mutate 'src/ledger/tree/*.ts'`. Scores are recorded in docs/TESTING.md.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  mutate: [
    'src/core/**/*.ts',
    'src/ledger/tree/*.ts',
    'src/registry/standing.ts',
    'src/scan/detectors/*.ts',
    '!**/*.test.ts',
    '!**/test-support/**',
  ],
  coverageAnalysis: 'perTest',
  // Mutants in module-level constants would need a full re-run each; their tables are covered by
  // the detector and taxonomy tests that read them.
  ignoreStatic: true,
  concurrency: 1,
  timeoutMS: 5_000,
  // Not copied into the sandbox: nothing the mutated suites import, and `web/dist` changes under
  // a run whenever the web app is rebuilt (a vanished asset aborted a run).
  ignorePatterns: ['/web', '/bench', '/docs', '/.tmp', '/.ci'],
  // The sandbox lives outside the work tree so lint and tests never see the mutated copies.
  tempDirName: process.env.STRYKER_TMP ?? '/tmp/qalqan-stryker',
  cleanTempDir: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: '.tmp/mutation/index.html' },
  jsonReporter: { fileName: '.tmp/mutation/report.json' },
  thresholds: { high: 90, low: 80, break: null },
};
